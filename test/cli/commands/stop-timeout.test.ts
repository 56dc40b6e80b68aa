import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { splitSignalTimeout, splitStopTimeout } from '../../../src/cli/commands/stop-timeout.js';
import { DEFAULT_STOP_DEADLINES } from '../../../src/engine/vpn.js';

describe('splitStopTimeout', () => {
  it('gives half to the management signal, 30% to SIGTERM and 20% to SIGKILL', () => {
    expect(splitStopTimeout(10_000)).toEqual({
      managementMs: 5_000,
      sigtermMs: 3_000,
      sigkillMs: 2_000,
    });
  });

  it('keeps the proportions of the engine defaults', () => {
    const total =
      DEFAULT_STOP_DEADLINES.managementMs +
      DEFAULT_STOP_DEADLINES.sigtermMs +
      DEFAULT_STOP_DEADLINES.sigkillMs;
    expect(splitStopTimeout(total)).toEqual(DEFAULT_STOP_DEADLINES);
  });

  it('gives the rounding to the management rung', () => {
    expect(splitStopTimeout(9)).toEqual({ managementMs: 6, sigtermMs: 2, sigkillMs: 1 });
  });

  it('always adds up to the total, in whole milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 86_400_000 }), (total) => {
        const { managementMs, sigtermMs, sigkillMs } = splitStopTimeout(total);
        expect(managementMs + sigtermMs + sigkillMs).toBe(total);
        for (const part of [managementMs, sigtermMs, sigkillMs]) {
          expect(Number.isInteger(part)).toBe(true);
          expect(part).toBeGreaterThanOrEqual(0);
        }
        expect(managementMs).toBeGreaterThanOrEqual(sigtermMs);
        expect(sigtermMs).toBeGreaterThanOrEqual(sigkillMs);
      }),
    );
  });
});

describe('splitSignalTimeout', () => {
  it('hands the management share to SIGTERM when there is no management link', () => {
    expect(splitSignalTimeout(10_000)).toEqual({ sigtermMs: 8_000, sigkillMs: 2_000 });
  });

  it('always adds up to the total', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 86_400_000 }), (total) => {
        const { sigtermMs, sigkillMs } = splitSignalTimeout(total);
        expect(sigtermMs + sigkillMs).toBe(total);
      }),
    );
  });
});
