import { EMPTY, concat, filter, map, merge, of, switchMap, take, type Observable } from 'rxjs';
import type { StopKind } from './tunnel.js';
import type { TunnelOutput } from './tunnel-output.js';

/** A request to stop: the consumer's own (`requested`), or the engine's. */
export interface StopRequest {
  readonly kind: StopKind;
  readonly requested: boolean;
}

/**
 * How stop requests become a stop: the first one counts (`StopRequested` shown for the
 * consumer's own) and runs `escalate(kind)`; a later request for a kill replaces a ladder in
 * progress with `escalate('kill')`.
 */
export function stopOnRequest(
  request$: Observable<StopRequest>,
  later$: Observable<StopKind>,
  escalate: (kind: StopKind) => Observable<TunnelOutput>,
  now: () => number,
): Observable<TunnelOutput> {
  return request$.pipe(
    take(1),
    switchMap((first) => {
      const requested$: Observable<TunnelOutput> = first.requested
        ? of({ channel: 'event', event: { kind: 'StopRequested', at: now() } })
        : EMPTY;
      const kill$ = later$.pipe(
        filter((kind) => kind === 'kill'),
        take(1),
        map(() => undefined),
      );
      return concat(
        requested$,
        merge(escalate(first.kind), kill$).pipe(
          switchMap((output) => (output === undefined ? escalate('kill') : of(output))),
        ),
      );
    }),
  );
}
