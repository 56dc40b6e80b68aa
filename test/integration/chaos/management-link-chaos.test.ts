import { afterEach, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { attachTunnel } from '../../../src/engine/attach-tunnel.js';
import { startTunnel, type Tunnel } from '../../../src/engine/vpn.js';
import type { ProcessIdentity } from '../../../src/launcher/ownership-marker.js';
import type { TranscriptLine } from '../../../src/management/transcript.js';
import type { Traffic } from '../../../src/state/traffic.js';
import type { ConnectStep } from '../../../src/state/vpn-state.js';
import { waitFor, type LabProcess, type LabServer } from '../lab/lab.js';
import {
  EngineBed,
  PHASE_TIMEOUT_MS,
  profileOf,
  reach,
  runtimeDirsOf,
} from '../engine/support/engine-bed.js';
import { faultyLink, type FaultyLink } from '../engine/support/faulty-link.js';
import { exitsWithin, identityOf } from '../engine/support/process-watch.js';
import { LinkRun, within, type LinkRunRules } from './link-run.js';
import { managementRelay, type ManagementRelay } from './management-relay.js';
import { chaosSeed, seededRandom, withSeed, type SeededRandom } from './seeded-random.js';

const bed = new EngineBed('link-chaos');
const tunnels: Tunnel[] = [];
const relays: ManagementRelay[] = [];

/** How long the teardown waits for a tunnel it killed to report its end. */
const TEARDOWN_DONE_MS = 10_000;
/** Room for that wait and the bed's own teardown. */
const TEARDOWN_TIMEOUT_MS = 40_000;

afterEach(async () => {
  await Promise.all(
    tunnels.splice(0).map(async (tunnel) => {
      tunnel.stop('kill');
      await within(tunnel.done, TEARDOWN_DONE_MS, () => 'a killed tunnel').catch(() => undefined);
    }),
  );
  await Promise.all(relays.splice(0).map((relay) => relay.close()));
  await bed.teardown();
}, TEARDOWN_TIMEOUT_MS);

const SEED = chaosSeed();
// Pings keep bytes moving; a restarted client waits at most 2 s before its next attempt.
const CLIENT_EXTRA = ['ping 1', 'connect-retry 1 2'];
// Dwell limits as for the other chaos runs; all random pauses of one run add up to 25 s at most.
const RULES: LinkRunRules = {
  limits: { starting: 10_000, connecting: 20_000, reconnecting: 20_000, stopping: 8_000 },
  waitBudgetMs: 25_000,
};
const LINK_STEPS = 10;
/** How long a counted `connected` may lag openvpn's own report of the connection. */
const COUNT_SETTLE_MS = 5_000;
const DIAL_IN_ROUNDS = 8;
/** How long a dial-in tunnel may take to end once its link is cut. */
const END_AFTER_CUT_MS = 15_000;
const EXIT_MS = 5_000;
const ATTACHED_TIMEOUT_MS = 150_000;
const DIAL_IN_TIMEOUT_MS = 90_000;

const totalBytes = (traffic: Traffic | undefined): number =>
  traffic === undefined ? 0 : traffic.bytesIn + traffic.bytesOut;

const initCompleted = (openvpn: LabProcess): number =>
  openvpn.output().split('Initialization Sequence Completed').length - 1;

/**
 * A p2p server over TCP: a restarted client closes its connection, so the server starts over
 * at once. Over UDP it would wait for its ping timeout first, some 15 s a restart.
 */
const p2pServer = (): Promise<LabServer> => bed.lab.server({ kind: 'p2p', transport: 'tcp' });

/** A client started by the test, as a service would, waiting in its hold on a unix socket. */
async function heldOpenvpn(server: LabServer): Promise<{ openvpn: LabProcess; path: string }> {
  const dir = await bed.lab.tempDir();
  const config = join(dir, 'client.conf');
  await writeFile(config, server.clientConfig(CLIENT_EXTRA), { mode: 0o600 });
  const path = join(dir, 'management.sock');
  const args = ['--config', config, '--management', path, 'unix', '--management-hold'];
  const openvpn = await bed.lab.run(args);
  bed.watch(identityOf(openvpn.pid));
  return { openvpn, path };
}

/** Tells when the engine sends openvpn `hold release`, read off the management transcript. */
class HoldReleases {
  readonly #waiting: (() => void)[] = [];

  readonly transcript = (line: TranscriptLine): void => {
    if (line.direction !== 'to-openvpn' || !/^hold\s+"?release"?$/.test(line.text.trim())) return;
    for (const resolve of this.#waiting.splice(0)) resolve();
  };

  /** Resolves at the next hold release. */
  next(): Promise<void> {
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
}

/** An attached tunnel under chaos, its faulty link and the openvpn behind it. */
class AttachedScene {
  /** Links made before the latest drop: the engine is back once there is one more. */
  #linksAtDrop = 0;

  constructor(
    readonly run: LinkRun,
    readonly link: FaultyLink,
    readonly holdReleases: HoldReleases,
    readonly openvpn: LabProcess,
  ) {}

  drop(): void {
    this.#linksAtDrop = this.link.connections();
    this.link.drop();
  }

  reattached(): boolean {
    return this.link.connections() > this.#linksAtDrop;
  }

  /** Drops the link `delayMs` after the next hold release; `provoke` makes openvpn hold. */
  async dropAfterHoldRelease(delayMs: number, provoke?: () => void): Promise<void> {
    const released = this.holdReleases.next();
    provoke?.();
    await within(released, PHASE_TIMEOUT_MS, () => `hold release; ${this.run.describe()}`);
    await sleep(delayMs);
    this.drop();
  }

  restartOpenvpn(): void {
    process.kill(this.openvpn.pid, 'SIGUSR1');
  }
}

type LinkStep =
  'after-hold-release' | 'while-connected' | 'during-restart' | 'while-blocked' | 'during-reattach';

const LINK_STEP_KINDS: readonly LinkStep[] = [
  'after-hold-release',
  'while-connected',
  'during-restart',
  'while-blocked',
  'during-reattach',
];

/** Cuts the link in the way `step` names; resolves after the step's last cut. */
async function linkStep(scene: AttachedScene, step: LinkStep): Promise<void> {
  const { run, link } = scene;
  switch (step) {
    case 'after-hold-release': {
      // openvpn holds again after a restart; the engine releases it, and the link goes.
      const delayMs = run.random.int(0, 1_500);
      run.log.push(`restart, drop ${delayMs} ms after the hold release`);
      return scene.dropAfterHoldRelease(delayMs, () => scene.restartOpenvpn());
    }
    case 'while-connected':
      run.log.push('drop while connected');
      await run.pause(0, 2_000);
      scene.drop();
      return;
    case 'during-restart':
      run.log.push('restart, then drop');
      scene.restartOpenvpn();
      await run.pause(0, 3_000);
      scene.drop();
      return;
    case 'while-blocked': {
      const restart = run.random.pick([true, false]);
      run.log.push(`drop and block${restart ? ', restart meanwhile' : ''}`);
      const fromMs = Date.now();
      link.block(true);
      scene.drop();
      try {
        if (restart) {
          await run.pause(0, 1_000);
          scene.restartOpenvpn();
        }
        await run.pause(500, 4_000);
      } finally {
        link.block(false);
        run.outages.push({ fromMs, toMs: Date.now() });
      }
      return;
    }
    case 'during-reattach':
      run.log.push('drop, then drop the next link as it comes');
      scene.drop();
      await waitFor(
        () => scene.reattached(),
        PHASE_TIMEOUT_MS,
        () => 'a new link',
      );
      await run.pause(0, 200);
      scene.drop();
      return;
  }
}

/**
 * Waits until the engine is attached again and openvpn connected, with traffic that grew past
 * `bytesBefore`; then there must be one `connected` for every connection openvpn completed.
 */
async function recovered(scene: AttachedScene, bytesBefore: number): Promise<void> {
  const { run, openvpn } = scene;
  await waitFor(
    () => scene.reattached(),
    PHASE_TIMEOUT_MS,
    () => `a new link; ${run.describe()}`,
  );
  // A new session turns bytecount on again: samples after this moment came over the new link.
  const attachedAt = Date.now();
  await waitFor(
    () => {
      const fresh = run.trafficSince(attachedAt);
      return (
        run.states.at(-1)?.phase === 'connected' &&
        fresh.length >= 2 &&
        totalBytes(fresh.at(-1)) > bytesBefore
      );
    },
    PHASE_TIMEOUT_MS,
    () => `connected with traffic; ${run.describe()}\n${openvpn.output()}`,
  );
  // openvpn prints its line and reports CONNECTED over the link in either order.
  await waitFor(() => run.connectedCount() === initCompleted(openvpn), COUNT_SETTLE_MS).catch(
    () => undefined,
  );
  run.assert(() =>
    expect({ connectedStates: run.connectedCount() }).toEqual({
      connectedStates: initCompleted(openvpn),
    }),
  );
}

type CutMoment =
  | { readonly kind: 'after-commands'; readonly count: number }
  | { readonly kind: 'at-step'; readonly step: ConnectStep; readonly afterMs: number }
  | { readonly kind: 'while-connected'; readonly afterMs: number };

// A fresh dial-in link carries three commands before openvpn connects: state, bytecount and
// hold release (the log is read from stdout). None (0) cuts the call as openvpn dials.
const COMMANDS_ON_ATTACH = 3;
const STEPS_TO_CUT_AT: readonly ConnectStep[] = ['HOLD', 'CONNECTING', 'WAIT', 'AUTH'];

const cutMomentOf = (random: SeededRandom): CutMoment => {
  switch (random.pick(['after-commands', 'at-step', 'while-connected'] as const)) {
    case 'after-commands':
      return { kind: 'after-commands', count: random.int(0, COMMANDS_ON_ATTACH) };
    case 'at-step':
      return { kind: 'at-step', step: random.pick(STEPS_TO_CUT_AT), afterMs: random.int(0, 100) };
    case 'while-connected':
      return { kind: 'while-connected', afterMs: random.int(0, 3_000) };
  }
};

/** Cuts the relayed link at `moment`. */
async function cutAt(run: LinkRun, relay: ManagementRelay, moment: CutMoment): Promise<void> {
  switch (moment.kind) {
    case 'after-commands':
      relay.cutAfterCommands(moment.count);
      return;
    case 'at-step':
      // openvpn may pass a step too fast to be reported: connected counts as past it.
      await reach(
        run,
        moment.step,
        (s) => ('step' in s && s.step === moment.step) || s.phase === 'connected',
      );
      await sleep(moment.afterMs);
      relay.cut();
      return;
    case 'while-connected':
      await reach(run, 'connected', (s) => s.phase === 'connected');
      await sleep(moment.afterMs);
      relay.cut();
      return;
  }
}

describe('the management link to a real openvpn, cut at random moments', () => {
  it(
    'an attached tunnel re-attaches after every cut, with a legal state stream, one connected ' +
      'per connection and moving traffic, then stops leaving nothing behind',
    () =>
      withSeed(SEED, async () => {
        const random = seededRandom(SEED);
        const server = await p2pServer();
        const { openvpn, path } = await heldOpenvpn(server);
        const link = faultyLink();
        const holdReleases = new HoldReleases();
        const tunnel = attachTunnel(
          {
            endpoint: { kind: 'unix', path },
            // A restart behind a blocked link can keep openvpn out of reach that long.
            unreachableMs: PHASE_TIMEOUT_MS,
            transcript: holdReleases.transcript,
          },
          { processTable: bed.processTable, connector: link.connector },
        );
        tunnels.push(tunnel);
        const run = new LinkRun(tunnel, random, RULES);
        const scene = new AttachedScene(run, link, holdReleases, openvpn);

        // The first connect sequence loses its link too, right after the hold release. Nothing
        // has reached openvpn yet: the engine connects once this test yields.
        const firstDelayMs = random.int(0, 1_500);
        run.log.push(`drop ${firstDelayMs} ms after the first hold release`);
        await scene.dropAfterHoldRelease(firstDelayMs);
        await recovered(scene, 0);
        run.check();

        for (let index = 0; index < LINK_STEPS; index += 1) {
          const bytesBefore = totalBytes(run.traffic.at(-1)?.traffic);
          await linkStep(scene, random.pick(LINK_STEP_KINDS));
          await recovered(scene, bytesBefore);
          run.check();
        }

        // The stop finds the link up, or down for good: then only signals reach openvpn.
        const identity = identityOf(openvpn.pid);
        if (identity === undefined) throw new Error('openvpn is gone before the stop');
        const linkDown = random.pick([true, false]);
        run.log.push(linkDown ? 'stop with the link down' : 'stop');
        if (linkDown) {
          link.block(true);
          scene.drop();
        }
        tunnel.stop();
        const final = await within(tunnel.done, PHASE_TIMEOUT_MS, () => run.describe());
        run.check();
        run.assert(() => expect(final).toMatchObject({ phase: 'stopped' }));
        expect(await exitsWithin(identity, EXIT_MS)).toBe(true);
        await waitFor(
          () => link.open() === 0,
          EXIT_MS,
          () => `${link.open()} links left open`,
        );
      }),
    ATTACHED_TIMEOUT_MS,
  );

  it(
    'a dial-in tunnel whose link is cut ends failed with PROCESS_EXITED, openvpn gone, ' +
      'whenever in the connect sequence or the session the cut comes',
    () =>
      withSeed(SEED, async () => {
        const random = seededRandom(SEED + 1);
        const server = await p2pServer();
        const profile = profileOf(server.clientConfig(CLIENT_EXTRA));
        for (let round = 0; round < DIAL_IN_ROUNDS; round += 1) {
          // The engine's listener takes no connector: openvpn dials the relay instead.
          const relay = await managementRelay(await bed.lab.tempDir());
          relays.push(relay);
          const tunnel = startTunnel(
            { appId: bed.appId, profile },
            { processTable: bed.processTable, spawner: relay.spawner },
          );
          let openvpn: ProcessIdentity | undefined;
          tunnel.pid$.subscribe((pid) => {
            openvpn = identityOf(pid);
            bed.watch(openvpn);
          });
          tunnels.push(tunnel);
          const run = new LinkRun(tunnel, random, RULES);
          const moment = cutMomentOf(random);
          run.log.push(`round ${round}: cut ${JSON.stringify(moment)}`);
          await cutAt(run, relay, moment);

          const final = await within(
            tunnel.done,
            END_AFTER_CUT_MS,
            () => `end after the cut; ${run.describe()}`,
          );
          run.log.push(`commands through the relay: ${relay.commands().join('; ')}`);
          run.check();
          run.assert(() =>
            expect(final).toMatchObject({ phase: 'failed', error: { code: 'PROCESS_EXITED' } }),
          );
          expect(relay.wasCut()).toBe(true);
          if (openvpn !== undefined) expect(await exitsWithin(openvpn, EXIT_MS)).toBe(true);
          // The engine's listening socket lives in its runtime directory.
          expect(await runtimeDirsOf(bed.appId)).toEqual([]);
          await relay.close();
        }
      }),
    DIAL_IN_TIMEOUT_MS,
  );
});
