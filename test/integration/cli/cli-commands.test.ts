import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createProcessTable } from '../../../src/process/instances-table.js';
import { discoverInstances } from '../../../src/process/instances.js';
import { procfsProcessInfo } from '../../../src/process/process-info.js';
import { Lab } from '../lab/lab.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
// The committed shim that package.json's `bin` names: what `npx rx-openvpn` runs.
const BIN = join(REPO, 'bin', 'rx-openvpn.js');
const BUILT_ENTRY = join(REPO, 'dist', 'cli', 'bin.js');
// Test files run in parallel and other files start openvpn too: every id names this worker.
const APP_ID = `it-cli-${process.pid}`;
const BUILD_TIMEOUT_MS = 180_000;
const CONNECT_TIMEOUT_MS = 60_000;
const EXIT_TIMEOUT_MS = 30_000;
const QUIET_TIMEOUT_MS = 60_000;
const POLL_MS = 50;
const LEFTOVER_GRACE_MS = 15_000;
const START_ATTEMPTS = 5;
const TEST_TIMEOUT_MS = 120_000;
// A pid above Linux's largest pid_max (2^22): no engine can have it, so the marker is stale.
const GONE_ENGINE = '4194304:1';
// auth-user-pass-verify via-file: the file holds the username, then the password.
const ACCEPT_ALICE = '[ "$(sed -n 1p "$1")" = alice ] && [ "$(sed -n 2p "$1")" = "wonder land" ]';

const processInfo = procfsProcessInfo();
const table = createProcessTable();
const lab = new Lab();
let cacheHome = '';

interface Identity {
  readonly pid: number;
  readonly startTime: number;
}

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A run of the built CLI. */
interface CliRun {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  readonly exit: Promise<Exit>;
  hasExited(): boolean;
}

const runs = new Set<CliRun>();
// openvpn processes the CLI runs started, to be sure they are gone whatever happens.
const descendants = new Set<Identity>();

const isRunning = ({ pid, startTime }: Identity): boolean =>
  processInfo.startTime(pid) === startTime;

// The child's environment: the demo PKI in a private cache, and no jest flags for node.
const cliEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cacheHome };
  delete env['NODE_OPTIONS'];
  return env;
};

const startCli = (args: readonly string[]): CliRun => {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: cliEnv(),
  });
  let stdout = '';
  let stderr = '';
  let exited = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<Exit>((resolve) => {
    child.once('close', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
  });
  if (child.pid === undefined) throw new Error('the CLI did not start');
  const run: CliRun = {
    child,
    pid: child.pid,
    stdout: () => stdout,
    stderr: () => stderr,
    exit,
    hasExited: () => exited,
  };
  runs.add(run);
  return run;
};

/** Runs the CLI to its end. */
const runCli = async (args: readonly string[]) => {
  const run = startCli(args);
  const { code } = await run.exit;
  runs.delete(run);
  return { code, stdout: run.stdout(), stderr: run.stderr() };
};

const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '');

const parseJsonLines = (text: string): Record<string, unknown>[] =>
  lines(text).map((line) => JSON.parse(line) as Record<string, unknown>);

const phasesOf = (run: CliRun): unknown[] =>
  parseJsonLines(run.stdout()).map((record) => record['phase']);

const waitUntil = async (
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: () => string,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await sleep(POLL_MS);
  }
};

const describeRun = (run: CliRun): string => `stdout:\n${run.stdout()}\nstderr:\n${run.stderr()}`;

// Waits for a JSON line with `phase`; fails at once if the CLI exits first.
const waitForPhase = async (run: CliRun, phase: string): Promise<void> => {
  await waitUntil(
    () => {
      if (run.hasExited()) throw new Error(`the CLI exited before ${phase}:\n${describeRun(run)}`);
      return phasesOf(run).includes(phase);
    },
    CONNECT_TIMEOUT_MS,
    () => `${phase}:\n${describeRun(run)}`,
  );
};

// Resolves `promise`, or rejects with `message()` after `timeoutMs`; the timer never outlives it.
const within = async <T>(promise: Promise<T>, timeoutMs: number, message: () => string) => {
  const timer = new AbortController();
  try {
    return await Promise.race([
      promise,
      sleep(timeoutMs, undefined, { signal: timer.signal }).then(() => {
        throw new Error(message());
      }),
    ]);
  } finally {
    timer.abort();
  }
};

const waitForExit = async (run: CliRun): Promise<Exit> => {
  const exit = await within(
    run.exit,
    EXIT_TIMEOUT_MS,
    () => `the CLI did not exit within ${EXIT_TIMEOUT_MS} ms:\n${describeRun(run)}`,
  );
  runs.delete(run);
  return exit;
};

