import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { catchError, concat, defer, of, throwError, type Observable } from 'rxjs';
import { TestScheduler, type RunHelpers } from 'rxjs/testing';
import { VpnError, isVpnError, type ErrorCode } from '../../src/core/errors.js';
import { ATTACH_RETRY } from '../../src/engine/attach-options.js';
import { reachWithin } from '../../src/engine/reach-management.js';
import type { RetryPolicy } from '../../src/management/connect-with-retry.js';
import { diagram, loadMarbleDoc, row, type MarbleDiagram } from '../support/marble-doc.js';

const DOC = loadMarbleDoc(fileURLToPath(new URL('../../marbles/attach.md', import.meta.url)));

/** Stands for every error in a marble row; the value drawn before `#` tells them apart. */
const FAILED = 'failed';

const refusal = (attempt: number, code: ErrorCode = 'MANAGEMENT_UNREACHABLE'): VpnError =>
  new VpnError(code, `attempt ${attempt} refused`, { details: { attempt } });

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

const run = (title: string): void => {
  const d = diagram(DOC, title);
  const scheduler = new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });
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
    const policy = (d.values['p'] as RetryPolicy | undefined) ?? ATTACH_RETRY;
    const deadlineMs = d.values['d'] as number;
    expectObservable(outcome(reachWithin(attempt$, policy, deadlineMs, scheduler))).toBe(
      row(d, 'reach'),
      d.values,
      FAILED,
    );
    attempts.forEach((attempt, index) => {
      expectSubscriptions(attempt.subscriptions).toBe(row(d, `subs${index + 1}`));
    });
  });
};

describe('reaching an attached openvpn (marbles/attach.md)', () => {
  it.each(DOC.map((d) => d.title))('%s', (title) => {
    run(title);
  });

  it('covers every diagram of the document', () => {
    expect(DOC.map((d) => d.title)).toEqual([
      'reached again before the deadline',
      'unreachable past the deadline',
      'an attempt waiting at the deadline is abandoned',
      'a refused password ends it at once',
      'once openvpn is leaving one refusal is final',
    ]);
  });

  it('keeps the last refusal as the cause of MANAGEMENT_UNREACHABLE', () => {
    new TestScheduler(() => undefined).run(({ cold, flush }) => {
      let caught: unknown;
      reachWithin(cold('#', undefined, refusal(1)), ATTACH_RETRY, 50).subscribe({
        error: (error: unknown) => (caught = error),
      });
      flush();
      expect(caught).toMatchObject({ code: 'MANAGEMENT_UNREACHABLE' });
      expect((caught as Error).cause).toMatchObject({ details: { attempt: 1 } });
    });
  });
});
