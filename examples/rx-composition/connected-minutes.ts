import {
  asyncScheduler,
  concat,
  defer,
  distinctUntilChanged,
  map,
  of,
  switchMap,
  timer,
  type OperatorFunction,
  type SchedulerLike,
} from 'rxjs';
import type { VpnState } from '../../src/index.js';

/** One minute. */
export const MINUTE_MS = 60_000;

/**
 * Whole minutes the tunnel has been connected, from `ConnectedState.since`, ticking on each
 * minute boundary; `undefined` while not connected. Emits on change only. `since` comes from
 * the engine's clock: give both the same scheduler.
 */
export function connectedMinutes(
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<VpnState, number | undefined> {
  return (state$) =>
    state$.pipe(
      switchMap((state) => {
        if (state.phase !== 'connected') return of(undefined);
        const minutes = (): number => Math.floor((scheduler.now() - state.since) / MINUTE_MS);
        return defer(() => {
          const elapsedMs = scheduler.now() - state.since;
          // The first tick waits for the next whole minute, then one a minute.
          const toNextMinuteMs = MINUTE_MS - (elapsedMs % MINUTE_MS);
          return concat(
            of(minutes()),
            timer(toNextMinuteMs, MINUTE_MS, scheduler).pipe(map(minutes)),
          );
        });
      }),
      distinctUntilChanged(),
    );
}
