import { describe, expect, it } from '@jest/globals';
import { sameState } from '../../src/state/same-state.js';
import type { VpnState } from '../../src/state/vpn-state.js';

const connected: VpnState = {
  phase: 'connected',
  at: 1,
  localIpv4: '10.8.0.2',
  remote: { host: 'vpn.example.org', port: 1194 },
  since: 1,
};

describe('sameState', () => {
  it('ignores which event produced the state', () => {
    expect(sameState(connected, { ...connected, at: 99 })).toBe(true);
  });

  it('compares nested values', () => {
    expect(
      sameState(connected, { ...connected, remote: { host: 'vpn.example.org', port: 443 } }),
    ).toBe(false);
  });

  it('tells phases apart', () => {
    expect(sameState({ phase: 'idle', at: 1 }, { phase: 'stopped', at: 1 })).toBe(false);
  });

  it('treats an absent optional field like an undefined one', () => {
    const stopped: VpnState = { phase: 'stopped', at: 1 };
    expect(sameState(stopped, { phase: 'stopped', at: 2, exitCode: undefined })).toBe(true);
    expect(sameState(stopped, { phase: 'stopped', at: 2, exitCode: 0 })).toBe(false);
  });
});
