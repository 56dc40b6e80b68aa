import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ManagementMode } from '../../../src/engine/engine-options.js';
import type { ProcessIdentity } from '../../../src/launcher/ownership-marker.js';
import { startHost } from './support/engine-host.js';
import { buildEngine, type BuiltEngine } from './support/built-engine.js';
import {
  EngineBed,
  TEST_TIMEOUT_MS,
  profileOf,
  reach,
  runtimeDirsOf,
} from './support/engine-bed.js';
import { exitsWithin, hasExited } from './support/process-watch.js';

const bed = new EngineBed('host-death');
let built: BuiltEngine | undefined;
const BUILD_TIMEOUT_MS = 120_000;
/** A dial-in openvpn sees the management link drop and exits: well within this. */
const ORPHAN_EXIT_MS = 10_000;

beforeAll(async () => {
  built = await buildEngine();
}, BUILD_TIMEOUT_MS);
afterAll(() => built?.remove());
afterEach(() => bed.teardown());

interface CrashedHost {
  readonly openvpn: ProcessIdentity;
  /** The runtime directories of the app id right after the host died. */
  readonly dirsLeft: readonly string[];
}

/** Runs a host until its tunnel is up, then SIGKILLs it: no exit hook, no cleanup runs. */
async function crashHost(
  profileText: string,
  management: ManagementMode['kind'] = 'dial-in',
): Promise<CrashedHost> {
  if (built === undefined) throw new Error('the engine was not built');
  const { child: host, openvpn } = await startHost(bed, built, profileText, { management });
  const exited = once(host, 'exit');
  host.kill('SIGKILL');
  await exited;
  return { openvpn, dirsLeft: await runtimeDirsOf(bed.appId) };
}

describe('the engine when its host process is killed', () => {
  it(
    'leaves an openvpn that exits by itself once the management link drops',
    async () => {
      const server = await bed.lab.server({ kind: 'p2p' });
      const crashed = await crashHost(server.clientConfig());

      expect(await exitsWithin(crashed.openvpn, ORPHAN_EXIT_MS)).toBe(true);
      // Nobody removed the dead host's runtime directory: the next start sweeps it.
      expect(await runtimeDirsOf(bed.appId)).toEqual(crashed.dirsLeft);
      expect(crashed.dirsLeft).toHaveLength(1);
      await Promise.all(
        crashed.dirsLeft.map((name) => rm(join(tmpdir(), name), { recursive: true })),
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'has the next start of the same app id remove the runtime directory a killed host left',
    async () => {
      const crashed = await crashHost((await bed.lab.server({ kind: 'p2p' })).clientConfig());
      expect(await exitsWithin(crashed.openvpn, ORPHAN_EXIT_MS)).toBe(true);
      expect(crashed.dirsLeft).toHaveLength(1);

      // A fresh server: a point-to-point one still tied to the dead client answers late.
      const server = await bed.lab.server({ kind: 'p2p' });
      const watched = bed.start({ profile: profileOf(server.clientConfig()) });
      await reach(watched, 'connected', (s) => s.phase === 'connected');
      const dirs = await runtimeDirsOf(bed.appId);
      expect(dirs).toHaveLength(1);
      expect(dirs).not.toEqual(crashed.dirsLeft);

      watched.tunnel.stop();
      expect(await watched.tunnel.done).toMatchObject({ phase: 'stopped' });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'has the next start stop the listen-mode openvpn a killed host left running',
    async () => {
      const first = await bed.lab.server({ kind: 'p2p' });
      const crashed = await crashHost(first.clientConfig(), 'listen');
      // Nothing tells a listening openvpn that its engine is gone.
      expect(await exitsWithin(crashed.openvpn, ORPHAN_EXIT_MS)).toBe(false);

      const server = await bed.lab.server({ kind: 'p2p' });
      const watched = bed.start({ profile: profileOf(server.clientConfig()) });
      await reach(watched, 'connected', (s) => s.phase === 'connected');
      expect(hasExited(crashed.openvpn)).toBe(true);
      const dirs = await runtimeDirsOf(bed.appId);
      expect(dirs.filter((name) => crashed.dirsLeft.includes(name))).toEqual([]);

      watched.tunnel.stop();
      expect(await watched.tunnel.done).toMatchObject({ phase: 'stopped' });
    },
    TEST_TIMEOUT_MS,
  );
});