// proc(5): in /proc/<pid>/stat, ppid is the second field after the parenthesised comm.
const parentOf = (stat: string): number | undefined => {
  const ppid = stat
    .slice(stat.lastIndexOf(')') + 1)
    .trim()
    .split(/\s+/)[1];
  return ppid === undefined ? undefined : Number(ppid);
};

/** The processes `pid` has started and that still run, recorded for the final cleanup. */
const childrenOf = async (pid: number): Promise<Identity[]> => {
  const entries = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const children: Identity[] = [];
  for (const entry of entries) {
    const stat = await readFile(join('/proc', entry, 'stat'), 'utf8').catch(() => '');
    const startTime = processInfo.startTime(Number(entry));
    if (parentOf(stat) === pid && startTime !== undefined) {
      const identity = { pid: Number(entry), startTime };
      descendants.add(identity);
      children.push(identity);
    }
  }
  return children;
};

const argvOf = async (pid: number): Promise<string[]> =>
  (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter((arg) => arg !== '');

const runtimeDirs = async (): Promise<string[]> =>
  (await readdir(tmpdir())).filter((name) => name.startsWith(`rx-openvpn-${APP_ID}-`));

/**
 * The engine refuses to start beside an openvpn marked by another application id, and other
 * test files run theirs in parallel: wait until none runs, so that such a refusal here means
 * a fault of the CLI and not a neighbour's tunnel.
 */
const waitForNoOtherApplication = async (): Promise<void> => {
  let others: string[] = [];
  await waitUntil(
    async () => {
      const instances = await discoverInstances(APP_ID, table);
      others = instances.flatMap((i) => (i.kind === 'alien' ? [`${i.appId} (pid ${i.pid})`] : []));
      return others.length === 0;
    },
    QUIET_TIMEOUT_MS,
    () => `other applications' openvpn to end: ${others.join(', ')}`,
  );
};

// Asks a CLI still running to stop, then kills it and what it started.
const stopLeftovers = async (): Promise<void> => {
  for (const run of runs) {
    if (!run.hasExited()) {
      run.child.kill('SIGINT');
      await within(run.exit, LEFTOVER_GRACE_MS, () => 'stopped').catch(() => {
        run.child.kill('SIGKILL');
        return run.exit;
      });
    }
  }
  runs.clear();
  for (const identity of descendants) {
    if (isRunning(identity)) process.kill(identity.pid, 'SIGKILL');
  }
  descendants.clear();
};

const refusedForAnotherApplication = (run: CliRun): boolean =>
  run.hasExited() && run.stdout().includes('ALIEN_OPENVPN_RUNNING');

/**
 * Starts a CLI that opens a tunnel and waits until it is connected. Another test file may
 * start its openvpn between the wait for quiet and this start; the engine then rightly
 * refuses, and the start is tried again (up to {@link START_ATTEMPTS} times).
 */
const startConnected = async (args: readonly string[]): Promise<CliRun> => {
  for (let attempt = 1; ; attempt++) {
    await waitForNoOtherApplication();
    const run = startCli(args);
    try {
      await waitForPhase(run, 'connected');
      return run;
    } catch (error) {
      if (!refusedForAnotherApplication(run) || attempt >= START_ATTEMPTS) throw error;
      runs.delete(run);
    }
  }
};

beforeAll(() => {
  const build = spawnSync('npm', ['run', 'build'], { cwd: REPO, encoding: 'utf8' });
  // Type errors elsewhere in the tree still emit JavaScript (the typecheck step reports
  // them); only a missing entry point makes these tests meaningless.
  if (!existsSync(BUILT_ENTRY)) {
    throw new Error(`npm run build made no ${BUILT_ENTRY}:\n${build.stdout}\n${build.stderr}`);
  }
}, BUILD_TIMEOUT_MS);

beforeAll(async () => {
  cacheHome = await mkdtemp(join(tmpdir(), 'rx-openvpn-it-cli-cache-'));
});

afterEach(stopLeftovers, TEST_TIMEOUT_MS);

afterAll(async () => {
  await stopLeftovers();
  await lab.cleanup();
  await rm(cacheHome, { recursive: true, force: true });
});

describe('rx-openvpn, the built command line', () => {
  it('prints the help of every command and exits 0', async () => {
    const cases: readonly (readonly [readonly string[], string])[] = [
      [['--help'], 'Usage: rx-openvpn <command> [options]'],
      [['help', 'connect'], 'Usage: rx-openvpn connect <profile.ovpn> [options]'],
      [['connect', '--help'], 'Usage: rx-openvpn connect <profile.ovpn> [options]'],
      [['demo', '--help'], 'Usage: rx-openvpn demo [options]'],
      [['ps', '--help'], 'Usage: rx-openvpn ps [options]'],
      [['stop', '--help'], 'Usage: rx-openvpn stop [options]'],
    ];
    for (const [args, usage] of cases) {
      const result = await runCli(args);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toContain(usage);
    }
  });

  it('exits 2 on a command line that does not parse', async () => {
    const result = await runCli(['demo', '--duration', 'soon']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('--duration takes seconds');
  });

  it(
    'demo --duration --json connects, stops on its own, exits 0 and leaves nothing running',
    async () => {
      const run = await startConnected(['demo', '--duration', '4', '--json', '--app-id', APP_ID]);
      const children = await childrenOf(run.pid);
      // The demo server and the client.
      expect(children).toHaveLength(2);
      const argvs = await Promise.all(children.map(({ pid }) => argvOf(pid)));
      const serverConfig = argvs
        .map((argv) => argv[argv.indexOf('--config') + 1] ?? '')
        .find((path) => path.includes('rx-openvpn-demo-server-'));
      if (serverConfig === undefined) throw new Error(`no demo server among ${String(argvs)}`);

      expect(await waitForExit(run)).toEqual({ code: 0, signal: null });
      const phases = phasesOf(run);
      expect(phases).toContain('connected');
      expect(phases.at(-1)).toBe('stopped');
      expect(parseJsonLines(run.stdout()).at(-1)).toMatchObject({ exitCode: 0 });
      expect(children.filter(isRunning)).toEqual([]);
      expect(existsSync(dirname(serverConfig))).toBe(false);
      expect(await runtimeDirs()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'demo --json stops at Ctrl-C after connecting and exits 0',
    async () => {
      const run = await startConnected(['demo', '--json', '--app-id', APP_ID]);
      const children = await childrenOf(run.pid);
      run.child.kill('SIGINT');
      expect(await waitForExit(run)).toEqual({ code: 0, signal: null });
      const phases = phasesOf(run);
      expect(phases.slice(-2)).toEqual(['stopping', 'stopped']);
      expect(children.filter(isRunning)).toEqual([]);
      expect(await runtimeDirs()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'demo without --json prints a plain line per state when stdout is not a terminal',
    async () => {
      let run: CliRun;
      // As in startConnected: a refusal caused by another test file's openvpn is tried again.
      for (let attempt = 1; ; attempt++) {
        await waitForNoOtherApplication();
        run = startCli(['demo', '--duration', '3', '--app-id', APP_ID]);
        await waitForExit(run);
        if (!refusedForAnotherApplication(run) || attempt >= START_ATTEMPTS) break;
      }
      expect(await run.exit).toEqual({ code: 0, signal: null });
      const shown = lines(run.stdout());
      expect(shown.some((line) => line.startsWith('connected  '))).toBe(true);
      expect(shown.at(-1)).toBe('stopped (exit code 0)');
      expect(run.stdout()).not.toContain('\u001b');
      expect(run.stdout()).not.toContain('\r');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'connect follows a tunnel that ps lists as ours, and stops at Ctrl-C',
    async () => {
      const server = await lab.server({ kind: 'p2p' });
      const profile = join(await lab.tempDir(), 'lab.ovpn');
      await writeFile(profile, server.clientConfig(), { mode: 0o600 });
      const run = await startConnected(['connect', profile, '--json', '--app-id', APP_ID]);
      const [openvpn] = await childrenOf(run.pid);
      if (openvpn === undefined) throw new Error('connect started no openvpn');

      const ps = await runCli(['ps', '--json', '--app-id', APP_ID]);
      expect(ps.code).toBe(0);
      expect(parseJsonLines(ps.stdout)).toContainEqual(
        expect.objectContaining({
          pid: openvpn.pid,
          kind: 'ours',
          engineAlive: true,
          enginePid: run.pid,
        }),
      );
      // Its engine lives: a plain stop leaves it alone.
      const stop = await runCli(['stop', '--app-id', APP_ID]);
      expect(stop.code).toBe(0);
      expect(stop.stdout).toContain('nothing to stop');
      expect(isRunning(openvpn)).toBe(true);

      run.child.kill('SIGINT');
      expect(await waitForExit(run)).toEqual({ code: 0, signal: null });
      expect(phasesOf(run).at(-1)).toBe('stopped');
      expect(run.stderr()).toBe('');
      expect(isRunning(openvpn)).toBe(false);
      expect(await runtimeDirs()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'stop --all-ours stops the openvpn of a running connect, which then fails with exit 1',
    async () => {
      const server = await lab.server({ kind: 'p2p' });
      const profile = join(await lab.tempDir(), 'lab.ovpn');
      await writeFile(profile, server.clientConfig(), { mode: 0o600 });
      const run = await startConnected(['connect', profile, '--json', '--app-id', APP_ID]);
      const [openvpn] = await childrenOf(run.pid);
      if (openvpn === undefined) throw new Error('connect started no openvpn');

      const stop = await runCli(['stop', '--all-ours', '--app-id', APP_ID]);
      expect(stop.code).toBe(0);
      expect(stop.stdout).toContain(`stopped pid ${openvpn.pid}`);
      expect(isRunning(openvpn)).toBe(false);

      expect(await waitForExit(run)).toEqual({ code: 1, signal: null });
      expect(phasesOf(run).at(-1)).toBe('failed');
      expect(run.stderr()).toMatch(/^rx-openvpn: [A-Z_]+: /m);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'stop ends an openvpn of ours whose engine is gone, which ps shows as left behind',
    async () => {
      const server = await lab.server({ kind: 'p2p' });
      const config = join(await lab.tempDir(), 'stale.ovpn');
      await writeFile(config, server.clientConfig(), { mode: 0o600 });
      await waitForNoOtherApplication();
      const marker = ['--setenv', 'RX_OPENVPN_APP', APP_ID, '--setenv', 'RX_OPENVPN_ENGINE'];
      const stale = await lab.run(
        ['--config', config, ...marker, GONE_ENGINE],
        /Initialization Sequence Completed/,
      );
      const ps = await runCli(['ps', '--json', '--app-id', APP_ID]);
      expect(parseJsonLines(ps.stdout)).toContainEqual(
        expect.objectContaining({ pid: stale.pid, kind: 'ours', engineAlive: false }),
      );

      const stop = await runCli(['stop', '--app-id', APP_ID]);
      expect(stop).toMatchObject({ code: 0, stderr: '' });
      expect(stop.stdout).toMatch(new RegExp(`^stopped pid ${stale.pid} \\(sigterm, `));
      const after = await discoverInstances(APP_ID, table);
      expect(after.map((instance) => instance.pid)).not.toContain(stale.pid);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'connect --auth-file logs in to a server that checks the username and password',
    async () => {
      const server = await lab.server({ kind: 'pull', verifyScript: ACCEPT_ALICE });
      const dir = await lab.tempDir();
      const profile = join(dir, 'login.ovpn');
      const authFile = join(dir, 'auth.txt');
      await writeFile(profile, server.clientConfig(['auth-user-pass']), { mode: 0o600 });
      await writeFile(authFile, 'alice\nwonder land\n', { mode: 0o600 });
      const run = await startConnected([
        'connect',
        profile,
        '--json',
        '--auth-file',
        authFile,
        '--app-id',
        APP_ID,
      ]);
      run.child.kill('SIGINT');
      expect(await waitForExit(run)).toEqual({ code: 0, signal: null });
      expect(run.stdout() + run.stderr()).not.toContain('wonder land');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'connect without --auth-file and without a terminal fails at the login prompt, exit 1',
    async () => {
      const server = await lab.server({ kind: 'pull', verifyScript: ACCEPT_ALICE });
      const profile = join(await lab.tempDir(), 'login.ovpn');
      await writeFile(profile, server.clientConfig(['auth-user-pass']), { mode: 0o600 });
      let result: { code: number | null; stdout: string; stderr: string };
      for (let attempt = 1; ; attempt++) {
        await waitForNoOtherApplication();
        result = await runCli(['connect', profile, '--json', '--app-id', APP_ID]);
        if (!result.stdout.includes('ALIEN_OPENVPN_RUNNING') || attempt >= START_ATTEMPTS) break;
      }
      expect(result.code).toBe(1);
      expect(parseJsonLines(result.stdout).at(-1)).toMatchObject({
        phase: 'failed',
        error: { code: 'PROMPT_CANCELLED' },
      });
      expect(result.stderr).toContain('--auth-file');
      expect(await runtimeDirs()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it('connect refuses an invalid profile with exit 1 and names the line', async () => {
    const profile = join(await lab.tempDir(), 'invalid.ovpn');
    await writeFile(profile, 'client\ndev null\nnobind\nremote 127.0.0.1 notaport\n');
    const result = await runCli(['connect', profile, '--json', '--app-id', APP_ID]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('line 4');
    expect(result.stderr).toContain('notaport');
  });
});
