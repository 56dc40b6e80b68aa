import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ensureDemoPki } from '../../../src/cli/demo-pki.js';
import { startDemoServer, type DemoServer } from '../../../src/cli/demo-server.js';

const OPENVPN_BIN = process.env['OPENVPN_BIN'] ?? '/usr/sbin/openvpn';
const CONNECTED = 'Initialization Sequence Completed';
const CONNECT_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 3_000;
const TEST_TIMEOUT_MS = 60_000;

let base = '';
let server: DemoServer | undefined;
const clients = new Set<ChildProcess>();

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const stopClient = async (child: ChildProcess): Promise<void> => {
  clients.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const escalation = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  try {
    await exited;
  } finally {
    clearTimeout(escalation);
  }
};

// Runs a real openvpn client with `--config <profile>`, resolves when it is connected.
const connectClient = async (profile: string, name: string): Promise<ChildProcess> => {
  const profilePath = join(base, `${name}.ovpn`);
  await writeFile(profilePath, profile, { mode: 0o600 });
  const child = spawn(OPENVPN_BIN, ['--config', profilePath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  clients.add(child);
  const output: string[] = [];
  child.stderr.on('data', () => undefined);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`client not connected in ${CONNECT_TIMEOUT_MS} ms:\n${output.join('\n')}`));
    }, CONNECT_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`client exited (${String(code)}):\n${output.join('\n')}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(line);
      if (line.includes(CONNECTED)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return child;
};

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'rx-openvpn-it-demo-'));
});

afterEach(async () => {
  await Promise.all([...clients].map(stopClient));
  await server?.stop();
  server = undefined;
  await rm(base, { recursive: true, force: true });
});

const serverTmpDir = (): string => join(base, 'server');

describe('the demo server with the real openvpn', () => {
  it(
    'lets a client run with its profile reach "Initialization Sequence Completed"',
    async () => {
      const pki = await ensureDemoPki({ dir: join(base, 'cache', 'demo-pki') });
      await mkdir(serverTmpDir());
      server = await startDemoServer({ pki, openvpnPath: OPENVPN_BIN, tmpDir: serverTmpDir() });
      expect(await readdir(serverTmpDir())).toHaveLength(1);
      const pid = server.pid;
      expect(pid).toBeDefined();

      const client = await connectClient(server.clientProfile(), 'client');
      await stopClient(client);
      await server.stop();

      expect(isRunning(pid ?? 0)).toBe(false);
      expect(server.pid).toBeUndefined();
      expect(await readdir(serverTmpDir())).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'serves again on the same port after a restart',
    async () => {
      const pki = await ensureDemoPki({ dir: join(base, 'cache', 'demo-pki') });
      server = await startDemoServer({ pki, openvpnPath: OPENVPN_BIN, restartPauseMs: 100 });
      const firstPid = server.pid;
      await server.restart();
      expect(isRunning(firstPid ?? 0)).toBe(false);
      expect(server.pid).not.toBe(firstPid);

      const client = await connectClient(server.clientProfile(), 'after-restart');
      await stopClient(client);
      const secondPid = server.pid;
      await server.stop();
      expect(isRunning(secondPid ?? 0)).toBe(false);
    },
    TEST_TIMEOUT_MS,
  );
});
