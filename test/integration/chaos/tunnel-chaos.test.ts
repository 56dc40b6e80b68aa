import { afterEach, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StopKind } from '../../../src/engine/tunnel.js';
import type { ProcessIdentity } from '../../../src/launcher/ownership-marker.js';
import type { VpnState } from '../../../src/state/vpn-state.js';
import type { LabServer } from '../lab/lab.js';
import {
  EngineBed,
  openvpnOf,
  profileOf,
  reach,
  runtimeDirsOf,
  type WatchedTunnel,
} from '../engine/support/engine-bed.js';
import { exitsWithin, identityOf } from '../engine/support/process-watch.js';
import { chaosSeed, seededRandom, withSeed, type SeededRandom } from './seeded-random.js';
import {
  stateViolations,
  type DwellLimits,
  type Outage,
  type SeenState,
} from './state-invariants.js';

const bed = new EngineBed('chaos');
afterEach(() => bed.teardown());

const SEED = chaosSeed();
// Short timers: a silent peer restarts the client after 4 s, a failed attempt retries in 1-2 s.
const CLIENT_EXTRA = ['ping 1', 'ping-restart 4', 'connect-retry 1 2'];
const STOP_DEADLINES = { managementMs: 1_000, sigtermMs: 1_000, sigkillMs: 2_000 };
// Once nothing disturbs it, a tunnel is back within 20 s; stopping ends within the deadlines.
const LIMITS: DwellLimits = {
  starting: 10_000,
  connecting: 20_000,
  reconnecting: 20_000,
  stopping: 8_000,
};
const CHAOS_STEPS = 15;
/** The sum of all random pauses and waits of the stepped scenario. */
const WAIT_BUDGET_MS = 60_000;
const STOP_ROUNDS = 8;
const EXIT_MS = 5_000;
const STEPPED_TIMEOUT_MS = 420_000;
const STOP_ROUNDS_TIMEOUT_MS = 180_000;

type ChaosStep = 'freeze-client' | 'restart-server' | 'blackhole-server' | 'idle';
type FinalStop = 'while-connected' | 'while-frozen' | 'while-blackholed' | 'after-restart';

/** A tunnel under chaos: its states with arrival times, and the outages the test caused. */
class ChaosRun {
  readonly history: SeenState[] = [];
  readonly outages: Outage[] = [];
  readonly log: string[] = [];
  /** The openvpn the tunnel spawned, read the moment it did. */
  openvpn: ProcessIdentity | undefined;
  #waitLeftMs = WAIT_BUDGET_MS;

  constructor(
    readonly watched: WatchedTunnel,
    readonly random: SeededRandom,
  ) {
    watched.tunnel.state$.subscribe((state) => this.history.push({ state, seenAt: Date.now() }));
    watched.tunnel.pid$.subscribe((pid) => {
      this.openvpn = identityOf(pid);
    });
  }

