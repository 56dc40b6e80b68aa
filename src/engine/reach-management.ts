import { asyncScheduler, defer, tap, throwError, timeout, type Observable } from 'rxjs';
import type { SchedulerLike } from 'rxjs';
import { VpnError } from '../core/errors.js';
import { connectWithRetry, type RetryPolicy } from '../management/connect-with-retry.js';

/**
 * Reaches a management interface that should be there: retries `attempt$` with the back-off of
 * `policy` until it succeeds or `deadlineMs` has passed since the subscription, and then fails
 * with `MANAGEMENT_UNREACHABLE` carrying the last refusal as its cause. A failure no retry can
 * cure (a refused password) goes through at once, as in `connectWithRetry`. See
 * `marbles/attach.md`.
 */
export function reachWithin<T>(
  attempt$: Observable<T>,
  policy: RetryPolicy,
  deadlineMs: number,
  scheduler: SchedulerLike = asyncScheduler,
): Observable<T> {
  return defer(() => {
    let last: unknown;
    return connectWithRetry(
      attempt$.pipe(tap({ error: (error: unknown) => (last = error) })),
      policy,
      scheduler,
    ).pipe(
      timeout({
        first: deadlineMs,
        scheduler,
        with: () => throwError(() => unreachable(deadlineMs, last)),
      }),
    );
  });
}

const unreachable = (deadlineMs: number, last: unknown): VpnError<'MANAGEMENT_UNREACHABLE'> =>
  new VpnError(
    'MANAGEMENT_UNREACHABLE',
    `openvpn's management interface could not be reached for ${deadlineMs} ms` +
      (last instanceof Error ? ` (${last.message})` : ''),
    { details: { deadlineMs }, ...(last === undefined ? {} : { cause: last }) },
  );
