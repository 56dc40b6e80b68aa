import {
  type Observable,
  distinctUntilChanged,
  scan,
  shareReplay,
  startWith,
  takeWhile,
} from 'rxjs';
import type { EngineEvent } from './engine-event.js';
import { reduce } from './reduce.js';
import { sameState } from './same-state.js';
import { isTerminal, type VpnState } from './vpn-state.js';

/**
 * Folds engine events into the session's state stream. It starts with `initial`, never repeats
 * an unchanged state ({@link sameState}), and replays the latest state to every subscriber,
 * late ones included (ReplaySubject(1) semantics). The events are subscribed once, on the
 * first subscription, and kept while the session lives even if subscribers come and go, so the
 * state stays current; the stream completes, releasing `events$`, once the state is `stopped`
 * or `failed`, or when `events$` completes.
 */
export const toVpnState$ = (
  events$: Observable<EngineEvent>,
  initial: VpnState,
): Observable<VpnState> =>
  events$.pipe(
    scan(reduce, initial),
    startWith(initial),
    distinctUntilChanged(sameState),
    takeWhile((state) => !isTerminal(state), true),
    shareReplay({ bufferSize: 1, refCount: false }),
  );
