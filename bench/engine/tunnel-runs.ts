import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Lab } from '../../test/integration/lab/lab.js';
import { parseOvpn } from '../../src/profile/parse-ovpn.js';
import type { Profile } from '../../src/profile/profile-model.js';
import { msBetween, sleep, stamp, within } from './clock.js';
import { BareOpenvpns, type BareOpenvpn } from './bare-openvpn.js';
import { releaseHold } from './bare-hold-client.js';
import { EngineTunnels, type StartMarks } from './engine-tunnels.js';

/** How the connect and stop part runs. */
export interface TunnelOptions {
  /** Repetitions per side and server kind. */
  readonly reps: number;
  readonly appId: string;
  readonly signal: AbortSignal;
}

/** One bare openvpn: connected, then stopped with SIGTERM. */
export interface BareRun {
  /** p2p: spawn → "Initialization Sequence Completed"; pull: spawn → CONNECTED. */
  readonly connectMs: number;
  /** `kill(pid, 'SIGTERM')` → `exit`. */
  readonly stopMs: number;
  /** pull only: `hold release` written → `>STATE:…,CONNECTED`. */
  readonly holdToConnectedMs?: number;
  /** pull only: spawn → `>HOLD` read. */
  readonly spawnToHoldMs?: number;
}

/** The parts of an engine start, in ms, in order; see {@link StartMarks}. */
export interface StartPhases {
  /** `startTunnel` → the spawner returned: all the engine does before openvpn runs. */
  readonly beforeOpenvpn: number;
  readonly beforeProcessList: number;
  readonly processList: number;
  readonly instances: number;
  readonly setup: number;
  readonly spawnCall: number;
  readonly spawnToAttach: number;
  readonly attachToHoldRelease: number;
  readonly holdReleaseToConnected: number;
}

/** One engine tunnel: started, connected, then stopped with `tunnel.stop()`. */
export interface EngineRun {
  /** `startTunnel` → first `connected` state. */
  readonly connectMs: number;
  /** `tunnel.stop()` → `tunnel.done` resolved (openvpn gone, runtime dir removed). */
  readonly stopMs: number;
  readonly phases: StartPhases;
}

/** Per server kind, the runs of each side in the order they ran. */
export interface TunnelResult {
  readonly p2p: { readonly bare: readonly BareRun[]; readonly engine: readonly EngineRun[] };
  readonly pull: { readonly bare: readonly BareRun[]; readonly engine: readonly EngineRun[] };
}

const CONNECT_TIMEOUT_MS = 20_000;
// After a server restart, before either side starts: the new server's start-up work must not
// compete with the start being timed.
const SERVER_SETTLE_MS = 250;
const STOP_TIMEOUT_MS = 15_000;
const INITIALIZED = /Initialization Sequence Completed/;

const profileOf = (text: string): Profile => {
  const parsed = parseOvpn(text);
  if (parsed._tag === 'Left') throw new Error(parsed.left.message);
  return parsed.right;
};

const phasesOf = (startedAt: bigint, marks: StartMarks): StartPhases => {
  const { listStarted, listEnded, spawnCalled, spawnReturned } = marks;
  const { attached, holdReleaseQueued, connected } = marks;
  if (
    listStarted === undefined ||
    listEnded === undefined ||
    spawnCalled === undefined ||
    spawnReturned === undefined ||
    attached === undefined ||
    holdReleaseQueued === undefined ||
    connected === undefined
  ) {
    throw new Error(`an engine start missed a mark: ${JSON.stringify(Object.keys(marks))}`);
  }
  // Without any openvpn to read about, the discovery ends with the listing.
  const instancesRead = marks.instancesRead ?? listEnded;
  return {
    beforeOpenvpn: msBetween(startedAt, spawnReturned),
    beforeProcessList: msBetween(startedAt, listStarted),
    processList: msBetween(listStarted, listEnded),
    instances: msBetween(listEnded, instancesRead),
    setup: msBetween(instancesRead, spawnCalled),
    spawnCall: msBetween(spawnCalled, spawnReturned),
    spawnToAttach: msBetween(spawnReturned, attached),
    attachToHoldRelease: msBetween(attached, holdReleaseQueued),
    holdReleaseToConnected: msBetween(holdReleaseQueued, connected),
  };
};

