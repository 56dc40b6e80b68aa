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
import type { AttachDeps, AttachOptions } from './attach-options.js';
import { attachTunnel, type AttachedTunnel } from './attach-tunnel.js';
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
  const begin = controller.startTunnel ?? startTunnel;
  return controlRuns(() => begin(options, deps), deps.now ?? (() => Date.now()), controller)
    .controller;
}

/** A controller over {@link attachTunnel}; `detach` lets go of the live run's openvpn. */
export interface AttachController extends VpnController {
  /** Detaches the live run, leaving openvpn running; resolves with its final state. */
  detach(): Promise<VpnState>;
}

/** How an attach controller runs; a test may pass a fake `attachTunnel`. */
export interface AttachControllerOptions extends Omit<ControllerOptions, 'startTunnel'> {
  readonly attachTunnel?: (options: AttachOptions, deps: AttachDeps) => AttachedTunnel;
}

/**
 * A controller over {@link attachTunnel}, for an openvpn that a helper or a service runs:
 * `start` attaches, `stop` stops openvpn, `detach` leaves it running. With
 * `restartAfterCrash`, a run that ended because openvpn exited attaches again after the delay
 * (a service that restarts openvpn brings it back).
 */
export function createAttachController(
  options: AttachOptions,
  deps: AttachDeps = {},
  controller: AttachControllerOptions = {},
): AttachController {
  const begin = controller.attachTunnel ?? attachTunnel;
  const runs = controlRuns(() => begin(options, deps), deps.now ?? (() => Date.now()), controller);
  return {
    ...runs.controller,
    detach: async () => {
      runs.cancelRestart();
      const tunnel = runs.current();
      if (tunnel === undefined) return runs.latest();
      tunnel.detach();
      return tunnel.done;
    },
  };
}

/** The runs behind a controller: each `start` calls `begin`, `state$` follows the live run. */
function controlRuns<T extends Tunnel>(
  begin: () => T,
  now: () => number,
  controller: Omit<ControllerOptions, 'startTunnel'>,
): {
  readonly controller: VpnController;
  readonly current: () => T | undefined;
  readonly latest: () => VpnState;
  /** Cancels a pending restart after a crash, as a stop does. */
  readonly cancelRestart: () => void;
} {
  const run$ = new BehaviorSubject<T | undefined>(undefined);
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

  const live = (): T | undefined => {
    const tunnel = run$.value;
    return tunnel !== undefined && !isTerminal(latest) ? tunnel : undefined;
  };

  const start = (): void => {
    if (live() !== undefined) return;
    run$.next(begin());
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
    controller: {
      state$,
      traffic$: run$.pipe(switchMap((tunnel) => tunnel?.traffic$ ?? EMPTY)),
      log$: run$.pipe(switchMap((tunnel) => tunnel?.log$ ?? EMPTY)),
      start,
      stop,
      restart: async () => {
        await stop();
        run$.next(begin());
      },
    },
    current: live,
    latest: () => latest,
    cancelRestart: () => stopRequested$.next(),
  };
}
