import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { setTimeout as sleep } from 'node:timers/promises';
import { asyncScheduler, switchMap, takeUntil, type Observable, type SchedulerLike } from 'rxjs';
import { silentLogger } from '../../../src/core/logger.js';
import { driveManagement, type DriverContext } from '../../../src/engine/management-driver.js';
import type { TunnelOutput } from '../../../src/engine/tunnel-output.js';
import { attachSession } from '../../../src/management/session.js';
import {
  createFakeManagementPeer,
  type FakeManagementPeer,
} from '../../../src/testing/fake-management-peer.js';
import { chaosSeed } from './seeded-random.js';

// In dial-in mode openvpn exits when its management link closes, so the engine only has to
// survive the hang-up: no error may escape the driver, and the driver must end with the link.
// Here a fake peer hangs up at any millisecond of its script, to hold the driver itself to
// that; management-link-chaos.test.ts cuts the real link to a real openvpn. Real time, in
// milliseconds: the session hands replies on through promises, which a virtual-time flush
// would never let run.

const SEED = chaosSeed();
const RUNS = 60;
/**
 * How long a run that must end may take after the hang-up; generous, as other tests share the
 * CPU, and a run that ends sooner returns at once.
 */
const SETTLE_MS = 2_000;
/** How long a run that need not end is watched after the hang-up. */
const WATCH_MS = 200;
const LAST_PUSH_MS = 60;
const PROPERTY_TIMEOUT_MS = 30_000;
const PUSH_EVERY_MS = 5;
const BASE_TIME_S = 1_700_000_000;

// What openvpn 2.6.14 pushes after the hold release, one line per tick, on the way to a tunnel.
const PROGRESS_LINES = [
  `>STATE:${BASE_TIME_S},RESOLVE,,,,,,`,
  `>STATE:${BASE_TIME_S},WAIT,,,,,,`,
  `>STATE:${BASE_TIME_S},AUTH,,,,,,`,
  `>STATE:${BASE_TIME_S},GET_CONFIG,,,,,,`,
  `>STATE:${BASE_TIME_S},ASSIGN_IP,,10.8.0.2,,,,`,
  `>STATE:${BASE_TIME_S},CONNECTED,SUCCESS,10.8.0.2,127.0.0.1,1194,,`,
  '>BYTECOUNT:1200,3400',
  `>LOG:${BASE_TIME_S},I,Initialization Sequence Completed`,
  `>STATE:${BASE_TIME_S},RECONNECTING,ping-restart,,,,,`,
  '>HOLD:Waiting for hold release:2',
  `>STATE:${BASE_TIME_S},CONNECTED,SUCCESS,10.8.0.2,127.0.0.1,1194,,`,
];

const peerOf = (scheduler: SchedulerLike): FakeManagementPeer =>
  createFakeManagementPeer(
    {
      afterBanner: ['>HOLD:Waiting for hold release:0'],
      answers: {
        state: [
          'SUCCESS: real-time state notification set to ON',
          `${BASE_TIME_S},CONNECTING,,,,,,`,
          'END',
        ],
        bytecount: ['SUCCESS: bytecount interval changed'],
        log: ['SUCCESS: real-time log notification set to ON'],
        hold: ['SUCCESS: hold release succeeded'],
        signal: ['SUCCESS: signal SIGTERM thrown'],
      },
    },
    scheduler,
  );

const contextOf = (scheduler: SchedulerLike): DriverContext => ({
  now: () => scheduler.now(),
  scheduler,
  logger: silentLogger,
  bytecountIntervalS: 1,
  credentials: undefined,
  managementLog: false,
});

interface Outcome {
  readonly outputs: readonly TunnelOutput[];
  readonly errors: readonly unknown[];
  readonly completed: boolean;
}

/**
 * Runs `build` against a peer that pushes progress and hangs up at `hangUpMs`, until the run
 * ends or errs, or `afterMs` past the hang-up.
 */
