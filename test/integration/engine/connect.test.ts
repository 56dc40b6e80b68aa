import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { firstValueFrom, filter } from 'rxjs';
import { parseOvpn } from '../../../src/profile/parse-ovpn.js';
import { startTunnel, type Tunnel } from '../../../src/engine/vpn.js';
import type { VpnState } from '../../../src/state/vpn-state.js';
import { Lab, isAlive } from '../lab/lab.js';
import { scopedProcessTable } from './support/scoped-process-table.js';

const lab = new Lab();
const appId = `it-connect-${process.pid}`;
const tunnels: Tunnel[] = [];
// Other test files run openvpn under their own app ids: only ours count here.
const deps = { processTable: scopedProcessTable([appId]) };
/** Long enough for several 100 ms polls, were any running. */
const POLLS_WINDOW_MS = 600;

afterEach(async () => {
  for (const tunnel of tunnels.splice(0)) {
    tunnel.stop('kill');
    await tunnel.done;
  }
});
afterAll(() => lab.cleanup());

const profileOf = (text: string) => {
  const parsed = parseOvpn(text);
  if (parsed._tag === 'Left') throw new Error(parsed.left.message);
  return parsed.right;
};

const runtimeDirs = async (): Promise<string[]> =>
  (await readdir(tmpdir())).filter((name) => name.startsWith(`rx-openvpn-${appId}-`));

describe('the engine against real openvpn', () => {
  it('connects to a point-to-point server, then stops leaving nothing behind', async () => {
    const server = await lab.server({ kind: 'p2p' });
    const tunnel = startTunnel({ profile: profileOf(server.clientConfig()), appId }, deps);
    tunnels.push(tunnel);
    const states: VpnState[] = [];
    tunnel.state$.subscribe((state) => states.push(state));

    const connected = await firstValueFrom(
      tunnel.state$.pipe(filter((s) => s.phase === 'connected' || s.phase === 'failed')),
    );
    expect(connected).toMatchObject({
      phase: 'connected',
      remote: { host: '127.0.0.1', port: server.port },
    });
    expect(await runtimeDirs()).toHaveLength(1);

    tunnel.stop();
    const final = await tunnel.done;
    expect(final).toMatchObject({ phase: 'stopped' });
    const phases = states.map((s) => s.phase);
    // The tunnel started before this subscription: it replays the latest state, `starting`.
    expect(phases[0]).toBe('starting');
    expect(phases).toContain('connecting');
    expect(phases.slice(-2)).toEqual(['stopping', 'stopped']);
    // No state is ever emitted twice in a row.
    for (let i = 1; i < states.length; i += 1) expect(states[i]).not.toEqual(states[i - 1]);
    expect(await runtimeDirs()).toEqual([]);
  }, 30_000);

  it('fails with PROCESS_EXITED when openvpn is killed from outside', async () => {
    const server = await lab.server({ kind: 'p2p' });
    const tunnel = startTunnel({ profile: profileOf(server.clientConfig()), appId }, deps);
    tunnels.push(tunnel);
    await firstValueFrom(tunnel.state$.pipe(filter((s) => s.phase === 'connected')));
    const pid = await firstValueFrom(tunnel.pid$);
    process.kill(pid, 'SIGKILL');
    const final = await tunnel.done;
    expect(final).toMatchObject({
      phase: 'failed',
      error: { code: 'PROCESS_EXITED', details: { signal: 'SIGKILL' } },
    });
    expect(isAlive(pid)).toBe(false);
    expect(await runtimeDirs()).toEqual([]);
  }, 30_000);

  it('reads the tunnel device counters with status while connected', async () => {
    const server = await lab.server({ kind: 'pull' });
    const tunnel = startTunnel(
      { profile: profileOf(server.clientConfig()), appId, statusPollMs: 200 },
      deps,
    );
    tunnels.push(tunnel);
    await firstValueFrom(tunnel.state$.pipe(filter((s) => s.phase === 'connected')));
    const sample = await firstValueFrom(tunnel.tunTraffic$);
    expect(sample).toEqual({
      channel: 'tun',
      readBytes: expect.any(Number),
      writeBytes: expect.any(Number),
      at: expect.any(Number),
    });
    tunnel.stop();
    expect(await tunnel.done).toMatchObject({ phase: 'stopped' });
  }, 30_000);

  it('sends status only while someone reads the tunnel device counters', async () => {
    const server = await lab.server({ kind: 'pull' });
    const written: string[] = [];
    const tunnel = startTunnel(
      {
        profile: profileOf(server.clientConfig()),
        appId,
        statusPollMs: 100,
        transcript: (line) => {
          if (line.direction === 'to-openvpn') written.push(line.text);
        },
      },
      deps,
    );
    tunnels.push(tunnel);
    const statusCount = (): number => written.filter((text) => text === 'status').length;
    await firstValueFrom(tunnel.state$.pipe(filter((s) => s.phase === 'connected')));
    await sleep(POLLS_WINDOW_MS);
    expect(statusCount()).toBe(0);

    const watching = tunnel.tunTraffic$.subscribe();
    await firstValueFrom(tunnel.tunTraffic$);
    await sleep(POLLS_WINDOW_MS);
    watching.unsubscribe();
    // A poll already written may still be answered; none is written after that.
    const afterWatching = statusCount();
    expect(afterWatching).toBeGreaterThanOrEqual(2);
    await sleep(POLLS_WINDOW_MS);
    expect(statusCount()).toBe(afterWatching);

    tunnel.stop();
    expect(await tunnel.done).toMatchObject({ phase: 'stopped' });
  }, 30_000);
});
