import { BehaviorSubject, defer, distinctUntilChanged, finalize, map, type Observable } from 'rxjs';

/** Whether anyone watches a stream; see {@link createDemand}. */
export interface Demand {
  /** True while at least one subscription made through {@link Demand.track} is open. */
  readonly active$: Observable<boolean>;
  /** `source$`, counting its subscribers. */
  track<T>(source$: Observable<T>): Observable<T>;
}

/**
 * Counts the subscribers of a stream so that the work feeding it can run only while it is
 * watched: the tunnel device's counters cost a `status` command (and a line in openvpn's log)
 * per poll, which nobody should pay for when no one reads them.
 */
export function createDemand(): Demand {
  const watchers$ = new BehaviorSubject(0);
  return {
    active$: watchers$.pipe(
      map((count) => count > 0),
      distinctUntilChanged(),
    ),
    track: (source$) =>
      defer(() => {
        watchers$.next(watchers$.value + 1);
        return source$;
      }).pipe(finalize(() => watchers$.next(watchers$.value - 1))),
  };
}
