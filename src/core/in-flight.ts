/**
 * Wraps `load` so that calls made while one is under way share its promise instead of starting
 * another; the next call after it settles starts afresh. For reads that concurrent callers
 * want from the same moment, such as one listing of the processes for many starts at once.
 */
export function sharedWhileInFlight<T>(load: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  return () =>
    (inFlight ??= load().finally(() => {
      inFlight = undefined;
    }));
}

/** {@link sharedWhileInFlight} for a family of loads told apart by a key. */
export function sharedWhileInFlightByKey<T>(): (key: string, load: () => Promise<T>) => Promise<T> {
  const inFlight = new Map<string, Promise<T>>();
  return (key, load) => {
    const running = inFlight.get(key);
    if (running !== undefined) return running;
    const started = load().finally(() => inFlight.delete(key));
    inFlight.set(key, started);
    return started;
  };
}
