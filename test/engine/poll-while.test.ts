import { describe, expect, it } from '@jest/globals';
import { TestScheduler } from 'rxjs/testing';
import { pollWhile } from '../../src/engine/poll-while.js';

const scheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });

describe('pollWhile', () => {
  it('ticks at once and every interval while active, and stops when inactive', () => {
    const test = scheduler();
    test.run(({ hot, expectObservable, expectSubscriptions }) => {
      const active$ = hot('  t 2999ms - 2s f 5s t 999ms f |', { t: true, f: false });
      const subs = '        ^ 2999ms - 2s - 5s - 999ms - !';
      const expected = '    a 2999ms b 2s - 5s c 999ms - |';
      expectObservable(pollWhile(active$, 3_000, test)).toBe(expected, { a: 0, b: 1, c: 0 });
      expectSubscriptions(active$.subscriptions).toBe(subs);
    });
  });

  it('does not restart the timer when told it is active again', () => {
    const test = scheduler();
    test.run(({ hot, expectObservable }) => {
      const active$ = hot('t 999ms t 1999ms - 2s f', { t: true, f: false });
      const expected = '   a 999ms - 1999ms b 2s -';
      expectObservable(pollWhile(active$, 3_000, test)).toBe(expected, { a: 0, b: 1 });
    });
  });
});
