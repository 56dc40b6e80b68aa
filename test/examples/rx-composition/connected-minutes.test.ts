import { describe, expect, it } from '@jest/globals';
import { TestScheduler } from 'rxjs/testing';
import { connectedMinutes } from '../../../examples/rx-composition/connected-minutes.js';
import type { VpnState } from '../../../src/state/vpn-state.js';

const newScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });

describe('connected minutes', () => {
  it('counts whole minutes from the connection and stops when it drops', () => {
    const scheduler = newScheduler();
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const states: Record<string, VpnState> = {
        s: { phase: 'starting', at: 0 },
        c: { phase: 'connected', at: 1, since: 1 },
        r: { phase: 'reconnecting', at: 0, reason: 'ping-restart', rawReason: 'x', attempt: 1 },
      };
      const state$ = hot('  sc 2m 30s r', states);
      const stateSubs = '   ^';
      const expected = '    uz 59999ms a 59999ms b 30s u';
      expectObservable(state$.pipe(connectedMinutes(scheduler))).toBe(expected, {
        u: undefined,
        z: 0,
        a: 1,
        b: 2,
      });
      expectSubscriptions(state$.subscriptions).toBe(stateSubs);
    });
  });

  it('counts from `since`, not from when the state arrived', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      // Subscribed late: connected since frame 0, seen 90 s later.
      const connected: VpnState = { phase: 'connected', at: 0, since: 0 };
      const state$ = cold('90s c', { c: connected });
      expectObservable(state$.pipe(connectedMinutes(scheduler)), '^ 150s !').toBe(
        '90s a 29999ms b',
        {
          a: 1,
          b: 2,
        },
      );
    });
  });

  it('emits a repeated connected state once', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const states: Record<string, VpnState> = {
        c: { phase: 'connected', at: 0, since: 0 },
        d: { phase: 'connected', at: 10_000, since: 0 },
      };
      const state$ = cold('c 10s d', states);
      expectObservable(state$.pipe(connectedMinutes(scheduler)), '^ 30s !').toBe('z', { z: 0 });
    });
  });
});
