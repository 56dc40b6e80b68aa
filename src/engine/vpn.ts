import {
  Observable,
  ReplaySubject,
  asyncScheduler,
  catchError,
  endWith,
  merge,
  take,
  takeUntil,
  concat,
  defer,
  ignoreElements,
  map,
  of,
  share,
  switchMap,
} from 'rxjs';
import { isVpnError } from '../core/errors.js';
import { silentLogger } from '../core/logger.js';
import { procfsProcessInfo } from '../process/process-info.js';
import { createProcessTable } from '../process/instances-table.js';
import { inlineUsername } from '../profile/inline-username.js';
import type { Traffic } from '../state/traffic.js';
import { vpnFailure } from '../state/vpn-failure.js';
import type { VpnState } from '../state/vpn-state.js';
import {
  BYTECOUNT_INTERVAL_S,
  DEFAULT_APP_ID,
  type EngineDeps,
  type EngineOptions,
  type StopDeadlines,
} from './engine-options.js';
import { createDemand } from './demand.js';
import { hostSignalGuard } from './host-signals.js';
import { installExitHook } from './live-tunnels.js';
import { tunnelHandle } from './tunnel-handle.js';
import { prepareStart } from './prepare.js';
import { runTunnel, type StopKind } from './tunnel.js';
import type { LogRecord, TunTrafficSample, TunnelOutput } from './tunnel-output.js';
import {
  STOP_MANAGEMENT_GRACE_MS,
  STOP_SIGKILL_GRACE_MS,
  STOP_SIGTERM_GRACE_MS,
} from '../process/stop-escalation.js';

/** The default stop deadlines: a hung openvpn is gone within their sum (10 s). */
export const DEFAULT_STOP_DEADLINES: StopDeadlines = {
  managementMs: STOP_MANAGEMENT_GRACE_MS,
  sigtermMs: STOP_SIGTERM_GRACE_MS,
  sigkillMs: STOP_SIGKILL_GRACE_MS,
};

/** A running tunnel: its streams and how to stop it. */
export interface Tunnel {
  /** The state; replays the latest to late subscribers; completes at `stopped`/`failed`. */
  readonly state$: Observable<VpnState>;
  /** Traffic totals and rates from `>BYTECOUNT`. */
  readonly traffic$: Observable<Traffic>;
  /** openvpn's log: `>LOG` lines and its stdout/stderr. */
  readonly log$: Observable<LogRecord>;
  /**
   * The tunnel device's counters, read with `status` while connected and subscribed to (latest
   * replayed; a first subscriber triggers a read at once).
   */
  readonly tunTraffic$: Observable<TunTrafficSample>;
  /** The openvpn process id, once spawned, or as an attached openvpn reports it (replayed). */
  readonly pid$: Observable<number>;
  /** Asks for a stop; a `kill` (or a second request for one) skips to SIGKILL. */
  stop(kind?: StopKind): void;
  /** Resolves with the final state once openvpn has exited and everything is cleaned up. */
  readonly done: Promise<VpnState>;
}

/**
 * Starts a tunnel now and returns its handle. Everything runs in one Rx pipeline: the start
 * checks, the process, the management session and the stop escalation; the state is the
 * reduction of their events.
 */
