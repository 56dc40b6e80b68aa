import { describe, expect, it } from '@jest/globals';
import type { ProcessInfo } from '../../src/process/process-info.js';
import { signalProcess } from '../../src/process/signal-process.js';

const table = (entries: Record<number, number>): ProcessInfo => ({
  startTime: (pid) => entries[pid],
});

const errno = (code: string): Error => Object.assign(new Error(code), { code });

describe('signalProcess', () => {
  it('sends the signal when the pid still has the start time', () => {
    const sent: [number, string][] = [];
    const kill = (pid: number, signal: NodeJS.Signals): void => {
      sent.push([pid, signal]);
    };
    expect(signalProcess(10, 500, 'SIGTERM', { processInfo: table({ 10: 500 }), kill })).toBe(
      'sent',
    );
    expect(sent).toEqual([[10, 'SIGTERM']]);
  });

  it('leaves a reused pid alone and reports a vanished one as gone', () => {
    const kill = (): void => {
      throw new Error('must not be called');
    };
    expect(signalProcess(10, 500, 'SIGKILL', { processInfo: table({ 10: 501 }), kill })).toBe(
      'reused',
    );
    expect(signalProcess(10, 500, 'SIGKILL', { processInfo: table({}), kill })).toBe('gone');
  });

  it('maps ESRCH to gone and EPERM to denied, and rethrows anything else', () => {
    const processInfo = table({ 10: 500 });
    const failing = (code: string) => () => {
      throw errno(code);
    };
    expect(signalProcess(10, 500, 'SIGTERM', { processInfo, kill: failing('ESRCH') })).toBe('gone');
    expect(signalProcess(10, 500, 'SIGTERM', { processInfo, kill: failing('EPERM') })).toBe(
      'denied',
    );
    expect(() =>
      signalProcess(10, 500, 'SIGTERM', { processInfo, kill: failing('EINVAL') }),
    ).toThrow('EINVAL');
  });
});
