import {
  EMPTY,
  Observable,
  ReplaySubject,
  Subject,
  catchError,
  concat,
  defer,
  finalize,
  from,
  ignoreElements,
  map,
  merge,
  mergeMap,
  of,
  repeat,
  share,
  switchMap,
  take,
  takeUntil,
  takeWhile,
  type SchedulerLike,
} from 'rxjs';
import { VpnError } from '../core/errors.js';
import type { LaunchCommand, Launcher } from '../launcher/launch-command.js';
import { launcherRefusal } from '../launcher/launcher-refusal.js';
import type { Logger } from '../core/logger.js';
import * as command from '../management/command.js';
import { connectWithRetry } from '../management/connect-with-retry.js';
import { attachSession, type ManagementSession } from '../management/session.js';
import {
  connectSocket,
  type ManagementSocket,
  type SocketConnector,
} from '../management/socket.js';
import { recordTranscript, type TranscriptLine } from '../management/transcript.js';
import type { ProcessEvent } from '../process/process-event.js';
import type { ProcessInfo } from '../process/process-info.js';
import { processStopSteps } from '../process/process-stop-steps.js';
import { spawnProcess } from '../process/spawn-process.js';
import { spawnTurn } from '../process/spawn-turns.js';
import type { Spawner } from '../process/spawner.js';
import { stopEscalation, type StopProgress } from '../process/stop-escalation.js';
import { classifyStdoutLine, stripLogPrefix } from '../process/stdout-event.js';
import type { EngineEvent } from '../state/engine-event.js';
import { vpnFailure } from '../state/vpn-failure.js';
import type { ProxyPolicy, RemotePolicy } from './connection-policies.js';
import type { CredentialsProvider } from './credentials.js';
import type { StopDeadlines } from './engine-options.js';
import { registerLivePid, unregisterLivePid } from './live-tunnels.js';
import { stopOnRequest } from './stop-requests.js';
import { driveManagement } from './management-driver.js';
import type { PreparedStart } from './prepare.js';
import { createProxyRefusalWatch } from './proxy-refusal.js';
import type { TunnelOutput } from './tunnel-output.js';

/** Lines of stderr kept to tell a launcher's refusal from openvpn's own exit. */
const STDERR_TAIL_LINES = 20;

/** Runs a launch command and reports the process; the engine's port to the operating system. */
export type ProcessRunner = (launch: LaunchCommand) => Observable<ProcessEvent>;

/** How a stop was asked for: `graceful` climbs the whole ladder, `kill` goes to SIGKILL. */
export type StopKind = 'graceful' | 'kill';

export interface TunnelContext {
  readonly prepared: PreparedStart;
  readonly launcher: Launcher;
  readonly deadlines: StopDeadlines;
  readonly credentials: CredentialsProvider | undefined;
  readonly remotePolicy?: RemotePolicy;
  readonly proxyPolicy?: ProxyPolicy;
  readonly promptTimeoutMs?: number;
  /** The username of a username-only `<auth-user-pass>` block (see prompt-answers). */
  readonly profileUsername?: string;
  readonly bytecountIntervalS: number;
  readonly statusPollMs?: number;
  /** `log on` too; see `EngineOptions.managementLog`. */
  readonly managementLog: boolean;
  readonly tunDemand$?: Observable<boolean>;
  readonly transcript?: (line: TranscriptLine) => void;
  readonly spawner: Spawner | undefined;
  /** Runs openvpn; by default spawns it (taking turns) and reads its pipes. */
  readonly runProcess?: ProcessRunner;
  readonly connector?: SocketConnector;
  readonly processInfo: ProcessInfo;
  /** Sends a signal to openvpn's pid; default `process.kill`. */
  readonly kill?: (pid: number, signal: NodeJS.Signals) => void;
  readonly now: () => number;
  readonly scheduler: SchedulerLike;
  readonly logger: Logger;
}

const event = (e: EngineEvent): TunnelOutput => ({ channel: 'event', event: e });

