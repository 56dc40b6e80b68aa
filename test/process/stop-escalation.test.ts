import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import type { Observable } from 'rxjs';
import { Observable as RxObservable, ReplaySubject, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { StopProgress, StopStep } from '../../src/process/stop-escalation.js';
import {
  STOP_MANAGEMENT_GRACE_MS,
  STOP_SIGKILL_GRACE_MS,
  STOP_SIGTERM_GRACE_MS,
  stopEscalation,
} from '../../src/process/stop-escalation.js';
import type { MarbleDiagram } from '../support/marble-doc.js';
import { diagram, loadMarbleDoc, row } from '../support/marble-doc.js';

const DOC = loadMarbleDoc(
  fileURLToPath(new URL('../../marbles/stop-escalation.md', import.meta.url)),
);

const newScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });

// A VpnError does not fit in a JSON legend: compare its code and details.
const comparable = (progress: StopProgress): unknown =>
  progress.kind === 'StopFailed'
    ? { kind: progress.kind, error: { code: progress.error.code, details: progress.error.details } }
    : progress;

interface SubscriptionRecord {
  subscribedFrame: number;
  unsubscribedFrame: number;
}

// Logs subscriptions to a source that is not a test observable (the replayed exit).
const recorded = <T>(
  source$: Observable<T>,
  scheduler: TestScheduler,
  logs: SubscriptionRecord[],
): Observable<T> =>
  new RxObservable<T>((subscriber) => {
    const log = { subscribedFrame: scheduler.now(), unsubscribedFrame: Infinity };
    logs.push(log);
    const subscription = source$.subscribe(subscriber);
    return () => {
      log.unsubscribedFrame = scheduler.now();
      subscription.unsubscribe();
    };
  });

/**
 * Runs one diagram of marbles/stop-escalation.md against the operator with the default
 * graces. `replayExit` hands the operator a replaying view of `exited`, as the engine does.
 */
const runDiagram = (d: MarbleDiagram, replayExit = false): void => {
  const scheduler = newScheduler();
  const replayedExitLogs: SubscriptionRecord[] = [];
  let expectedReplayedExitLogs: SubscriptionRecord[] = [];
  scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
    const management$ = cold(row(d, 'management'));
    const sigterm$ = cold(row(d, 'sigterm'));
    const sigkill$ = cold(row(d, 'sigkill'));
    const exited$ = hot(row(d, 'exited'));
    const replayed$ = new ReplaySubject<string>(1);
    if (replayExit) exited$.subscribe(replayed$);
    const steps: readonly StopStep[] = [
      {
        step: 'management-signal',
        act: () => management$,
        graceMs: STOP_MANAGEMENT_GRACE_MS,
      },
      { step: 'sigterm', act: () => sigterm$, graceMs: STOP_SIGTERM_GRACE_MS },
      { step: 'sigkill', act: () => sigkill$, graceMs: STOP_SIGKILL_GRACE_MS },
    ];
    const watched$ = replayExit ? recorded(replayed$, scheduler, replayedExitLogs) : exited$;
    const stop$ = stopEscalation(watched$, steps, { scheduler }).pipe(map(comparable));
    expectObservable(stop$, d.rows.get('stop')).toBe(row(d, 'expected'), d.values);
    expectSubscriptions(management$.subscriptions).toBe(row(d, 'managementSubs'));
    expectSubscriptions(sigterm$.subscriptions).toBe(row(d, 'sigtermSubs'));
    expectSubscriptions(sigkill$.subscriptions).toBe(row(d, 'sigkillSubs'));
    if (replayExit) {
      // Parsed inside run(): only there does `999ms` mean 999 frames.
      const expected = TestScheduler.parseMarblesAsSubscriptions(row(d, 'exitedSubs'), true);
      expectedReplayedExitLogs = [
        {
          subscribedFrame: expected.subscribedFrame,
          unsubscribedFrame: expected.unsubscribedFrame,
        },
      ];
    } else {
      expectSubscriptions(exited$.subscriptions).toBe(row(d, 'exitedSubs'));
    }
  });
  // The replayed exit is not a test observable: its log is compared once run() has flushed.
  expect(replayedExitLogs).toEqual(expectedReplayedExitLogs);
};

describe('stopEscalation, as drawn in marbles/stop-escalation.md', () => {
  it('finishes via the management signal when openvpn obeys it', () => {
    runDiagram(diagram(DOC, 'obeys the management signal'));
  });

  it('sends SIGTERM at once when the management signal fails', () => {
    runDiagram(diagram(DOC, 'management socket gone sends SIGTERM at once'));
  });

  it('escalates a hung process to SIGTERM, then SIGKILL, each after its grace', () => {
    runDiagram(diagram(DOC, 'hung process gets SIGTERM then SIGKILL'));
  });

  it('still finishes when the exit comes late in the SIGKILL grace', () => {
    runDiagram(diagram(DOC, 'exits during the SIGKILL grace'));
  });

  it('fails with STOP_FAILED when the process never exits', () => {
    runDiagram(diagram(DOC, 'never exits fails the stop'));
  });

  it('finishes at once, running no action, when the exit happened before', () => {
    runDiagram(diagram(DOC, 'already exited before the stop'), true);
  });

  it('cancels the pending grace and releases the exit on unsubscribe', () => {
    runDiagram(diagram(DOC, 'unsubscribing cancels the pending grace'));
  });
});

describe('stopEscalation actions', () => {
  it('moves on at once when an action throws instead of returning', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const sigterm$ = cold('|');
      const steps: readonly StopStep[] = [
        {
          step: 'management-signal',
          act: () => {
            throw new Error('socket closed');
          },
          graceMs: 5_000,
        },
        { step: 'sigterm', act: () => sigterm$, graceMs: 3_000 },
      ];
      const exited$ = cold('- 99ms x');
      expectObservable(stopEscalation(exited$, steps)).toBe('(ab) 96ms (f|)', {
        a: { kind: 'StopStepStarted', step: 'management-signal' },
        b: { kind: 'StopStepStarted', step: 'sigterm' },
        f: { kind: 'StopFinished', via: 'sigterm', elapsedMs: 100 },
      });
      expectSubscriptions(sigterm$.subscriptions).toBe('(^!)');
    });
  });

  it('accepts actions that act synchronously and return nothing', () => {
    const signals: string[] = [];
    const steps: readonly StopStep[] = [
      {
        step: 'sigterm',
        act: () => {
          signals.push('SIGTERM');
        },
        graceMs: 3_000,
      },
    ];
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const stop$ = stopEscalation(cold('- 9ms x'), steps, { scheduler });
      expectObservable(stop$).toBe('a 9ms (f|)', {
        a: { kind: 'StopStepStarted', step: 'sigterm' },
        f: { kind: 'StopFinished', via: 'sigterm', elapsedMs: 10 },
      });
    });
    expect(signals).toEqual(['SIGTERM']);
  });

  it('reports STOP_FAILED at once when there is no step at all', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const stop$ = stopEscalation(cold('-'), []);
      expectObservable(stop$.pipe(map(comparable))).toBe('(f|)', {
        f: {
          kind: 'StopFailed',
          error: { code: 'STOP_FAILED', details: { steps: [], elapsedMs: 0 } },
        },
      });
    });
  });
});
