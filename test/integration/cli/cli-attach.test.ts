import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Lab, isAlive, waitFor, type LabProcess } from '../lab/lab.js';
import { freeTcpPort } from '../management/management-lab.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
// The committed shim that package.json's `bin` names: what `npx rx-openvpn` runs.
const BIN = join(REPO, 'bin', 'rx-openvpn.js');
const BUILT_ENTRY = join(REPO, 'dist', 'cli', 'bin.js');
const BUILD_TIMEOUT_MS = 180_000;
const PHASE_TIMEOUT_MS = 30_000;
const EXIT_TIMEOUT_MS = 30_000;
const TEST_TIMEOUT_MS = 90_000;
const LEFTOVER_GRACE_MS = 10_000;
const PASSWORD = 'cli attach pässword';

const lab = new Lab();

interface CliRun {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  readonly exit: Promise<number | null>;
  hasExited(): boolean;
}

const runs = new Set<CliRun>();

const startCli = (args: readonly string[]): CliRun => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['NODE_OPTIONS'];
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  let exited = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<number | null>((resolve) => {
    child.once('close', (code) => {
      exited = true;
      resolve(code);
    });
  });
  const run: CliRun = {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exit,
    hasExited: () => exited,
  };
  runs.add(run);
  return run;
};

const describeRun = (run: CliRun): string => `stdout:\n${run.stdout()}\nstderr:\n${run.stderr()}`;

const records = (run: CliRun): Record<string, unknown>[] =>
  run
    .stdout()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

const waitForPhase = (run: CliRun, phase: string): Promise<void> =>
  waitFor(
    () => {
      if (run.hasExited()) throw new Error(`the CLI exited before ${phase}:\n${describeRun(run)}`);
      return records(run).some((r) => r['phase'] === phase);
    },
    PHASE_TIMEOUT_MS,
    () => `${phase}:\n${describeRun(run)}`,
  );

const exitOf = async (run: CliRun): Promise<number | null> => {
  const timer = new AbortController();
  try {
    return await Promise.race([
      run.exit,
      sleep(EXIT_TIMEOUT_MS, undefined, { signal: timer.signal }).then(() => {
        throw new Error(`the CLI did not exit:\n${describeRun(run)}`);
      }),
    ]);
  } finally {
    timer.abort();
    runs.delete(run);
  }
};

type Kind = 'tcp' | 'unix';

/** openvpn as a service would start it: held, with a management interface, a p2p server. */
async function startOpenvpn(kind: Kind): Promise<{
  readonly openvpn: LabProcess;
  readonly endpoint: string;
  readonly passwordFile: string;
}> {
  const server = await lab.server({ kind: 'p2p' });
  const dir = await lab.tempDir();
  const config = join(dir, 'client.conf');
  await writeFile(config, server.clientConfig(), { mode: 0o600 });
  const passwordFile = join(dir, 'management.pw');
  await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  let management: string[];
  let endpoint: string;
  if (kind === 'tcp') {
    const port = await freeTcpPort();
    management = ['--management', '127.0.0.1', String(port), passwordFile];
    endpoint = `127.0.0.1:${port}`;
  } else {
    endpoint = join(dir, 'management.sock');
    management = ['--management', endpoint, 'unix'];
  }
  const openvpn = await lab.run(['--config', config, ...management, '--management-hold']);
  return { openvpn, endpoint, passwordFile };
}

beforeAll(() => {
  const build = spawnSync('npm', ['run', 'build'], { cwd: REPO, encoding: 'utf8' });
  if (!existsSync(BUILT_ENTRY)) {
    throw new Error(`npm run build made no ${BUILT_ENTRY}:\n${build.stdout}\n${build.stderr}`);
  }
}, BUILD_TIMEOUT_MS);

afterEach(async () => {
  for (const run of runs) {
    if (run.hasExited()) continue;
    run.child.kill('SIGKILL');
    await Promise.race([run.exit, sleep(LEFTOVER_GRACE_MS, undefined, { ref: false })]);
  }
  runs.clear();
  await lab.cleanup();
}, TEST_TIMEOUT_MS);

afterAll(() => lab.cleanup());

describe('rx-openvpn attach, the built command line', () => {
  it('prints its help and exits 0', async () => {
    const run = startCli(['attach', '--help']);
    expect(await exitOf(run)).toBe(0);
    expect(run.stdout()).toContain('Usage: rx-openvpn attach <socket | 127.0.0.1:port>');
    expect(run.stdout()).toContain('--management-password-file <file>');
  });

  it(
    'attaches over TCP with the password file, follows openvpn to connected, and Ctrl-C stops it',
    async () => {
      const { openvpn, endpoint, passwordFile } = await startOpenvpn('tcp');
      const transcript = join(await lab.tempDir(), 'transcript.log');
      const run = startCli([
        'attach',
        endpoint,
        '--management-password-file',
        passwordFile,
        '--json',
        '--transcript',
        transcript,
      ]);
      await waitForPhase(run, 'connected');
      run.child.kill('SIGINT');
      expect(await exitOf(run)).toBe(0);
      expect(records(run).at(-1)).toMatchObject({ phase: 'stopped' });
      await waitFor(
        () => !isAlive(openvpn.pid),
        EXIT_TIMEOUT_MS,
        () => 'openvpn to exit',
      );
      expect(`${run.stdout()}${run.stderr()}`).not.toContain(PASSWORD);
      const conversation = await readFile(transcript, 'utf8');
      expect(conversation).toContain('-> [redacted]');
      expect(conversation).toContain('-> signal "SIGTERM"');
      expect(conversation).not.toContain(PASSWORD);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'exits 1 with MANAGEMENT_AUTH_FAILED when the password is wrong, leaving openvpn alone',
    async () => {
      const { openvpn, endpoint } = await startOpenvpn('tcp');
      const wrong = join(await lab.tempDir(), 'wrong.pw');
      await writeFile(wrong, 'not the password\n', { mode: 0o600 });
      const run = startCli(['attach', endpoint, '--management-password-file', wrong, '--json']);
      expect(await exitOf(run)).toBe(1);
      expect(records(run).at(-1)).toMatchObject({
        phase: 'failed',
        error: { code: 'MANAGEMENT_AUTH_FAILED' },
      });
      expect(isAlive(openvpn.pid)).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'with --leave-running, Ctrl-C detaches from a unix socket and openvpn keeps running',
    async () => {
      const { openvpn, endpoint } = await startOpenvpn('unix');
      const run = startCli(['attach', endpoint, '--leave-running', '--json']);
      await waitForPhase(run, 'connected');
      run.child.kill('SIGINT');
      expect(await exitOf(run)).toBe(0);
      expect(records(run).at(-1)).toMatchObject({ phase: 'stopped', detached: true });
      await sleep(500);
      expect(isAlive(openvpn.pid)).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it('exits 1 with MANAGEMENT_ENDPOINT_REFUSED for TCP off loopback', async () => {
    const run = startCli(['attach', '192.0.2.1:7505', '--json']);
    expect(await exitOf(run)).toBe(1);
    expect(records(run).at(-1)).toMatchObject({
      phase: 'failed',
      error: { code: 'MANAGEMENT_ENDPOINT_REFUSED' },
    });
  });
});
