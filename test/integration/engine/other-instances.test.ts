import { afterEach, describe, expect, it } from '@jest/globals';
import { firstValueFrom } from 'rxjs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  markerArgs,
  ownershipMarker,
  type ProcessIdentity,
} from '../../../src/launcher/ownership-marker.js';
import { OPENVPN_BIN, waitFor } from '../lab/lab.js';
import {
  EngineBed,
  TEST_TIMEOUT_MS,
  profileOf,
  reach,
  type WatchedTunnel,
} from './support/engine-bed.js';
import { hasExited, identityOf, isZombie } from './support/process-watch.js';

const ALIEN_APP_ID = `it-other-app-${process.pid}`;
const bed = new EngineBed('other-instances', [ALIEN_APP_ID]);
afterEach(() => bed.teardown());

const EXEC_TIMEOUT_MS = 5_000;

// A client that never connects: nothing answers on UDP port 1, so it retries until stopped.
const LONELY_CLIENT = [
  'client',
  'dev null',
  'nobind',
  'proto udp',
  'remote 127.0.0.1 1',
  'ca /usr/share/doc/openvpn/examples/sample-keys/ca.crt',
  'cert /usr/share/doc/openvpn/examples/sample-keys/client.crt',
  'key /usr/share/doc/openvpn/examples/sample-keys/client.key',
  'verb 3',
].join('\n');

/** The arguments of a never-connecting openvpn carrying the marker of `appId` and `engine`. */
async function markedArgs(appId: string, engine: ProcessIdentity): Promise<string[]> {
  const config = join(await bed.lab.tempDir(), 'lonely-client.conf');
  await writeFile(config, `${LONELY_CLIENT}\n`);
  const marker = ownershipMarker(appId, engine);
  if (marker._tag === 'Left') throw marker.left;
  return ['--config', config, ...markerArgs(marker.right)];
}

/** Starts an openvpn by hand that carries the marker of `appId` and `engine`. */
async function markedOpenvpn(appId: string, engine: ProcessIdentity): Promise<ProcessIdentity> {
  const started = await bed.lab.run(await markedArgs(appId, engine), /UDPv4 link remote/);
  const openvpn = identityOf(started.pid);
  if (openvpn === undefined) throw new Error(`openvpn died at start:\n${started.output()}`);
  bed.watch(openvpn);
  return openvpn;
}

/**
 * Like {@link markedOpenvpn}, but the openvpn's parent never reaps it: a shell that starts it in
 * the background and becomes `sleep`. Once it exits it stays a zombie, as orphans do under an
 * init that does not reap (a container without one).
 */
async function unreapedMarkedOpenvpn(
  appId: string,
  engine: ProcessIdentity,
): Promise<ProcessIdentity> {
  const args = [OPENVPN_BIN, ...(await markedArgs(appId, engine))];
  const parent = spawn(
    'sh',
    ['-c', '"$@" >/dev/null 2>&1 & echo $!; exec sleep 600', 'sh', ...args],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  bed.adopt(parent);
  const [line] = (await once(parent.stdout, 'data')) as [Buffer];
  const pid = Number(line.toString('utf8').trim());
  // The pid is the forked shell's until it has exec'd openvpn.
  await waitFor(
    () => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith(OPENVPN_BIN),
    EXEC_TIMEOUT_MS,
  );
  const openvpn = identityOf(pid);
  if (openvpn === undefined) throw new Error(`openvpn ${pid} died at start`);
  bed.watch(openvpn);
  return openvpn;
}

/** Resolves 'none' when the tunnel ended without spawning openvpn. */
const spawnedPid = (watched: WatchedTunnel): Promise<number | 'none'> =>
  firstValueFrom(watched.tunnel.pid$, { defaultValue: 'none' });

describe('the engine beside openvpn instances it did not start', () => {
  it(
    'stops an openvpn of this application whose engine died, then connects',
    async () => {
      const stale = await markedOpenvpn(bed.appId, await bed.deadEngine());
      const server = await bed.lab.server({ kind: 'p2p' });
      const watched = bed.start({ profile: profileOf(server.clientConfig()) });

      await reach(watched, 'connected', (s) => s.phase === 'connected');
      // The engine waits for the stale instance to exit before it spawns its own.
      expect(hasExited(stale)).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'counts a stale openvpn that exited but was never reaped as stopped, then connects',
    async () => {
      const stale = await unreapedMarkedOpenvpn(bed.appId, await bed.deadEngine());
      const server = await bed.lab.server({ kind: 'p2p' });
      const watched = bed.start({ profile: profileOf(server.clientConfig()) });

      await reach(watched, 'connected', (s) => s.phase === 'connected');
      // Exited on the engine's signal, and left unreaped: what a stale instance may look like.
      expect(isZombie(stale)).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'refuses with ALIEN_OPENVPN_RUNNING beside an openvpn of another application, leaving it up',
    async () => {
      const alien = await markedOpenvpn(ALIEN_APP_ID, await bed.liveEngine());
      const server = await bed.lab.server({ kind: 'p2p' });
      const watched = bed.start({ profile: profileOf(server.clientConfig()) });

      expect(await watched.tunnel.done).toMatchObject({
        phase: 'failed',
        error: { code: 'ALIEN_OPENVPN_RUNNING' },
      });
      expect(await spawnedPid(watched)).toBe('none');
      expect(hasExited(alien)).toBe(false);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'refuses with OPENVPN_ALREADY_RUNNING beside an openvpn of this application whose engine lives',
    async () => {
      const live = await markedOpenvpn(bed.appId, await bed.liveEngine());
      const server = await bed.lab.server({ kind: 'p2p' });
      const watched = bed.start({ profile: profileOf(server.clientConfig()) });

      expect(await watched.tunnel.done).toMatchObject({
        phase: 'failed',
        error: { code: 'OPENVPN_ALREADY_RUNNING' },
      });
      expect(await spawnedPid(watched)).toBe('none');
      expect(hasExited(live)).toBe(false);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'with takeover, stops the openvpn of another live engine of this application, then connects',
    async () => {
      const live = await markedOpenvpn(bed.appId, await bed.liveEngine());
      const server = await bed.lab.server({ kind: 'p2p' });
      const watched = bed.start({ profile: profileOf(server.clientConfig()), takeover: true });

      await reach(watched, 'connected', (s) => s.phase === 'connected');
      expect(hasExited(live)).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );
});
