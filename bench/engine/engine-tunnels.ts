import { startTunnel, type Tunnel } from '../../src/engine/vpn.js';
import type { LogFields, Logger } from '../../src/core/logger.js';
import type { Profile } from '../../src/profile/profile-model.js';
import { isTerminal, type VpnState } from '../../src/state/vpn-state.js';
import { execaSpawner, type Spawner } from '../../src/process/spawner.js';
import { stamp } from './clock.js';
import { benchProcessTable } from './bench-process-table.js';

/** Moments of one engine start, as far as it got; all from the same clock as `startedAt`. */
export interface StartMarks {
  /** The process table started and finished listing every process (start checks). */
  listStarted?: bigint;
  listEnded?: bigint;
  /** The last procfs read before the spawn (instance discovery: argv, start times) finished. */
  instancesRead?: bigint;
  /** The engine called the spawner, and the spawner (execa) returned. */
  spawnCalled?: bigint;
  spawnReturned?: bigint;
  /** The session attached: the first `management command queued` record (`state on all`). */
  attached?: bigint;
  /** `management command queued` for `hold "release"`, just before it is written. */
  holdReleaseQueued?: bigint;
  /** The first `connected` state. */
  connected?: bigint;
}

/** One tunnel started by the benchmark. */
export interface EngineStart {
  readonly tunnel: Tunnel;
  /** Just before `startTunnel` was called. */
  readonly startedAt: bigint;
  readonly marks: StartMarks;
  /** Resolves at the first `connected` state; rejects if the tunnel ends first. */
  readonly connected: Promise<bigint>;
  /** Every state so far, for a report when a start does not connect. */
  readonly states: readonly VpnState[];
}

const HOLD_RELEASE_COMMAND = 'hold "release"';

// Stamps the debug records the breakdown needs; everything else is dropped, as by default.
const markingLogger = (marks: StartMarks): Logger => {
  const ignore = (): void => undefined;
  return {
    debug: (message: string, fields?: LogFields) => {
      const at = stamp();
      if (message !== 'management command queued') return;
      marks.attached ??= at;
      if (fields?.['command'] === HOLD_RELEASE_COMMAND) marks.holdReleaseQueued ??= at;
    },
    info: ignore,
    warn: ignore,
    error: ignore,
  };
};

/** Starts engine tunnels under one app id; {@link EngineTunnels.stopAll} ends every one. */
export class EngineTunnels {
  readonly #appId: string;
  readonly #tunnels = new Set<Tunnel>();

  readonly #statusPollMs: number | undefined;

  /** `statusPollMs` overrides the engine's `status` poll interval; the default when undefined. */
  constructor(appId: string, statusPollMs?: number) {
    this.#appId = appId;
    this.#statusPollMs = statusPollMs;
  }

  start(profile: Profile): EngineStart {
    const marks: StartMarks = {};
    const processTable = benchProcessTable(this.#appId, {
      listed: (started, ended) => {
        marks.listStarted ??= started;
        marks.listEnded ??= ended;
      },
      read: (ended) => {
        if (marks.spawnCalled === undefined) marks.instancesRead = ended;
      },
    });
    const spawner: Spawner = (command) => {
      marks.spawnCalled ??= stamp();
      const child = execaSpawner(command);
      marks.spawnReturned ??= stamp();
      return child;
    };
    const startedAt = stamp();
    const tunnel = startTunnel(
      {
        profile,
        appId: this.#appId,
        logger: markingLogger(marks),
        ...(this.#statusPollMs === undefined ? {} : { statusPollMs: this.#statusPollMs }),
      },
      { processTable, spawner },
    );
    this.#tunnels.add(tunnel);
    void tunnel.done.then(() => this.#tunnels.delete(tunnel));
    const states: VpnState[] = [];
    tunnel.state$.subscribe((state) => states.push(state));
    const connected = new Promise<bigint>((resolve, reject) => {
      const subscription = tunnel.state$.subscribe((state) => {
        const at = stamp();
        if (state.phase === 'connected') {
          marks.connected ??= at;
          resolve(at);
        } else if (isTerminal(state)) {
          reject(new Error(`the tunnel ended before connecting: ${JSON.stringify(state)}`));
        } else {
          return;
        }
        queueMicrotask(() => subscription.unsubscribe());
      });
    });
    // The caller may never await it (a failed run); the rejection is reported there if it does.
    connected.catch(() => undefined);
    return { tunnel, startedAt, marks, connected, states };
  }

  /** Kills every tunnel still running and waits until each is cleaned up. */
  async stopAll(): Promise<void> {
    const running = [...this.#tunnels];
    for (const tunnel of running) tunnel.stop('kill');
    await Promise.all(running.map((tunnel) => tunnel.done));
    this.#tunnels.clear();
  }
}
