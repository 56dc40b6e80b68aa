import {
  BehaviorSubject,
  EMPTY,
  Observable,
  Subject,
  asyncScheduler,
  distinctUntilChanged,
  filter,
  map,
  of,
  scan,
  shareReplay,
  switchMap,
  takeUntil,
  timer,
  type SchedulerLike,
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
 * Opt-in: start a new run after openvpn crashed (`failed` with PROCESS_EXITED), after
 * `delayMs`, at most `maxRestarts` times in a row; a connection resets the count and a
 * requested stop cancels a pending restart.
 */
export interface CrashRestartPolicy {
  readonly maxRestarts: number;
  readonly delayMs: number;
}

/** How the controller runs, beyond the engine options. */
export interface ControllerOptions {
  readonly restartAfterCrash?: CrashRestartPolicy;
  readonly scheduler?: SchedulerLike;
  /** Starts one run; the engine's {@link startTunnel} unless a test passes a fake. */
  readonly startTunnel?: (options: EngineOptions, deps: EngineDeps) => Tunnel;
}

type CrashCount = { readonly crashes: number; readonly crashed: boolean };

/**
 * A controller over {@link startTunnel}: each `start` is one run of the same pipeline as
 * `vpnState$`, and `state$` switches to the live run's state.
 */
export function createVpnController(
  options: EngineOptions,
  deps: EngineDeps = {},
  controller: ControllerOptions = {},
): VpnController {
  const now = deps.now ?? (() => Date.now());
  const begin = controller.startTunnel ?? startTunnel;
  const run$ = new BehaviorSubject<Tunnel | undefined>(undefined);
  const stopRequested$ = new Subject<void>();
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

  const start = (): void => {
    if (live() !== undefined) return;
    run$.next(begin(options, deps));
  };

  const policy = controller.restartAfterCrash;
  if (policy !== undefined) {
    state$
      .pipe(
        scan(
          (count: CrashCount, state): CrashCount => {
            if (state.phase === 'connected') return { crashes: 0, crashed: false };
            const crashed = state.phase === 'failed' && state.error.code === 'PROCESS_EXITED';
            return { crashes: count.crashes + (crashed ? 1 : 0), crashed };
          },
          { crashes: 0, crashed: false },
        ),
        filter(({ crashes, crashed }) => crashed && crashes <= policy.maxRestarts),
        switchMap(() =>
          timer(policy.delayMs, controller.scheduler ?? asyncScheduler).pipe(
            takeUntil(stopRequested$),
          ),
        ),
      )
      .subscribe(start);
  }

  const stop = async (kind: StopKind = 'graceful'): Promise<VpnState> => {
    stopRequested$.next();
    const tunnel = run$.value;
    if (tunnel === undefined) return latest;
    tunnel.stop(kind);
    return tunnel.done;
  };

  return {
    state$,
    traffic$: run$.pipe(switchMap((tunnel) => tunnel?.traffic$ ?? EMPTY)),
    log$: run$.pipe(switchMap((tunnel) => tunnel?.log$ ?? EMPTY)),
    start,
    stop,
    restart: async () => {
      await stop();
      run$.next(begin(options, deps));
    },
  };
}
