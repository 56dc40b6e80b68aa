import {
  EMPTY,
  asyncScheduler,
  distinctUntilChanged,
  switchMap,
  timer,
  type Observable,
  type SchedulerLike,
} from 'rxjs';

/**
 * Ticks every `intervalMs` (the first at once) while `active$` last said true, and not at all
 * otherwise: a poll timer that runs only while it has something to read.
 */
export function pollWhile(
  active$: Observable<boolean>,
  intervalMs: number,
  scheduler: SchedulerLike = asyncScheduler,
): Observable<number> {
  return active$.pipe(
    distinctUntilChanged(),
    switchMap((active) => (active ? timer(0, intervalMs, scheduler) : EMPTY)),
  );
}
