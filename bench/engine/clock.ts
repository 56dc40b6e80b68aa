import { setTimeout as sleepFor } from 'node:timers/promises';

/** A monotonic timestamp in nanoseconds; every figure of this benchmark is a difference of two. */
export const stamp = (): bigint => process.hrtime.bigint();

const NS_PER_MS = 1e6;

/** Milliseconds from `from` to `to`. */
export const msBetween = (from: bigint, to: bigint): number => Number(to - from) / NS_PER_MS;

/** Waits `ms`; rejects at once when `signal` aborts (Ctrl-C), so `finally` blocks clean up. */
export const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  sleepFor(ms, undefined, { signal });

/**
 * Resolves with `promise`, or rejects when `ms` pass first (naming `what`) or `signal` aborts.
 * A benchmark that waits forever on a lost event reports nothing; this makes it fail instead.
 */
export async function within<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  signal: AbortSignal,
): Promise<T> {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.race([
      promise,
      sleepFor(ms, undefined, { signal: controller.signal }).then(() => {
        throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      }),
    ]);
  } finally {
    signal.removeEventListener('abort', onAbort);
    controller.abort();
  }
}
