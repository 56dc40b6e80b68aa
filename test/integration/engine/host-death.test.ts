import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ManagementMode } from '../../../src/engine/engine-options.js';
import type { ProcessIdentity } from '../../../src/launcher/ownership-marker.js';
import { buildEngine, type BuiltEngine } from './support/built-engine.js';
import {
  EngineBed,
  PHASE_TIMEOUT_MS,
  TEST_TIMEOUT_MS,
  profileOf,
  reach,
  runtimeDirsOf,
} from './support/engine-bed.js';
import { exitsWithin, hasExited, identityOf } from './support/process-watch.js';

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

// The host: a plain node process running the built engine. It prints openvpn's pid once the
// tunnel is up. Its process table hides other apps' openvpn, like the bed's (test files run
// in parallel).
const HOST_SCRIPT = `
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [buildDir, profilePath, appId, management] = process.argv.slice(2);
const load = (file) => import(pathToFileURL(join(buildDir, file)).href);
const { startTunnel } = await load('engine/vpn.js');
const { parseOvpn } = await load('profile/parse-ovpn.js');
const { createProcessTable } = await load('process/instances-table.js');
const { readMarker } = await load('launcher/ownership-marker.js');

const table = createProcessTable();
const processTable = {
  ...table,
  list: async () =>
    (await table.list()).filter((row) => {
      const marker = readMarker(row.argv ?? row.cmd.split(' '));
      return marker === undefined || marker.appId === appId;
    }),
};
const parsed = parseOvpn(readFileSync(profilePath, 'utf8'));
if (parsed._tag === 'Left') throw new Error(parsed.left.message);
const tunnel = startTunnel(
  { profile: parsed.right, appId, management: { kind: management } },
  { processTable },
);
let openvpn;
tunnel.pid$.subscribe((pid) => (openvpn = pid));
tunnel.state$.subscribe((state) => {
  if (state.phase === 'connected') console.log(JSON.stringify({ openvpn }));
  if (state.phase === 'failed') console.error(JSON.stringify(state));
});
`;

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
  const dir = await bed.lab.tempDir();
  await writeFile(join(dir, 'host.mjs'), HOST_SCRIPT);
  await writeFile(join(dir, 'profile.ovpn'), profileText);
  const host = spawn(
    process.execPath,
    [join(dir, 'host.mjs'), built.dir, join(dir, 'profile.ovpn'), bed.appId, management],
    // Jest's NODE_OPTIONS (vm modules) are not for the host.
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
  );
  bed.adopt(host);
  let stderr = '';
  host.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const pid = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`host did not connect:\n${stderr}`)),
      PHASE_TIMEOUT_MS,
    );
    host.stdout.on('data', (chunk: Buffer) => {
      const match = /\{"openvpn":(\d+)\}/.exec(chunk.toString('utf8'));
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      resolve(Number(match[1]));
    });
    host.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`host exited (${code ?? signal ?? '?'}):\n${stderr}`));
    });
  });
  const openvpn = identityOf(pid);
  if (openvpn === undefined) throw new Error(`openvpn ${pid} of the host is not running`);
  bed.watch(openvpn);

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