async function runWithHangUp(
  hangUpMs: number,
  build: (peer: FakeManagementPeer, scheduler: SchedulerLike) => Observable<TunnelOutput>,
  afterMs: number = SETTLE_MS,
): Promise<Outcome> {
  const scheduler = asyncScheduler;
  const peer = peerOf(scheduler);
  const outputs: TunnelOutput[] = [];
  const errors: unknown[] = [];
  let completed = false as boolean;
  const subscription = build(peer, scheduler).subscribe({
    next: (output) => outputs.push(output),
    error: (error: unknown) => errors.push(error),
    complete: () => {
      completed = true;
    },
  });
  const pushes = PROGRESS_LINES.map((line, index) =>
    scheduler.schedule(() => peer.push(line), PUSH_EVERY_MS * (index + 1)),
  );
  scheduler.schedule(() => peer.hangUp(), hangUpMs);
  const deadline = Date.now() + hangUpMs + afterMs;
  while (!completed && errors.length === 0 && Date.now() < deadline) await sleep(5);
  for (const push of pushes) push.unsubscribe();
  subscription.unsubscribe();
  return { outputs, errors, completed };
}

// As the tunnel wires it: the driver runs for as long as the session does.
const driveLikeTheTunnel = (
  peer: FakeManagementPeer,
  scheduler: SchedulerLike,
): Observable<TunnelOutput> =>
  attachSession(peer.socket, { scheduler, logger: silentLogger }).pipe(
    switchMap((session) =>
      driveManagement(session, contextOf(scheduler)).pipe(takeUntil(session.end$)),
    ),
  );

const atOf = (output: TunnelOutput): number =>
  output.channel === 'event' ? output.event.at : output.at;

const eventKinds = (outcome: Outcome): string[] =>
  outcome.outputs.flatMap((o) => (o.channel === 'event' ? [o.event.kind] : []));

describe('the management driver when openvpn hangs up', () => {
  it(
    'ends without an error whenever the peer hangs up, having reported the attachment',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: LAST_PUSH_MS }), async (hangUpMs) => {
          const outcome = await runWithHangUp(hangUpMs, driveLikeTheTunnel);
          expect({ hangUpMs, errors: outcome.errors, completed: outcome.completed }).toEqual({
            hangUpMs,
            errors: [],
            completed: true,
          });
          expect(eventKinds(outcome)[0]).toBe('ManagementAttached');
        }),
        { seed: SEED, numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'lets no error escape the driver itself, and stops its output at the hang-up',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: LAST_PUSH_MS }), async (hangUpMs) => {
          let hungUpAt: number | undefined;
          // The driver alone does not end with the link (the tunnel ends it), so it is watched.
          const outcome = await runWithHangUp(
            hangUpMs,
            (peer, scheduler) =>
              attachSession(peer.socket, { scheduler, logger: silentLogger }).pipe(
                switchMap((session) => {
                  session.end$.subscribe(() => {
                    hungUpAt = scheduler.now();
                  });
                  return driveManagement(session, contextOf(scheduler));
                }),
              ),
            WATCH_MS,
          );
          expect({ hangUpMs, errors: outcome.errors }).toEqual({ hangUpMs, errors: [] });
          const late = outcome.outputs.filter((o) => hungUpAt !== undefined && atOf(o) > hungUpAt);
          expect({ hangUpMs, late }).toEqual({ hangUpMs, late: [] });
        }),
        { seed: SEED, numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it('reports the tunnel up when the peer hangs up only after connecting', async () => {
    const outcome = await runWithHangUp(LAST_PUSH_MS, driveLikeTheTunnel);
    expect(outcome).toMatchObject({ errors: [], completed: true });
    expect(eventKinds(outcome)).toEqual(
      expect.arrayContaining(['ManagementAttached', 'HoldEntered', 'HoldReleased']),
    );
    expect(outcome.outputs).toContainEqual(
      expect.objectContaining({ channel: 'traffic', bytesIn: 1200, bytesOut: 3400 }),
    );
  });
});
