import { asyncScheduler, map, switchMap, timer, type Observable, type SchedulerLike } from 'rxjs';

/**
 * When to release openvpn's hold. openvpn re-enters the hold after every restart and announces
 * how long it would have waited on its own (`>HOLD:Waiting for hold release:N`, its
 * connect-retry back-off); releasing after those N seconds keeps openvpn's own pacing. A new
 * hold replaces a pending release.
 */
export function holdReleaseSchedule<H extends { readonly waitSeconds: number | undefined }>(
  hold$: Observable<H>,
  scheduler: SchedulerLike = asyncScheduler,
): Observable<H> {
  return hold$.pipe(
    switchMap((hold) => timer((hold.waitSeconds ?? 0) * 1_000, scheduler).pipe(map(() => hold))),
  );
}