/**
 * One run of openvpn, from spawn to exit, as tunnel output. Completes after the process has
 * exited and the runtime directory is gone. `stop$` asks for a stop (the first value counts;
 * a second `kill` skips to SIGKILL). A start failure reported by the management side (an
 * unanswerable prompt) stops openvpn too.
 */
export function runTunnel(
  context: TunnelContext,
  stop$: Observable<StopKind>,
): Observable<TunnelOutput> {
  const { prepared, now, scheduler, logger } = context;
  return defer(() => {
    const exited$ = new ReplaySubject<true>(1);
    const session$ = new ReplaySubject<ManagementSession | undefined>(1);
    session$.next(undefined);
    const internalStop$ = new Subject<StopKind>();
    const spawned$ = new ReplaySubject<{ readonly pid: number; readonly startTime: number }>(1);
    let pid: number | undefined;
    const stderrTail: string[] = [];
    // openvpn retries a login the HTTP proxy refused for good: the start fails instead.
    const proxyRefusal = createProxyRefusalWatch();

    const process$ = (context.runProcess ?? defaultRunner(context))(prepared.launch).pipe(share());

    const processOutput$ = process$.pipe(
      mergeMap((e: ProcessEvent): Observable<TunnelOutput> => {
        switch (e.kind) {
          case 'ProcessSpawned':
            pid = e.pid;
            spawned$.next({ pid: e.pid, startTime: e.startTime });
            registerLivePid(e.pid);
            return of(event({ kind: 'ProcessSpawned', at: now(), pid: e.pid }));
          case 'StdoutLine':
          case 'StderrLine': {
            if (e.kind === 'StderrLine') {
              stderrTail.push(e.line);
              if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
            }
            const classified = classifyStdoutLine(e.line);
            const log: TunnelOutput = {
              channel: 'log',
              source: e.kind === 'StdoutLine' ? 'stdout' : 'stderr',
              // The record's `at` says when; openvpn's own timestamp would only repeat it.
              text: stripLogPrefix(e.line),
              at: now(),
            };
            const refused = e.kind === 'StdoutLine' ? proxyRefusal(e.line) : undefined;
            if (refused !== undefined) internalStop$.next('graceful');
            return of(
              log,
              ...(classified === undefined
                ? []
                : [event({ kind: 'StdoutLineClassified', at: now(), event: classified })]),
              ...(refused === undefined
                ? []
                : [event({ kind: 'StartFailed', at: now(), error: refused })]),
            );
          }
          case 'ProcessExited': {
            if (pid !== undefined) unregisterLivePid(pid);
            exited$.next(true);
            const exited = event({
              kind: 'ProcessExited',
              at: now(),
              code: e.code,
              signal: e.signal,
            });
            // sudo or pkexec refusing to elevate exits before openvpn ever ran.
            const refused = launcherRefusal(context.launcher, e.code, stderrTail);
            return refused === undefined
              ? of(exited)
              : of(
                  event({
                    kind: 'StartFailed',
                    at: now(),
                    error: vpnFailure(refused.code, refused.message),
                  }),
                  exited,
                );
          }
          case 'SpawnFailed':
            exited$.next(true);
            return of(
              event({
                kind: 'StartFailed',
                at: now(),
                error: vpnFailure(e.error.code, e.error.message),
              }),
            );
        }
      }),
    );

    const recorded = (socket: ManagementSocket): ManagementSocket =>
      context.transcript === undefined ? socket : recordTranscript(socket, context.transcript, now);

    // One attached session; when it ends, ManagementDetached, and stop requests fall back to
    // signals. The run ending (exit or unsubscribe) closes the link: it is ours to release,
    // not left for openvpn's side or the runtime directory's removal to cut.
    const drive = (session: ManagementSession): Observable<TunnelOutput> => {
      session$.next(session);
      return concat(
        driveManagement(session, context).pipe(takeUntil(session.end$)),
        defer(() => {
          session$.next(undefined);
          return of(event({ kind: 'ManagementDetached', at: now() }));
        }),
      ).pipe(finalize(() => session.close()));
    };

    const management$ = prepared.listener
      ? // dial-in: openvpn connects once; when the link drops, openvpn exits by itself.
        prepared.listener.connection$.pipe(
          take(1),
          switchMap((socket) => attachSession(recorded(socket), { scheduler, logger })),
          switchMap(drive),
        )
      : // listen: reach openvpn's socket with retry; reconnect after a drop, and the first
        // `state on all` of each session reconciles what was missed.
        defer(() =>
          connectWithRetry(
            (context.connector ?? connectSocket)({
              kind: 'unix',
              path: prepared.runtime.socketPath,
            }).pipe(switchMap((socket) => attachSession(recorded(socket), { scheduler, logger }))),
            undefined,
            scheduler,
          ),
        ).pipe(switchMap(drive), repeat());

    const managementOutput$ = management$.pipe(
      mergeMap((output) => {
        if (output.channel === 'event' && output.event.kind === 'StartFailed') {
          internalStop$.next('graceful');
        }
        return of(output);
      }),
      takeUntil(exited$),
      // Attaching can fail (openvpn died first, or never greeted): the process exit decides
      // what that means for the state.
      catchError((error: unknown) => {
        logger.warn('management link lost', {
          code: error instanceof VpnError ? error.code : 'UNKNOWN',
        });
        return EMPTY;
      }),
    );

    const stopRequests$ = merge(
      stop$.pipe(map((kind) => ({ kind, requested: true }))),
      internalStop$.pipe(map((kind) => ({ kind, requested: false }))),
    );
    const stopping$ = stopOnRequest(
      stopRequests$,
      stop$,
      (kind) => escalation(kind).pipe(mergeMap(toStopOutput)),
      now,
    ).pipe(takeUntil(exited$));

    // A stop asked for before the spawn waits for it; a failed spawn ends it via exited$.
    const escalation = (kind: StopKind): Observable<StopProgress> =>
      spawned$.pipe(
        take(1),
        switchMap((target) =>
          session$.pipe(
            take(1),
            map((session) => ({ target, session })),
          ),
        ),
        switchMap(({ target, session }) => {
          const all = processStopSteps({
            target,
            ...(session === undefined
              ? {}
              : { managementSignal: () => session.send(command.signal('SIGTERM')) }),
            signalDeps: {
              processInfo: context.processInfo,
              ...(context.kill === undefined ? {} : { kill: context.kill }),
            },
            graces: {
              'management-signal': context.deadlines.managementMs,
              sigterm: context.deadlines.sigtermMs,
              sigkill: context.deadlines.sigkillMs,
            },
          });
          const steps = kind === 'kill' ? all.filter((s) => s.step === 'sigkill') : all;
          return stopEscalation(exited$, steps, { scheduler, logger });
        }),
      );

    const toStopOutput = (progress: StopProgress): Observable<TunnelOutput> => {
      if (progress.kind !== 'StopFailed') return EMPTY;
      return of(
        event({
          kind: 'StopFailed',
          at: now(),
          message: progress.error.message,
          ...(pid === undefined ? {} : { pid }),
        }),
      );
    };

    return concat(
      merge(processOutput$, managementOutput$, stopping$).pipe(
        takeWhile((o) => !(o.channel === 'event' && o.event.kind === 'ProcessExited'), true),
      ),
      defer(() => prepared.cleanup()).pipe(ignoreElements()),
    ).pipe(
      finalize(() => {
        if (pid !== undefined) unregisterLivePid(pid);
        // An unsubscribe before the end still removes the directory; cleanup runs only once.
        from(prepared.cleanup()).subscribe({
          error: (error: unknown) => logger.warn('cleanup failed', { error: String(error) }),
        });
      }),
    );
  });
}

// Spawns take turns so that many tunnels started together do not stall the event loop.
const defaultRunner =
  (context: TunnelContext): ProcessRunner =>
  (launch) =>
    spawnTurn().pipe(
      switchMap(() =>
        spawnProcess(launch, {
          ...(context.spawner === undefined ? {} : { spawner: context.spawner }),
          processInfo: context.processInfo,
          scheduler: context.scheduler,
          logger: context.logger,
        }),
      ),
    );
