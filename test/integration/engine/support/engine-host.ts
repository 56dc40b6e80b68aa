import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ManagementMode } from '../../../../src/engine/engine-options.js';
import type { ProcessIdentity } from '../../../../src/launcher/ownership-marker.js';
import type { BuiltEngine } from './built-engine.js';
import { PHASE_TIMEOUT_MS, type EngineBed } from './engine-bed.js';
import { identityOf } from './process-watch.js';

// The host: a plain node process running the built engine. It prints openvpn's pid once the
// tunnel is up and every phase it goes through. Its process table hides other apps' openvpn,
// like the bed's (test files run in parallel). With `own-sigint` it listens for SIGINT itself
// and keeps running.
const HOST_SCRIPT = `
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [buildDir, profilePath, appId, management, sigint] = process.argv.slice(2);
const load = (file) => import(pathToFileURL(join(buildDir, file)).href);
const { startTunnel } = await load('engine/vpn.js');
const { parseOvpn } = await load('profile/parse-ovpn.js');
const { createProcessTable } = await load('process/instances-table.js');
const { readMarker } = await load('launcher/ownership-marker.js');

// An application that listens for SIGINT and goes on with other work.
if (sigint === 'own-sigint') {
  process.on('SIGINT', () => console.log('{"host":"SIGINT"}'));
  setInterval(() => undefined, 1000);
}
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
  console.log(JSON.stringify({ phase: state.phase }));
  if (state.phase === 'connected') console.log(JSON.stringify({ openvpn }));
  if (state.phase === 'failed') console.error(JSON.stringify(state));
});
`;

/** A host process whose tunnel is up. */
export interface RunningHost {
  readonly child: ChildProcess;
  readonly openvpn: ProcessIdentity;
  /** Everything the host printed on stdout so far. */
  readonly stdout: () => string;
}

export interface HostOptions {
  readonly management?: ManagementMode['kind'];
  /** The host listens for SIGINT itself. */
  readonly ownSigint?: boolean;
}

/** Starts a host for `profileText` under the bed's app id and waits for its tunnel. */
export async function startHost(
  bed: EngineBed,
  built: BuiltEngine,
  profileText: string,
  options: HostOptions = {},
): Promise<RunningHost> {
  const dir = await bed.lab.tempDir();
  await writeFile(join(dir, 'host.mjs'), HOST_SCRIPT);
  await writeFile(join(dir, 'profile.ovpn'), profileText);
  const child = spawn(
    process.execPath,
    [
      join(dir, 'host.mjs'),
      built.dir,
      join(dir, 'profile.ovpn'),
      bed.appId,
      options.management ?? 'dial-in',
      options.ownSigint === true ? 'own-sigint' : '',
    ],
    // Jest's NODE_OPTIONS (vm modules) are not for the host.
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
  );
  bed.adopt(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const pid = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`host did not connect:\n${stderr}`)),
      PHASE_TIMEOUT_MS,
    );
    const onData = (): void => {
      const match = /\{"openvpn":(\d+)\}/.exec(stdout);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve(Number(match[1]));
    };
    child.stdout.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`host exited (${code ?? signal ?? '?'}):\n${stderr}`));
    });
  });
  const openvpn = identityOf(pid);
  if (openvpn === undefined) throw new Error(`openvpn ${pid} of the host is not running`);
  bed.watch(openvpn);
  return { child, openvpn, stdout: () => stdout };
}

/** The phases a host printed, in order. */
export const phasesOf = (stdout: string): string[] =>
  [...stdout.matchAll(/\{"phase":"(\w+)"\}/g)].map((match) => match[1] ?? '');
