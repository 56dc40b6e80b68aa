import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { parseProcStatStartTime, procfsProcessInfo } from '../../src/process/process-info.js';

// 52 fields as in proc(5); field 22 (starttime) is 123456.
const stat = (comm: string): string =>
  `4242 (${comm}) S 1 4242 4242 0 -1 4194560 1234 0 0 0 12 5 0 0 20 0 1 0 123456 ` +
  '12345678 1234 18446744073709551615 1 1 0 0 0 0 0 4096 17664 0 0 0 17 3 0 0 0 0 0\n';

describe('parseProcStatStartTime', () => {
  it('reads field 22 even when comm holds spaces and parentheses', () => {
    expect(parseProcStatStartTime(stat('openvpn'))).toBe(123456);
    expect(parseProcStatStartTime(stat('a) S 1 (b c'))).toBe(123456);
  });

  it('returns undefined for a line it cannot read', () => {
    expect(parseProcStatStartTime('')).toBeUndefined();
    expect(parseProcStatStartTime('4242 (openvpn) S 1 2 3')).toBeUndefined();
  });
});

describe('procfsProcessInfo', () => {
  let procRoot = '';
  beforeEach(() => {
    procRoot = mkdtempSync(join(tmpdir(), 'rx-proc-'));
  });
  afterEach(() => {
    rmSync(procRoot, { recursive: true, force: true });
  });

  it('reads the start time of a pid, and undefined for a pid that is gone', () => {
    mkdirSync(join(procRoot, '4242'));
    writeFileSync(join(procRoot, '4242', 'stat'), stat('openvpn'));
    const info = procfsProcessInfo(procRoot);
    expect(info.startTime(4242)).toBe(123456);
    expect(info.startTime(4243)).toBeUndefined();
  });

  it('reads this very process from the real /proc', () => {
    const startTime = procfsProcessInfo().startTime(process.pid);
    expect(Number.isSafeInteger(startTime)).toBe(true);
  });
});
