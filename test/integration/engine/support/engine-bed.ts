import { expect } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, firstValueFrom, map, throwError, timeout } from 'rxjs';
import { startTunnel, type Tunnel } from '../../../../src/engine/vpn.js';
import type { EngineOptions } from '../../../../src/engine/engine-options.js';
import type { ProcessIdentity } from '../../../../src/launcher/ownership-marker.js';
import { discoverInstances } from '../../../../src/process/instances.js';
import type { ProcessTable } from '../../../../src/process/instances-table.js';
import { parseOvpn } from '../../../../src/profile/parse-ovpn.js';
import type { Profile } from '../../../../src/profile/profile-model.js';
import { isTerminal, type VpnState } from '../../../../src/state/vpn-state.js';
import { Lab } from '../../lab/lab.js';
import { exitsWithin, hasExited, identityOf } from './process-watch.js';
import { scopedProcessTable } from './scoped-process-table.js';

/** How long a tunnel may take to reach a phase on loopback; generous for a loaded machine. */
export const PHASE_TIMEOUT_MS = 30_000;
/** Jest timeout of one engine test. */
export const TEST_TIMEOUT_MS = 60_000;
/** How long the teardown waits for a tunnel it killed to report its end. */
const TEARDOWN_DONE_MS = 10_000;
/** How long a helper process may take to die of SIGKILL. */
const HELPER_EXIT_MS = 5_000;

/** A parsed profile; the test fails at once on a profile the parser refuses. */
export function profileOf(text: string): Profile {
  const parsed = parseOvpn(text);
  if (parsed._tag === 'Left') throw new Error(parsed.left.message);
  return parsed.right;
}

/** Names of the runtime directories of `appId` in the OS temp dir. */
export async function runtimeDirsOf(appId: string): Promise<string[]> {
  return (await readdir(tmpdir())).filter((name) => name.startsWith(`rx-openvpn-${appId}-`));
}

/** A tunnel started by the bed, with every state it went through. */
export interface WatchedTunnel {
  readonly tunnel: Tunnel;
  readonly states: readonly VpnState[];
}

/** Resolves with the first state that satisfies `predicate`; fails on a terminal one instead. */
export async function reach(
  watched: WatchedTunnel,
  what: string,
  predicate: (state: VpnState) => boolean,
  timeoutMs: number = PHASE_TIMEOUT_MS,
): Promise<VpnState> {
  const describe = (): string =>
    `${what}; states so far:\n${watched.states.map((s) => JSON.stringify(s)).join('\n')}`;
  const state = await firstValueFrom(
    watched.tunnel.state$.pipe(
      filter((s) => predicate(s) || isTerminal(s)),
      timeout({
        first: timeoutMs,
        with: () => throwError(() => new Error(`timed out waiting for ${describe()}`)),
      }),
    ),
  );
  if (!predicate(state)) throw new Error(`ended before ${describe()}`);
  return state;
}

/** The openvpn a tunnel spawned, as a process identity. */
export async function openvpnOf(watched: WatchedTunnel): Promise<ProcessIdentity> {
  return firstValueFrom(
    watched.tunnel.pid$.pipe(
      map((pid) => identityOf(pid) ?? { pid, startTime: -1 }),
      timeout(PHASE_TIMEOUT_MS),
    ),
  );
}

/**
 * What one test file owns: a lab, an app id naming this file's worker, the tunnels it started
 * and helper processes. `teardown` ends them all, then fails the test if an openvpn it saw, or
 * one marked with its app ids, is still running, or a runtime directory of its app id is left.
 */
export class EngineBed {
  readonly lab = new Lab();
  readonly appId: string;
  readonly processTable: ProcessTable;
  readonly #tunnels: Tunnel[] = [];
  readonly #openvpns: ProcessIdentity[] = [];
  readonly #helpers = new Set<ChildProcess>();

  /** `name` names the file; `foreignAppIds` are other apps whose openvpn this file starts. */
  constructor(name: string, foreignAppIds: readonly string[] = []) {
    this.appId = `it-${name}-${process.pid}`;
    this.processTable = scopedProcessTable([this.appId, ...foreignAppIds]);
  }

  /** Starts a tunnel under this file's app id and watches its states and its openvpn. */
  start(options: Omit<EngineOptions, 'appId'>): WatchedTunnel {
    const tunnel = startTunnel(
      { appId: this.appId, ...options },
      { processTable: this.processTable },
    );
    const states: VpnState[] = [];
    tunnel.state$.subscribe((state) => states.push(state));
    // Read at once: ProcessSpawned is emitted in the tick of the spawn, before any exit.
    tunnel.pid$.subscribe((pid) => this.watch(identityOf(pid)));
    this.#tunnels.push(tunnel);
    return { tunnel, states };
  }

  /** Adds an openvpn the teardown must find gone (e.g. one started by hand). */
  watch(openvpn: ProcessIdentity | undefined): void {
    if (openvpn !== undefined) this.#openvpns.push(openvpn);
  }

  /** A live process that stands in for another engine; killed by the teardown. */
  async liveEngine(): Promise<ProcessIdentity> {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      stdio: 'ignore',
    });
    this.#helpers.add(child);
    await once(child, 'spawn');
    const identity = child.pid === undefined ? undefined : identityOf(child.pid);
    if (identity === undefined) throw new Error('the stand-in engine did not start');
    return identity;
  }

  /** The identity of an engine that has died: a helper started, read, then killed and reaped. */
  async deadEngine(): Promise<ProcessIdentity> {
    const engine = await this.liveEngine();
    process.kill(engine.pid, 'SIGKILL');
    if (!(await exitsWithin(engine, HELPER_EXIT_MS))) throw new Error('stand-in engine lives');
    return engine;
  }

  /** Tracks a helper child process so the teardown kills it. */
  adopt(child: ChildProcess): void {
    this.#helpers.add(child);
  }

  async teardown(): Promise<void> {
    const openvpns = this.#openvpns.splice(0);
    try {
      await Promise.all(
        this.#tunnels.splice(0).map(async (tunnel) => {
          tunnel.stop('kill');
          await Promise.race([tunnel.done, sleepMs(TEARDOWN_DONE_MS)]);
        }),
      );
      await Promise.all([...this.#helpers].map(killHelper));
      this.#helpers.clear();
    } finally {
      await this.lab.cleanup();
    }
    // Whatever survived is killed and removed first, then reported: one test that fails to
    // clean up must not break the next. Strays are found by marker too, not only by pid: an
    // openvpn whose pid no test saw (a host that died before printing it) counts as well.
    const strays = (await discoverInstances(this.appId, this.processTable)).filter(
      (instance) => instance.kind !== 'unmarked',
    );
    const running = [
      ...new Set([
        ...openvpns.filter((openvpn) => !hasExited(openvpn)).map((openvpn) => openvpn.pid),
        ...strays.map((instance) => instance.pid),
      ]),
    ];
    for (const pid of running) process.kill(pid, 'SIGKILL');
    const dirs = await runtimeDirsOf(this.appId);
    await Promise.all(dirs.map((name) => rm(join(tmpdir(), name), { recursive: true })));
    expect({ running, dirs }).toEqual({ running: [], dirs: [] });
  }
}

const killHelper = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
};

const sleepMs = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref());
