import { describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { defer, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  DEFAULT_BACKOFF,
  backoffDelayMs,
  isRetryScheduled,
  reconnectWithBackoff,
  type BackoffPolicy,
} from '../../../examples/rx-composition/reconnect-with-backoff.js';
import type { VpnState } from '../../../src/state/vpn-state.js';
import { diagram, loadMarbleDoc, row, type MarbleDiagram } from '../../support/marble-doc.js';

const DOC = loadMarbleDoc(
  fileURLToPath(new URL('../../../marbles/backoff-example.md', import.meta.url)),
);

/** The policy the document states in its prose. */
const DOC_POLICY: BackoffPolicy = { initialDelayMs: 1000, maxDelayMs: 4000, stableAfterMs: 10000 };

/** The `runN` rows of a diagram, in order. */
const runRows = (d: MarbleDiagram): string[] => {
  const names: string[] = [];
  while (d.rows.has(`run${names.length + 1}`)) names.push(`run${names.length + 1}`);
  return names;
};

const run = (title: string): void => {
  const d = diagram(DOC, title);
  let started = 0;
  const scheduler = new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });
  scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
    const values = d.values as Record<string, VpnState>;
    const runs = runRows(d).map((name) => ({ name, run$: cold(row(d, name), values) }));
    const session$: Observable<VpnState> = defer(() => {
      const next = runs[started];
      started += 1;
      if (next === undefined) throw new Error(`session ${started} is not in the diagram`);
      return next.run$;
    });
    const consumer = d.rows.get('consumer');
    expectObservable(session$.pipe(reconnectWithBackoff(DOC_POLICY, scheduler)), consumer).toBe(
      row(d, 'result'),
      d.values,
    );
    for (const { name, run$ } of runs) {
      expectSubscriptions(run$.subscriptions).toBe(row(d, `${name}Subs`));
    }
  });
  // A session the diagram does not draw may start after the consumer left: none did.
  expect(started).toBe(runRows(d).length);
};

describe('reconnect with back-off (marbles/backoff-example.md)', () => {
  it.each(DOC.map((d) => d.title))('%s', (title) => {
    run(title);
  });

  it('covers every diagram of the document', () => {
    expect(DOC.map((d) => d.title)).toEqual([
      'failures in a row back off up to the cap',
      'a stable connection resets the back-off',
      'a short connection keeps the back-off growing',
      'a stopped session ends the loop',
      'unsubscribing drops a pending retry',
    ]);
  });
});

describe('backoffDelayMs', () => {
  it('doubles from the initial delay and stops at the cap', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) =>
      backoffDelayMs(DEFAULT_BACKOFF, attempt),
    );
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  });
});

describe('isRetryScheduled', () => {
  it('tells a retry decision from a state', () => {
    expect(isRetryScheduled({ kind: 'RetryScheduled', attempt: 1, delayMs: 1000 })).toBe(true);
    expect(isRetryScheduled({ phase: 'idle', at: 0 })).toBe(false);
  });
});