/** Runs the bare side and the engine side alternately, the order swapped every repetition. */
async function alternate(
  reps: number,
  bare: () => Promise<BareRun>,
  engine: () => Promise<EngineRun>,
): Promise<{ bare: BareRun[]; engine: EngineRun[] }> {
  const result = { bare: [] as BareRun[], engine: [] as EngineRun[] };
  for (let rep = 0; rep < reps; rep += 1) {
    if (rep % 2 === 0) {
      result.bare.push(await bare());
      result.engine.push(await engine());
    } else {
      result.engine.push(await engine());
      result.bare.push(await bare());
    }
  }
  return result;
}

/**
 * Connect and stop times, bare openvpn against the engine on the same loopback servers: a
 * point-to-point server (restarted before every run: it serves one client and hangs a second
 * one for up to its ping-restart) and a multi-client pull server (shared by all runs). Every
 * run is stopped after it connected, which is the stop measurement.
 */
export async function measureTunnels(lab: Lab, options: TunnelOptions): Promise<TunnelResult> {
  const { signal } = options;
  const bares = new BareOpenvpns();
  const engines = new EngineTunnels(options.appId);
  try {
    const dir = await lab.tempDir();
    let socketCount = 0;

    const engineRun = async (profile: Profile): Promise<EngineRun> => {
      const start = engines.start(profile);
      const connectedAt = await within(start.connected, CONNECT_TIMEOUT_MS, 'engine', signal).catch(
        (error: unknown) => {
          const states = start.states.map((state) => JSON.stringify(state)).join('\n');
          throw new Error(`${String(error)}; states so far:\n${states}`);
        },
      );
      const stopAt = stamp();
      start.tunnel.stop();
      const final = await within(start.tunnel.done, STOP_TIMEOUT_MS, 'engine stop', signal);
      const doneAt = stamp();
      if (final.phase !== 'stopped') throw new Error(`engine stop ended ${JSON.stringify(final)}`);
      return {
        connectMs: msBetween(start.startedAt, connectedAt),
        stopMs: msBetween(stopAt, doneAt),
        phases: phasesOf(start.startedAt, start.marks),
      };
    };
    const stopBare = async (bare: BareOpenvpn): Promise<number> => {
      const { signalledAt, exitedAt } = await within(
        bare.terminate(),
        STOP_TIMEOUT_MS,
        'bare stop',
        signal,
      );
      return msBetween(signalledAt, exitedAt);
    };

    const p2p = await lab.server({ kind: 'p2p' });
    const p2pConfig = join(dir, 'p2p-client.conf');
    await writeFile(p2pConfig, p2p.clientConfig(), { mode: 0o600 });
    const p2pProfile = profileOf(p2p.clientConfig());
    const p2pRuns = await alternate(
      options.reps,
      async () => {
        await p2p.restart();
        await sleep(SERVER_SETTLE_MS, signal);
        const bare = await bares.start(['--config', p2pConfig]);
        const initialized = bare.lineSeen(INITIALIZED);
        const connectedAt = await within(initialized, CONNECT_TIMEOUT_MS, 'bare p2p', signal);
        return { connectMs: msBetween(bare.spawnedAt, connectedAt), stopMs: await stopBare(bare) };
      },
      async () => {
        await p2p.restart();
        await sleep(SERVER_SETTLE_MS, signal);
        return engineRun(p2pProfile);
      },
    );
    await p2p.stop();

    const pull = await lab.server({ kind: 'pull' });
    const pullConfig = join(dir, 'pull-client.conf');
    await writeFile(pullConfig, pull.clientConfig(), { mode: 0o600 });
    const pullProfile = profileOf(pull.clientConfig());
    const pullRuns = await alternate(
      options.reps,
      async () => {
        socketCount += 1;
        const socket = join(dir, `bare-${socketCount}.sock`);
        const bare = await bares.start([
          '--config',
          pullConfig,
          '--management',
          socket,
          'unix',
          '--management-hold',
        ]);
        const run = await releaseHold(socket, CONNECT_TIMEOUT_MS, signal);
        return {
          connectMs: msBetween(bare.spawnedAt, run.connectedAt),
          holdToConnectedMs: msBetween(run.releasedAt, run.connectedAt),
          spawnToHoldMs: msBetween(bare.spawnedAt, run.holdAt),
          stopMs: await stopBare(bare),
        };
      },
      () => engineRun(pullProfile),
    );
    return { p2p: p2pRuns, pull: pullRuns };
  } finally {
    await engines.stopAll();
    await bares.stopAll();
  }
}
