import { describe, expect, it } from '@jest/globals';
import { TestScheduler } from 'rxjs/testing';
import { demoSchedule$ } from '../../../src/cli/commands/demo-schedule.js';

const newScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });

const ACTIONS = { r: 'restart-server', s: 'stop' } as const;

describe('demoSchedule$', () => {
  it('restarts the server every chaos interval and ends with the stop at the duration', () => {
    const scheduler = newScheduler();
    scheduler.run(({ expectObservable }) => {
      const schedule$ = demoSchedule$({ durationMs: 25_000, chaosIntervalMs: 10_000, scheduler });
      expectObservable(schedule$).toBe('10s r 9999ms r 4999ms (s|)', ACTIONS);
    });
  });

  it('stops without a restart when the duration falls on a chaos tick', () => {
    const scheduler = newScheduler();
    scheduler.run(({ expectObservable }) => {
      const schedule$ = demoSchedule$({ durationMs: 20_000, chaosIntervalMs: 10_000, scheduler });
      expectObservable(schedule$).toBe('10s r 9999ms (s|)', ACTIONS);
    });
  });

  it('only stops when there is no chaos', () => {
    const scheduler = newScheduler();
    scheduler.run(({ expectObservable }) => {
      const schedule$ = demoSchedule$({ durationMs: 4_000, chaosIntervalMs: undefined, scheduler });
      expectObservable(schedule$).toBe('4s (s|)', ACTIONS);
    });
  });

  it('restarts until unsubscribed when there is no duration', () => {
    const scheduler = newScheduler();
    scheduler.run(({ expectObservable }) => {
      const schedule$ = demoSchedule$({ durationMs: undefined, chaosIntervalMs: 500, scheduler });
      expectObservable(schedule$, '1600ms !').toBe('500ms r 499ms r 499ms r', ACTIONS);
    });
  });

  it('does nothing at all without duration and chaos', () => {
    const scheduler = newScheduler();
    scheduler.run(({ expectObservable }) => {
      const schedule$ = demoSchedule$({
        durationMs: undefined,
        chaosIntervalMs: undefined,
        scheduler,
      });
      expectObservable(schedule$).toBe('|');
    });
  });
});
