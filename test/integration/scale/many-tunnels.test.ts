import { afterAll, describe, expect, it } from '@jest/globals';
import { firstValueFrom } from 'rxjs';
import type { Tunnel } from '../../../src/engine/vpn.js';
import type { VpnState } from '../../../src/state/vpn-state.js';
import { Lab, isAlive } from '../lab/lab.js';
import { Fleet, connected } from './support/fleet.js';
import { leftoversOf } from './support/leftovers.js';
import { profileOf } from './support/profile.js';

const TUNNEL_COUNT = 20;
const TEST_TIMEOUT_MS = 120_000;

const sorted = (pids: readonly number[]): number[] => [...pids].sort((a, b) => a - b);

const lab = new Lab();
const fleet = new Fleet(`it-scale-many-${process.pid}`);

afterAll(async () => {
  await fleet.stopAll();
  await lab.cleanup();
});

describe('one process supervising many tunnels against one server', () => {
  it(
    `connects ${TUNNEL_COUNT} tunnels, stops one without disturbing the rest, then stops all`,
    async () => {
      // The lab's pull server already allows duplicate-cn: every client shows the same cert.
      const server = await lab.server({ kind: 'pull', extra: ['max-clients 100'] });
      const profile = profileOf(server.clientConfig());
      const tunnels: Tunnel[] = [];
      const histories: VpnState[][] = [];
      for (let i = 0; i < TUNNEL_COUNT; i += 1) {
        const tunnel = fleet.start(profile);
        const history: VpnState[] = [];
        tunnel.state$.subscribe((state) => history.push(state));
        tunnels.push(tunnel);
        histories.push(history);
      }

      const ups = await Promise.all(tunnels.map((tunnel) => connected(tunnel)));
      const pids = await Promise.all(tunnels.map((tunnel) => firstValueFrom(tunnel.pid$)));
      expect(new Set(pids).size).toBe(TUNNEL_COUNT);
      // Each tunnel has its own stream: the server handed every client its own address.
      const addresses = ups.map((state) => (state.phase === 'connected' ? state.localIpv4 : ''));
      expect(new Set(addresses).size).toBe(TUNNEL_COUNT);
      const up = leftoversOf(fleet.appId);
      expect(sorted(up.openvpnPids)).toEqual(sorted(pids));
      expect(up.runtimeDirs).toHaveLength(TUNNEL_COUNT);
      expect(up.sockets).toHaveLength(TUNNEL_COUNT);

      const [first, ...rest] = tunnels;
      if (first === undefined) throw new Error('no tunnel');
      const restLengths = histories.slice(1).map((history) => history.length);
      expect(await fleet.stop(first)).toMatchObject({ phase: 'stopped' });
      expect(isAlive(pids[0] ?? -1)).toBe(false);
      // Give a disturbance time to show, then prove none did: no sibling moved off connected.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      histories.slice(1).forEach((history, i) => {
        const since = history.slice(restLengths[i] ?? 0);
        expect(since.every((state) => state.phase === 'connected')).toBe(true);
        expect(history.at(-1)?.phase).toBe('connected');
      });
      expect(sorted(leftoversOf(fleet.appId).openvpnPids)).toEqual(sorted(pids.slice(1)));

      for (const tunnel of rest) tunnel.stop();
      const finals = await Promise.all(rest.map((tunnel) => tunnel.done));
      expect(finals.every((state) => state.phase === 'stopped')).toBe(true);
      expect(leftoversOf(fleet.appId)).toEqual({ openvpnPids: [], runtimeDirs: [], sockets: [] });
    },
    TEST_TIMEOUT_MS,
  );
});