export function startTunnel(options: EngineOptions, deps: EngineDeps = {}): Tunnel {
  const scheduler = options.scheduler ?? asyncScheduler;
  const logger = options.logger ?? silentLogger;
  const now = deps.now ?? (() => scheduler.now());
  const processInfo = deps.processInfo ?? procfsProcessInfo();
  const processTable = deps.processTable ?? createProcessTable();
  const profileUsername = inlineUsername(options.profile);
  const stop$ = new ReplaySubject<StopKind>();
  const tunDemand = createDemand();
  let stopRequested = false;
  installExitHook();

  const run$: Observable<TunnelOutput> = concat(
    of<TunnelOutput>({ channel: 'event', event: { kind: 'StartRequested', at: now() } }),
    defer(async () => {
      const startTime = processInfo.startTime(process.pid);
      if (startTime === undefined) throw new Error('cannot read this process start time');
      return prepareStart({
        options,
        appId: options.appId ?? DEFAULT_APP_ID,
        engine: { pid: process.pid, startTime },
        processTable,
        processInfo,
        ...(deps.fileExists === undefined ? {} : { fileExists: deps.fileExists }),
        envPath: deps.envPath ?? process.env['PATH'],
        runtimeBase: deps.runtimeBase,
        scheduler,
        logger,
      });
    }).pipe(
      switchMap((prepared) =>
        stopRequested
          ? // Stopped during the start checks: nothing was spawned, only clean up.
            concat(
              of<TunnelOutput>({ channel: 'event', event: { kind: 'StopRequested', at: now() } }),
              defer(() => prepared.cleanup()).pipe(ignoreElements()),
              of<TunnelOutput>({ channel: 'event', event: { kind: 'StartCancelled', at: now() } }),
            )
          : runTunnel(
              {
                prepared,
                launcher: options.launcher ?? { kind: 'direct' },
                deadlines: { ...DEFAULT_STOP_DEADLINES, ...options.stop },
                credentials: options.credentials,
                ...(options.statusPollMs === undefined
                  ? {}
                  : { statusPollMs: options.statusPollMs }),
                ...(options.transcript === undefined ? {} : { transcript: options.transcript }),
                ...(options.remotePolicy === undefined
                  ? {}
                  : { remotePolicy: options.remotePolicy }),
                ...(options.proxyPolicy === undefined ? {} : { proxyPolicy: options.proxyPolicy }),
                ...(options.promptTimeoutMs === undefined
                  ? {}
                  : { promptTimeoutMs: options.promptTimeoutMs }),
                ...(profileUsername === undefined ? {} : { profileUsername }),
                bytecountIntervalS: options.bytecountIntervalS ?? BYTECOUNT_INTERVAL_S,
                managementLog: options.managementLog ?? false,
                tunDemand$: tunDemand.active$,
                spawner: deps.spawner,
                ...(deps.connector === undefined ? {} : { connector: deps.connector }),
                processInfo,
                now,
                scheduler,
                logger,
              },
              stop$,
            ),
      ),
      catchError((error: unknown) => {
        logger.warn('tunnel could not start', { code: isVpnError(error) ? error.code : 'UNKNOWN' });
        const failure = isVpnError(error)
          ? vpnFailure(error.code, error.message)
          : vpnFailure('SPAWN_FAILED', `could not start: ${String(error)}`);
        return of<TunnelOutput>({
          channel: 'event',
          event: { kind: 'StartFailed', at: now(), error: failure },
        });
      }),
    ),
  ).pipe(share());
  // A stop shows at once, even while the start checks (which may be stopping a stale
  // instance) are still running; the run itself reports it again when it acts on it.
  const earlyStop$ = stop$.pipe(
    take(1),
    map((): TunnelOutput => ({ channel: 'event', event: { kind: 'StopRequested', at: now() } })),
    takeUntil(run$.pipe(ignoreElements(), endWith(true))),
  );
  const output$ = merge(run$, earlyStop$).pipe(share());

  const stop = (kind: StopKind = 'graceful'): void => {
    stopRequested = true;
    stop$.next(kind);
  };
  const tunnel = tunnelHandle(output$, now, stop, tunDemand);
  if (options.stopOnHostSignals !== false) {
    (deps.hostSignalGuard ?? hostSignalGuard()).guard({ stop, done: tunnel.done, logger });
  }
  return tunnel;
}

/**
 * The tunnel as a cold Observable: subscribing starts openvpn, unsubscribing stops it (the stop
 * runs to its end in the background; nothing is left running).
 */
export function vpnState$(options: EngineOptions, deps: EngineDeps = {}): Observable<VpnState> {
  return new Observable<VpnState>((subscriber) => {
    const tunnel = startTunnel(options, deps);
    const subscription = tunnel.state$.subscribe(subscriber);
    return () => {
      subscription.unsubscribe();
      tunnel.stop();
    };
  });
}
