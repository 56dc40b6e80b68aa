import {
  asyncScheduler,
  defer,
  retry,
  throwError,
  timer,
  type Observable,
  type SchedulerLike,
} from 'rxjs';
import { isVpnError, type ErrorCode } from '../core/errors.js';

/** How often, and how patiently, to try reaching a management interface. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** Delay before the second attempt; each later delay doubles it. */
  readonly initialDelayMs: number;
  /** Cap on one delay. */
  readonly maxDelayMs: number;
}

/** openvpn creates its management socket a few ms after spawning; ten tries over ~5 s. */
export const MANAGEMENT_CONNECT_RETRY: RetryPolicy = {
  maxAttempts: 10,
  initialDelayMs: 50,
  maxDelayMs: 1_000,
};

/** Failures that another attempt cannot cure: a refused password, a value refused by the encoder. */
const FINAL_CODES: readonly ErrorCode[] = ['MANAGEMENT_AUTH_FAILED', 'ENCODE_REFUSED'];

const isFinal = (error: unknown): boolean => isVpnError(error) && FINAL_CODES.includes(error.code);

/** The delay before retry number `retryCount` (1-based) under `policy`. */
export const backoffDelayMs = (policy: RetryPolicy, retryCount: number): number =>
  Math.min(policy.initialDelayMs * 2 ** (retryCount - 1), policy.maxDelayMs);

/**
 * Subscribes to `attempt$` until it succeeds, retrying failures with exponential back-off on
 * `scheduler`; after `maxAttempts` failures the last error goes through. A refused password or
 * encoding (`MANAGEMENT_AUTH_FAILED`, `ENCODE_REFUSED`) goes through at once.
 */
export function connectWithRetry<T>(
  attempt$: Observable<T>,
  policy: RetryPolicy = MANAGEMENT_CONNECT_RETRY,
  scheduler: SchedulerLike = asyncScheduler,
): Observable<T> {
  return defer(() => attempt$).pipe(
    retry({
      count: Math.max(0, policy.maxAttempts - 1),
      delay: (error: unknown, retryCount: number) =>
        isFinal(error)
          ? throwError(() => error)
          : timer(backoffDelayMs(policy, retryCount), scheduler),
    }),
  );
}