  /** A random wait within [minMs, maxMs], shrunk so all waits together stay in the budget. */
  async pause(minMs: number, maxMs: number): Promise<void> {
    const ms = Math.min(this.random.int(minMs, maxMs), Math.max(this.#waitLeftMs, 0));
    this.#waitLeftMs -= ms;
    await sleep(ms);
  }

  /** Runs `disturb`, recording the time it took as an outage. */
  async outage(what: string, disturb: () => Promise<void>): Promise<void> {
    const fromMs = Date.now();
    try {
      await disturb();
    } finally {
      const toMs = Date.now();
      this.outages.push({ fromMs, toMs });
      this.log.push(`${what} for ${toMs - fromMs} ms`);
    }
  }

  /** Fails, naming the seed, the steps and the states, when any invariant is broken. */
  check(): void {
    const violations = stateViolations(this.history, LIMITS, Date.now(), this.outages);
    expect({ violations, steps: this.log, states: this.phases() }).toMatchObject({
      violations: [],
    });
  }

  phases(): string[] {
    return this.history.map(({ state }) => describeBrief(state));
  }
}

const describeBrief = (state: VpnState): string =>
  'step' in state && state.step !== undefined ? `${state.phase}:${state.step}` : state.phase;

const freezeClient = async (run: ChaosRun): Promise<void> => {
  const { pid } = await openvpnOf(run.watched);
  await run.outage('client frozen', async () => {
    process.kill(pid, 'SIGSTOP');
    try {
      await run.pause(300, 3_000);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  });
};

const blackholeServer = async (run: ChaosRun, server: LabServer): Promise<void> => {
  await run.outage('server blackholed', async () => {
    server.pause();
    try {
      await run.pause(1_000, 6_000);
    } finally {
      server.resume();
    }
  });
};

const restartServer = (run: ChaosRun, server: LabServer): Promise<void> =>
  run.outage('server restarted', () => server.restart());

async function chaosStep(run: ChaosRun, server: LabServer, step: ChaosStep): Promise<void> {
  switch (step) {
    case 'freeze-client':
      return freezeClient(run);
    case 'restart-server':
      return restartServer(run, server);
    case 'blackhole-server':
      return blackholeServer(run, server);
    case 'idle':
      run.log.push('idle');
      return Promise.resolve();
  }
}

/** Asks for a stop in the middle of a disturbance chosen by `how`; resolves once done. */
async function finalStop(run: ChaosRun, server: LabServer, how: FinalStop): Promise<VpnState> {
  const { tunnel } = run.watched;
  run.log.push(`stop ${how}`);
  switch (how) {
    case 'while-connected':
      tunnel.stop();
      return tunnel.done;
    case 'while-frozen': {
      // openvpn cannot answer `signal SIGTERM` nor act on SIGTERM: only SIGKILL ends it.
      const { pid } = await openvpnOf(run.watched);
      process.kill(pid, 'SIGSTOP');
      tunnel.stop();
      return tunnel.done;
    }
    case 'while-blackholed':
      server.pause();
      try {
        await run.pause(0, 6_000);
        tunnel.stop();
        return await tunnel.done;
      } finally {
        server.resume();
      }
    case 'after-restart':
      await server.restart();
      await run.pause(0, 5_000);
      tunnel.stop();
      return tunnel.done;
  }
}

describe('the engine under chaos against real openvpn', () => {
  it(
    'keeps a legal, never stuck state stream through random freezes, restarts and blackholes, ' +
      'then stops leaving nothing behind',
    () =>
      withSeed(SEED, async () => {
        const random = seededRandom(SEED);
        const server = await bed.lab.server({ kind: 'p2p' });
        const watched = bed.start({
          profile: profileOf(server.clientConfig(CLIENT_EXTRA)),
          stop: STOP_DEADLINES,
        });
        const run = new ChaosRun(watched, random);
        const openvpn = await openvpnOf(watched);
        await reach(watched, 'connected', (s) => s.phase === 'connected', LIMITS.connecting);

        const steps: readonly ChaosStep[] = [
          'freeze-client',
          'restart-server',
          'blackhole-server',
          'idle',
        ];
        for (let index = 0; index < CHAOS_STEPS; index += 1) {
          await chaosStep(run, server, random.pick(steps));
          await run.pause(0, 3_000);
          run.check();
        }
        // Whatever the last step left behind, the tunnel must come back once nothing disturbs it.
        await reach(watched, 'connected after the steps', (s) => s.phase === 'connected', 25_000);
        run.check();

        const how = random.pick<FinalStop>([
          'while-connected',
          'while-frozen',
          'while-blackholed',
          'after-restart',
        ]);
        const final = await finalStop(run, server, how);
        run.check();
        expect({ final, steps: run.log }).toMatchObject({ final: { phase: 'stopped' } });
        expect(await exitsWithin(openvpn, EXIT_MS)).toBe(true);
        expect(await runtimeDirsOf(bed.appId)).toEqual([]);
      }),
    STEPPED_TIMEOUT_MS,
  );

  it(
    'ends stopped, with nothing left, whenever in the connect sequence a stop arrives',
    () =>
      withSeed(SEED, async () => {
        const random = seededRandom(SEED + 1);
        const server = await bed.lab.server({ kind: 'p2p' });
        const profile = profileOf(server.clientConfig(CLIENT_EXTRA));
        const moments = ['at once', 'after a delay', 'at a phase'] as const;
        const stepsToWaitFor = ['HOLD', 'CONNECTING', 'WAIT', 'AUTH', 'GET_CONFIG'];
        for (let round = 0; round < STOP_ROUNDS; round += 1) {
          const watched = bed.start({ profile, stop: STOP_DEADLINES });
          const run = new ChaosRun(watched, random);
          const moment = random.pick(moments);
          const kind = random.pick<StopKind>(['graceful', 'kill']);
          if (moment === 'after a delay') {
            await run.pause(0, 1_500);
          } else if (moment === 'at a phase') {
            const step = random.pick(stepsToWaitFor);
            run.log.push(`waiting for ${step}`);
            // openvpn may pass a step too fast to be reported: connected counts as past it.
            await reach(
              watched,
              step,
              (s) => ('step' in s && s.step === step) || s.phase === 'connected',
            );
          }
          run.log.push(`round ${round}: stop (${kind}) ${moment}`);
          watched.tunnel.stop(kind);
          const final = await watched.tunnel.done;
          run.check();
          expect({ final, steps: run.log }).toMatchObject({ final: { phase: 'stopped' } });
          if (run.openvpn !== undefined) {
            expect(await exitsWithin(run.openvpn, EXIT_MS)).toBe(true);
          }
          expect(await runtimeDirsOf(bed.appId)).toEqual([]);
        }
      }),
    STOP_ROUNDS_TIMEOUT_MS,
  );
});
