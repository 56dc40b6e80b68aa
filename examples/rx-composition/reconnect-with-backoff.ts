import {
  EMPTY,
  asyncScheduler,
  concat,
  defer,
  of,
  repeat,
  tap,
  timer,
  type OperatorFunction,
  type SchedulerLike,
} from 'rxjs';
import type { VpnState } from '../../src/index.js';

/** When a failed session is followed by a new one; see `marbles/backoff-example.md`. */
export interface BackoffPolicy {
  /** Wait before the first new session; each further failure in a row doubles it. */
  readonly initialDelayMs: number;
  /** The longest wait. */
  readonly maxDelayMs: number;
  /** A session connected at least this long counts as stable: the next failure starts over. */
  readonly stableAfterMs: number;
}

/** 1 s, 2 s, 4 s ... up to a minute; a minute connected resets it. */
export const DEFAULT_BACKOFF: BackoffPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 60_000,
  stableAfterMs: 60_000,
};

/** A session failed; the next one starts after `delayMs`. */
export interface RetryScheduled {
  readonly kind: 'RetryScheduled';
  /** Failures in a row, this one included. */
  readonly attempt: number;
  readonly delayMs: number;
}

/** What {@link reconnectWithBackoff} emits: the sessions' states and its own decisions. */
export type Supervised = VpnState | RetryScheduled;

/** Tells a {@link RetryScheduled} from a state. */
export const isRetryScheduled = (value: Supervised): value is RetryScheduled => 'kind' in value;

/** The wait before the session that follows `attempt` failures in a row. */
export const backoffDelayMs = (policy: BackoffPolicy, attempt: number): number =>
  Math.min(policy.initialDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);

/**
 * Follows a session that fails with a new subscription to the source (a cold `vpnState$`:
 * each subscription is a new openvpn), after a back-off. A session that ends `stopped` ends
 * the stream; unsubscribing drops a pending retry.
 */
export function reconnectWithBackoff(
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<VpnState, Supervised> {
  return (session$) =>
    defer(() => {
      // Per subscriber: failures in a row, and the retry the last session ended with, which
      // the repeat below waits for (none: the loop ends).
      let failures = 0;
      let retry: RetryScheduled | undefined;

      const oneSession$ = defer(() => {
        let last: VpnState | undefined;
        let connectedAt: number | undefined;
        let stable = false;
        const follow = (state: VpnState): void => {
          const now = scheduler.now();
          if (connectedAt !== undefined && now - connectedAt >= policy.stableAfterMs) stable = true;
          // openvpn may repeat `connected`; the connection dates from the first.
          connectedAt = state.phase === 'connected' ? (connectedAt ?? now) : undefined;
          last = state;
        };
        const ended$ = defer(() => {
          retry = undefined;
          if (last?.phase !== 'failed') return EMPTY;
          failures = stable ? 1 : failures + 1;
          retry = {
            kind: 'RetryScheduled',
            attempt: failures,
            delayMs: backoffDelayMs(policy, failures),
          };
          return of(retry);
        });
        return concat(session$.pipe(tap(follow)), ended$);
      });

      return oneSession$.pipe(
        repeat({ delay: () => (retry === undefined ? EMPTY : timer(retry.delayMs, scheduler)) }),
      );
    });
}
