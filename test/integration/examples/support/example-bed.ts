import { expect } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Lab } from '../../lab/lab.js';

/** How long an example may take to print an expected line on loopback; generous under load. */
export const LINE_TIMEOUT_MS = 30_000;
/** How long an example may take to exit after Ctrl-C: the stop deadlines sum to 10 s. */
export const EXIT_TIMEOUT_MS = 20_000;
const POLL_MS = 50;
const KILLED_EXIT_MS = 5_000;

/** How an example process ended. */
export interface ExampleExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Rejects after `ms` with a message built when it happens. */
export async function within<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  const timeout = new AbortController();
  const expired = sleep(ms, undefined, { signal: timeout.signal }).then(() => {
    throw new Error(`timed out after ${ms} ms waiting for ${what()}`);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    timeout.abort();
    expired.catch(() => undefined);
  }
}

/** One example running as a child process, with its output collected. */
export class ExampleRun {
  readonly child: ChildProcess;
  readonly exit: Promise<ExampleExit>;
  #stdout = '';
  #stderr = '';
  #exited = false;

  constructor(child: ChildProcess) {
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.#stdout += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (this.#stderr += chunk.toString('utf8')));
    this.exit = once(child, 'exit').then(([code, signal]) => {
      this.#exited = true;
      return { code: code as number | null, signal: signal as NodeJS.Signals | null };
    });
  }

  /** Complete stdout lines so far. */
  lines(): string[] {
    return this.#stdout.split('\n').slice(0, -1);
  }

  get stderr(): string {
    return this.#stderr;
  }

  hasExited(): boolean {
    return this.#exited;
  }

  /** Everything it printed, for failure messages. */
  describe(): string {
    return `stdout:\n${this.#stdout}\nstderr:\n${this.#stderr}`;
  }

  /** Index of the first stdout line from `from` on that matches; fails on exit or timeout. */
  async waitForLine(pattern: RegExp, from = 0, timeoutMs = LINE_TIMEOUT_MS): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.lines().findIndex((line, i) => i >= from && pattern.test(line));
      if (index >= 0) return index;
      const why = this.#exited ? 'it exited' : Date.now() > deadline ? 'timed out' : undefined;
      if (why !== undefined) {
        throw new Error(`${why} before printing ${String(pattern)}\n${this.describe()}`);
      }
      await sleep(POLL_MS);
    }
  }

  /** Waits for the exit after a Ctrl-C. */
  async interrupted(): Promise<ExampleExit> {
    this.child.kill('SIGINT');
    return within(this.exit, EXIT_TIMEOUT_MS, () => `the exit after SIGINT\n${this.describe()}`);
  }
}

/** Pids of the openvpn processes whose command line names a path inside `dir`. */
export async function openvpnsUnder(dir: string): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const found = await Promise.all(
    pids.map(async (pid) => {
      const argv = await readFile(`/proc/${pid}/cmdline`, 'utf8').then(
        (text) => text.split('\0'),
        // Gone meanwhile.
        () => [],
      );
      const isOpenvpn = argv[0]?.endsWith('openvpn') ?? false;
      return isOpenvpn && argv.some((arg) => arg.startsWith(`${dir}/`)) ? [Number(pid)] : [];
    }),
  );
  return found.flat();
}

/** Resolves once no openvpn names `dir`; false when one still runs after `timeoutMs`. */
export async function openvpnsGone(dir: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while ((await openvpnsUnder(dir)).length > 0) {
    if (Date.now() > deadline) return false;
    await sleep(POLL_MS);
  }
  return true;
}

/** A started example and the private temp dir it runs with. */
export interface StartedExample {
  readonly run: ExampleRun;
  /** The example's TMPDIR: its runtime dirs (and the demo server's) are made here. */
  readonly tmpDir: string;
}

/**
 * What one test file owns: a lab, an app id naming this file's worker, and the examples it
 * started. Each example runs with its own TMPDIR, so every openvpn it starts names that
 * directory on its command line (the runtime dir's config). `teardown` kills what is left,
 * then fails the test if an example left an openvpn or a file behind.
 */
export class ExampleBed {
  readonly lab = new Lab();
  readonly appId: string;
  readonly #started: StartedExample[] = [];

  constructor(name: string) {
    this.appId = `ex-${name}-${process.pid}`;
  }

  /** Runs a compiled example with this file's app id, blind to other apps' openvpn. */
  async start(
    script: string,
    args: readonly string[],
    env: Readonly<Record<string, string>> = {},
  ): Promise<StartedExample> {
    const tmpDir = await this.lab.tempDir();
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      TMPDIR: tmpDir,
      RX_OPENVPN_EXAMPLE_APP_ID: this.appId,
      RX_OPENVPN_EXAMPLE_OWN_APP_ONLY: '1',
      ...env,
    };
    // Jest's flags are not the example's.
    delete childEnv['NODE_OPTIONS'];
    const child = spawn(process.execPath, [script, ...args], {
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = { run: new ExampleRun(child), tmpDir };
    this.#started.push(started);
    await once(child, 'spawn');
    return started;
  }

  async teardown(): Promise<void> {
    const started = this.#started.splice(0);
    const running: number[] = [];
    const leftovers: string[] = [];
    try {
      // A test that failed half-way leaves its example running: it gets the Ctrl-C a user
      // would give, so that only what it fails to clean up is reported.
      for (const { run } of started) {
        if (run.hasExited()) continue;
        const exited = await run.interrupted().then(
          () => true,
          () => false,
        );
        if (exited) continue;
        run.child.kill('SIGKILL');
        await within(run.exit, KILLED_EXIT_MS, () => 'a killed example to exit');
      }
      for (const { tmpDir } of started) {
        const pids = await openvpnsUnder(tmpDir);
        running.push(...pids);
        for (const pid of pids) process.kill(pid, 'SIGKILL');
        await openvpnsGone(tmpDir, KILLED_EXIT_MS);
        leftovers.push(...(await readdir(tmpDir)));
      }
    } finally {
      await this.lab.cleanup();
    }
    expect({ running, leftovers }).toEqual({ running: [], leftovers: [] });
  }
}
