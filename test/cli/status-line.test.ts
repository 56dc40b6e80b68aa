import { describe, expect, it } from '@jest/globals';
import { statusLine, statusParts } from '../../src/cli/status-line.js';
import type { Traffic } from '../../src/cli/status-line.js';
import type { VpnState } from '../../src/state/vpn-state.js';

const AT = 1_767_225_600_000;
const TRAFFIC: Traffic = {
  bytesIn: 1.5 * 1024 * 1024,
  bytesOut: 210 * 1024,
  inBytesPerSecond: 34 * 1024,
  outBytesPerSecond: 2048,
};

describe('statusLine', () => {
  it('shows a connected tunnel with addresses, traffic and time since it came up', () => {
    const state: VpnState = {
      phase: 'connected',
      at: AT + 60_000,
      since: AT,
      localIpv4: '10.8.0.6',
      remote: { host: '127.0.0.1', port: 1194 },
    };
    expect(statusLine(state, TRAFFIC, AT + 723_000)).toBe(
      'connected  10.8.0.6 ⇄ 127.0.0.1:1194  ↓ 1.5 MiB 34 KiB/s  ↑ 210 KiB 2 KiB/s  12:03',
    );
  });

  it('brackets an IPv6 remote and leaves out what is unknown', () => {
    expect(
      statusLine(
        { phase: 'connected', at: AT, since: AT, remote: { host: 'fd00::1', port: 1194 } },
        undefined,
        AT + 5_000,
      ),
    ).toBe('connected  [fd00::1]:1194  0:05');
    expect(statusLine({ phase: 'connected', at: AT, since: AT }, undefined, AT)).toBe(
      'connected  0:00',
    );
  });

  it.each<[VpnState, string]>([
    [{ phase: 'idle', at: AT }, 'idle'],
    [{ phase: 'starting', at: AT }, 'starting  0:03'],
    [{ phase: 'connecting', at: AT, step: 'WAIT' }, 'connecting: WAIT  0:03'],
    [
      {
        phase: 'reconnecting',
        at: AT,
        reason: 'ping-restart',
        rawReason: 'ping-restart',
        attempt: 2,
      },
      'reconnecting #2: ping-restart  0:03',
    ],
    [
      {
        phase: 'reconnecting',
        at: AT,
        reason: 'signal',
        rawReason: 'SIGUSR1',
        attempt: 1,
        step: 'WAIT',
      },
      'reconnecting #1: signal (SIGUSR1), WAIT  0:03',
    ],
    [{ phase: 'stopping', at: AT, requested: true }, 'stopping  0:03'],
    [
      { phase: 'stopping', at: AT, requested: false },
      'stopping: openvpn is exiting on its own  0:03',
    ],
    [{ phase: 'stopped', at: AT, exitCode: 0 }, 'stopped (exit code 0)'],
    [{ phase: 'stopped', at: AT, signal: 'SIGKILL' }, 'stopped (SIGKILL)'],
    [{ phase: 'stopped', at: AT }, 'stopped (exit code unknown)'],
    [
      { phase: 'failed', at: AT, error: { code: 'AUTH_FAILED', message: 'wrong password' } },
      'failed: AUTH_FAILED: wrong password',
    ],
  ])('shows %j', (state, line) => {
    expect(statusLine(state, TRAFFIC, AT + 3_000)).toBe(line);
  });

  it('sanitises what openvpn said before it reaches the terminal', () => {
    const line = statusLine(
      {
        phase: 'failed',
        at: AT,
        error: { code: 'TLS_ERROR', message: 'bad\u001b]0;pwned\u0007 peer\ncert' },
      },
      undefined,
      AT,
    );
    expect(line).toBe('failed: TLS_ERROR: bad peer cert');
  });
});

describe('statusParts', () => {
  it('keeps the clock and the traffic out of the summary', () => {
    const state: VpnState = { phase: 'connected', at: AT, since: AT, localIpv4: '10.8.0.6' };
    const early = statusParts(state, undefined, AT + 1_000);
    const late = statusParts(state, TRAFFIC, AT + 9_000);
    expect(early.summary).toBe(late.summary);
    expect(early.live).not.toBe(late.live);
  });
});
