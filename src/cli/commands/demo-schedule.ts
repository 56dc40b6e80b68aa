import { EMPTY, interval, map, merge, takeWhile, timer, type Observable } from 'rxjs';
import type { SchedulerLike } from 'rxjs';

/** What the demo does on its own while it runs. */
export type DemoAction = 'restart-server' | 'stop';

/** Options of {@link demoSchedule$}. */
export interface DemoScheduleOptions {
  /** `--duration`: stop after this long; `undefined` runs until interrupted. */
  readonly durationMs: number | undefined;
  /** `--chaos`: restart the server every this many ms; `undefined` never does. */
  readonly chaosIntervalMs: number | undefined;
  readonly scheduler: SchedulerLike;
}

/**
 * The demo's own timeline, counted from its subscription: a `restart-server` every chaos
 * interval, and `stop` once the duration is up, which ends the schedule (no restart after it).
 */
export function demoSchedule$(options: DemoScheduleOptions): Observable<DemoAction> {
  const { durationMs, chaosIntervalMs, scheduler } = options;
  const restart$ =
    chaosIntervalMs === undefined
      ? EMPTY
      : interval(chaosIntervalMs, scheduler).pipe(map((): DemoAction => 'restart-server'));
  const stop$ =
    durationMs === undefined
      ? EMPTY
      : timer(durationMs, scheduler).pipe(map((): DemoAction => 'stop'));
  return merge(stop$, restart$).pipe(takeWhile((action) => action !== 'stop', true));
}
