import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { catchError, concat, defer, of, throwError, type Observable } from 'rxjs';
import { TestScheduler, type RunHelpers } from 'rxjs/testing';
import { VpnError, isVpnError, type ErrorCode } from '../../src/core/errors.js';
import {
  MANAGEMENT_CONNECT_RETRY,
  backoffDelayMs,
  connectWithRetry,
  type RetryPolicy,
} from '../../src/management/connect-with-retry.js';
import type { MarbleDiagram } from '../support/marble-doc.js';
import { diagram, loadMarbleDoc, row } from '../support/marble-doc.js';

const DOC = loadMarbleDoc(
  fileURLToPath(new URL('../../marbles/management-connect.md', import.meta.url)),
);

/** Stands for every error in a marble row; the value drawn before `#` tells them apart. */
const FAILED = 'failed';

const newScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });

const refusal = (attempt: number, code: ErrorCode = 'MANAGEMENT_UNREACHABLE'): VpnError =>
  new VpnError(code, `attempt ${attempt} refused`, { details: { attempt } });

/** Draws a failure as its code and details followed by `#`. */
const outcome = <T>(source$: Observable<T>): Observable<unknown> =>
  source$.pipe(
    catchError((error: unknown) =>
      concat(
        of(isVpnError(error) ? { code: error.code, details: error.details } : String(error)),
        throwError(() => FAILED),
      ),
    ),
  );

const attemptRows = (d: MarbleDiagram): string[] =>
  [...d.rows.keys()].filter((name) => /^attempt\d+$/.test(name));

/** Runs a diagram of the "Reaching the socket" part of marbles/management-connect.md. */
const runDiagram = (d: MarbleDiagram): void => {
  const scheduler = newScheduler();
  scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
    const code = d.values['r'] as ErrorCode | undefined;
    const attempts: ReturnType<RunHelpers['cold']>[] = attemptRows(d).map((name, index) =>
      cold(row(d, name), d.values, refusal(index + 1, code)),
    );
    let made = 0;
    const attempt$ = defer(() => {
      const next = attempts[made];
      made += 1;
      if (next === undefined) throw new Error(`attempt ${made} is not drawn`);
      return next;
    });
    const policy = (d.values['p'] as RetryPolicy | undefined) ?? MANAGEMENT_CONNECT_RETRY;
    const connect$ = connectWithRetry(attempt$, policy, scheduler);
    expectObservable(outcome(connect$), d.rows.get('connectSub')).toBe(
      row(d, 'connect'),
      d.values,
      FAILED,
    );
    attempts.forEach((attempt, index) => {
      expectSubscriptions(attempt.subscriptions).toBe(row(d, `subs${index + 1}`));
    });
  });
};

describe('connectWithRetry, as drawn in marbles/management-connect.md', () => {
  it('retries refused attempts with a doubling delay counted from each failure', () => {
    runDiagram(diagram(DOC, 'reached on the third attempt'));
  });

  it('caps the delay and reports the last error after the last attempt', () => {
    runDiagram(diagram(DOC, 'gives up with the last error'));
  });

  it('cancels the pending retry when the consumer unsubscribes', () => {
    runDiagram(diagram(DOC, 'unsubscribing cancels the pending retry'));
  });

  it('lets a refused password through without retrying', () => {
    runDiagram(diagram(DOC, 'a refused password is not retried'));
  });
});

describe('the default retry policy', () => {
  it('waits 50 ms, doubling up to 1 s, between ten attempts', () => {
    const delays = Array.from({ length: MANAGEMENT_CONNECT_RETRY.maxAttempts - 1 }, (_, i) =>
      backoffDelayMs(MANAGEMENT_CONNECT_RETRY, i + 1),
    );
    expect(delays).toEqual([50, 100, 200, 400, 800, 1000, 1000, 1000, 1000]);
  });

  it('gives up 5.55 s after the first of ten refused attempts', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const attempt$ = cold('#', undefined, refusal(1));
      expectObservable(outcome(connectWithRetry(attempt$))).toBe(
        '5550ms (E#)',
        { E: { code: 'MANAGEMENT_UNREACHABLE', details: { attempt: 1 } } },
        FAILED,
      );
    });
  });

  it('lets a refused encoding through without retrying', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const attempt$ = cold('#', undefined, refusal(1, 'ENCODE_REFUSED'));
      expectObservable(outcome(connectWithRetry(attempt$))).toBe(
        '(E#)',
        { E: { code: 'ENCODE_REFUSED', details: { attempt: 1 } } },
        FAILED,
      );
      expectSubscriptions(attempt$.subscriptions).toBe('(^!)');
    });
  });

  it('makes one attempt only when maxAttempts is 1', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const attempt$ = cold('#', undefined, refusal(1));
      const policy: RetryPolicy = { maxAttempts: 1, initialDelayMs: 50, maxDelayMs: 1_000 };
      expectObservable(outcome(connectWithRetry(attempt$, policy))).toBe(
        '(E#)',
        { E: { code: 'MANAGEMENT_UNREACHABLE', details: { attempt: 1 } } },
        FAILED,
      );
      expectSubscriptions(attempt$.subscriptions).toBe('(^!)');
    });
  });
});
