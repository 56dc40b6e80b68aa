import {
  BehaviorSubject,
  EMPTY,
  Observable,
  distinctUntilChanged,
  map,
  of,
  shareReplay,
  switchMap,
} from 'rxjs';
import type { Traffic } from '../state/traffic.js';
import { idleState, isTerminal, type VpnState } from '../state/vpn-state.js';
import type { EngineDeps, EngineOptions } from './engine-options.js';
import type { StopKind } from './tunnel.js';
import type { LogRecord } from './tunnel-output.js';
import { startTunnel, type Tunnel } from './vpn.js';

/** An imperative handle for UIs with Connect and Disconnect buttons. */
export interface VpnController {
  /** The state across runs: `idle` before the first start, then each run's states. */
  readonly state$: Observable<VpnState>;
  /** The current run's traffic. */
  readonly traffic$: Observable<Traffic>;
  /** The current run's log. */
  readonly log$: Observable<LogRecord>;
  /** Starts a run unless one is live. */
  start(): void;
  /** Stops the live run; resolves with its final state (the latest state when none is live). */
  stop(kind?: StopKind): Promise<VpnState>;
  /** Stops the live run, then starts a new one. */
  restart(): Promise<void>;
}

/**
 * A controller over {@link startTunnel}: each `start` is one run of the same pipeline as
 * `vpnState$`, and `state$` switches to the live run's state.
 */
export function createVpnController(options: EngineOptions, deps: EngineDeps = {}): VpnController {
  const now = deps.now ?? (() => Date.now());
  const run$ = new BehaviorSubject<Tunnel | undefined>(undefined);
  let latest: VpnState = idleState(now());

  const state$ = run$.pipe(
    switchMap((tunnel) => (tunnel === undefined ? of(latest) : tunnel.state$)),
    distinctUntilChanged(),
    map((state) => (latest = state)),
    shareReplay({ bufferSize: 1, refCount: false }),
  );
  // Keeps `latest` current even while nobody watches.
  state$.subscribe();

  const live = (): Tunnel | undefined => {
    const tunnel = run$.value;
    return tunnel !== undefined && !isTerminal(latest) ? tunnel : undefined;
  };

  const stop = async (kind: StopKind = 'graceful'): Promise<VpnState> => {
    const tunnel = run$.value;
    if (tunnel === undefined) return latest;
    tunnel.stop(kind);
    return tunnel.done;
  };

  return {
    state$,
    traffic$: run$.pipe(switchMap((tunnel) => tunnel?.traffic$ ?? EMPTY)),
    log$: run$.pipe(switchMap((tunnel) => tunnel?.log$ ?? EMPTY)),
    start: () => {
      if (live() !== undefined) return;
      run$.next(startTunnel(options, deps));
    },
    stop,
    restart: async () => {
      await stop();
      run$.next(startTunnel(options, deps));
    },
  };
}
