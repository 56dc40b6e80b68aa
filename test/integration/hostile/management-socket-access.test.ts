import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { chmod, lstat, readdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, firstValueFrom } from 'rxjs';
import { startTunnel, type Tunnel } from '../../../src/engine/vpn.js';
import { parseOvpn } from '../../../src/profile/parse-ovpn.js';
import { Lab, isAlive } from '../lab/lab.js';
import { scopedProcessTable } from '../engine/support/scoped-process-table.js';

const TEST_TIMEOUT_MS = 30_000;
/** `nobody` on Debian: an unprivileged user that owns nothing here. */
const NOBODY_ID = 65534;
/** How long the unprivileged child waits for a banner before it reports none. */
const BANNER_WAIT_MS = 2_000;

const lab = new Lab();
const appId = `it-socket-access-${process.pid}`;
const deps = { processTable: scopedProcessTable([appId]) };
const tunnels: Tunnel[] = [];

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
  (await readdir(tmpdir()))
    .filter((name) => name.startsWith(`rx-openvpn-${appId}-`))
    .map((name) => join(tmpdir(), name));

/**
 * Run as another user: connects to the socket and prints one JSON line with its uid, the
 * connection error code (or null) and whether openvpn's `>INFO` banner arrived.
 */
const probeScript = `
const net = require('node:net');
const report = (error, banner) => {
  process.stdout.write(JSON.stringify({ uid: process.getuid(), error, banner }) + '\\n');
  process.exit(0);
};
const socket = net.connect(process.argv[1]);
let received = '';
socket.on('data', (chunk) => {
  received += chunk.toString();
  if (received.includes('>INFO')) report(null, true);
});
socket.on('error', (error) => report(error.code ?? String(error), false));
socket.on('connect', () => setTimeout(() => report(null, false), ${BANNER_WAIT_MS}));
`;

interface ProbeResult {
  readonly uid: number;
  readonly error: string | null;
  readonly banner: boolean;
}

/** Runs the probe as uid/gid `id` against `path`; the child always exits on its own. */
const probeAs = (id: number, path: string): Promise<ProbeResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', probeScript, path], {
      uid: id,
      gid: id,
      cwd: '/',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', () => {
      try {
        resolve(JSON.parse(output) as ProbeResult);
      } catch {
        reject(new Error(`probe printed no result: ${output}`));
      }
    });
  });

/**
 * Who creates the socket differs by mode: in `dial-in` the engine listens (and chmods it 0600)
 * and openvpn connects; in `listen` openvpn 2.6 creates it. Either way the directory keeps others
 * out: reaching the engine's listener would let another user pose as openvpn.
 */
const modes = [
  { kind: 'dial-in', socketMode: 0o600 },
  { kind: 'listen', socketMode: 0o777 },
] as const;

describe('the management socket of an engine tunnel', () => {
  for (const { kind, socketMode } of modes) {
    it(
      `lives in a 0700 directory of this user, so another user cannot reach it (${kind})`,
      async () => {
        const server = await lab.server({ kind: 'p2p' });
        const tunnel = startTunnel(
          { profile: profileOf(server.clientConfig()), appId, management: { kind } },
          deps,
        );
        tunnels.push(tunnel);
        await firstValueFrom(tunnel.state$.pipe(filter((s) => s.phase === 'connected')));
        const pid = await firstValueFrom(tunnel.pid$);

        const dirs = await runtimeDirs();
        expect(dirs).toHaveLength(1);
        const [dir = ''] = dirs;
        const dirInfo = await lstat(dir);
        expect(dirInfo.isDirectory()).toBe(true);
        expect(dirInfo.mode & 0o777).toBe(0o700);
        expect(dirInfo.uid).toBe(process.getuid?.());
        const socketPath = join(dir, 'mgmt.sock');
        const socketInfo = await lstat(socketPath);
        expect(socketInfo.isSocket()).toBe(true);
        expect(socketInfo.mode & 0o777).toBe(socketMode);

        await expect(probeAs(NOBODY_ID, socketPath)).resolves.toEqual({
          uid: NOBODY_ID,
          error: 'EACCES',
          banner: false,
        });

        tunnel.stop();
        await expect(tunnel.done).resolves.toMatchObject({ phase: 'stopped' });
        expect(isAlive(pid)).toBe(false);
        expect(await runtimeDirs()).toEqual([]);
      },
      TEST_TIMEOUT_MS,
    );
  }

  it(
    'the probe does hear a banner from a socket another user may reach (control)',
    async () => {
      const dir = await lab.tempDir();
      await chmod(dir, 0o755);
      const socketPath = join(dir, 'open.sock');
      const greeter = createServer((socket) => socket.end('>INFO:greeting\r\n'));
      await new Promise<void>((resolve) => greeter.listen(socketPath, resolve));
      try {
        await chmod(socketPath, 0o777);
        await expect(probeAs(NOBODY_ID, socketPath)).resolves.toEqual({
          uid: NOBODY_ID,
          error: null,
          banner: true,
        });
      } finally {
        await new Promise<void>((resolve) => greeter.close(() => resolve()));
      }
    },
    TEST_TIMEOUT_MS,
  );
});
