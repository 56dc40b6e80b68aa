import { describe, expect, it } from '@jest/globals';
import { TestScheduler } from 'rxjs/testing';
import { createDemand } from '../../src/engine/demand.js';

const newScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });

describe('createDemand', () => {
  it('is active from the first watcher until the last one leaves', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const demand = createDemand();
      const source$ = cold('--a--b--c--d--e--');
      const tracked$ = demand.track(source$);
      expectObservable(demand.active$).toBe('f--t--------f', { f: false, t: true });
      expectObservable(tracked$, '---^--------!').toBe('-----a--b--c', {
        a: 'a',
        b: 'b',
        c: 'c',
      });
      expectObservable(tracked$, '------^---!').toBe('--------a--', { a: 'a' });
      expectSubscriptions(source$.subscriptions).toBe(['---^--------!', '------^---!']);
    });
  });
});
