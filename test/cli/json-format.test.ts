import { describe, expect, it } from '@jest/globals';
import { formatJsonLine, toJsonRecord } from '../../src/cli/json-format.js';
import { controlCodesIn } from './control-codes.js';
import type { VpnState } from '../../src/state/vpn-state.js';

const AT = 1_767_225_600_000;

describe('toJsonRecord', () => {
  it('maps idle and starting to phase and time only', () => {
    expect(toJsonRecord({ phase: 'idle', at: AT })).toEqual({ phase: 'idle', at: AT });
    expect(
      toJsonRecord({
        phase: 'starting',
        at: AT,
        lastError: { code: 'TLS_ERROR', message: 'x' },
      }),
    ).toEqual({ phase: 'starting', at: AT });
  });

  it('maps connecting to its step, without the internal hold and auth details', () => {
    expect(
      toJsonRecord({ phase: 'connecting', at: AT, step: 'HOLD', holdBackoffSeconds: 5 }),
    ).toEqual({ phase: 'connecting', at: AT, step: 'HOLD' });
  });

  it('maps connected with remote and the IPv4 tunnel address as localIp', () => {
    expect(
      toJsonRecord({
        phase: 'connected',
        at: AT + 5,
        since: AT,
        remote: { host: '127.0.0.1', port: 1194 },
        localIpv4: '10.8.0.6',
      }),
    ).toEqual({
      phase: 'connected',
      at: AT + 5,
      since: AT,
      remote: { host: '127.0.0.1', port: 1194 },
      localIp: '10.8.0.6',
    });
  });

  it('gives the IPv6 address as localIp when there is no IPv4, and both when both', () => {
    const base = { phase: 'connected', at: AT, since: AT } as const;
    expect(toJsonRecord({ ...base, localIpv6: 'fd00::6' })).toEqual({
      ...base,
      localIp: 'fd00::6',
    });
    expect(toJsonRecord({ ...base, localIpv4: '10.8.0.6', localIpv6: 'fd00::6' })).toEqual({
      ...base,
      localIp: '10.8.0.6',
      localIpv6: 'fd00::6',
    });
  });

  it('leaves remote and localIp out of connected when they are unknown', () => {
    expect(toJsonRecord({ phase: 'connected', at: AT, since: AT })).toEqual({
      phase: 'connected',
      at: AT,
      since: AT,
    });
  });

  it('maps reconnecting to reason, raw reason and attempt, and the step once known', () => {
    const state: VpnState = {
      phase: 'reconnecting',
      at: AT,
      reason: 'ping-restart',
      rawReason: 'ping-restart',
      attempt: 2,
    };
    expect(toJsonRecord(state)).toEqual({
      phase: 'reconnecting',
      at: AT,
      reason: 'ping-restart',
      rawReason: 'ping-restart',
      attempt: 2,
    });
    expect(toJsonRecord({ ...state, step: 'WAIT' })).toEqual({
      phase: 'reconnecting',
      at: AT,
      reason: 'ping-restart',
      rawReason: 'ping-restart',
      attempt: 2,
      step: 'WAIT',
    });
  });

  it('maps stopping to whether the stop was requested', () => {
    expect(toJsonRecord({ phase: 'stopping', at: AT, requested: true, rawReason: 'x' })).toEqual({
      phase: 'stopping',
      at: AT,
      requested: true,
    });
  });

  it('maps stopped to the exit code, or null and the signal when killed', () => {
    expect(toJsonRecord({ phase: 'stopped', at: AT, exitCode: 0 })).toEqual({
      phase: 'stopped',
      at: AT,
      exitCode: 0,
    });
    expect(toJsonRecord({ phase: 'stopped', at: AT, signal: 'SIGKILL' })).toEqual({
      phase: 'stopped',
      at: AT,
      exitCode: null,
      signal: 'SIGKILL',
    });
  });

  it('maps failed to the error code and message, without details', () => {
    expect(
      toJsonRecord({
        phase: 'failed',
        at: AT,
        error: { code: 'AUTH_FAILED', message: 'wrong password', details: { attempts: 1 } },
      }),
    ).toEqual({
      phase: 'failed',
      at: AT,
      error: { code: 'AUTH_FAILED', message: 'wrong password' },
    });
  });
});

describe('formatJsonLine', () => {
  it('writes one parseable line ending in a newline, phase and at first', () => {
    const line = formatJsonLine({ phase: 'connecting', at: AT, step: 'WAIT' });
    expect(line).toBe(`{"phase":"connecting","at":${AT},"step":"WAIT"}\n`);
  });

  it('escapes characters that would act on a terminal, and the line still parses back', () => {
    const message = 'a\u001b[2Jb\u009b2Jc\u202ed\u2028e\nf';
    const line = formatJsonLine({ phase: 'failed', at: AT, error: { code: 'TLS_ERROR', message } });
    expect(controlCodesIn(line.slice(0, -1))).toEqual([]);
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toEqual({
      phase: 'failed',
      at: AT,
      error: { code: 'TLS_ERROR', message },
    });
  });
});
