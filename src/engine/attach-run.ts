import { basename } from 'node:path';
import {
  EMPTY,
  Observable,
  ReplaySubject,
  catchError,
  concat,
  defer,
  filter,
  finalize,
  from,
  ignoreElements,
  map,
  merge,
  mergeMap,
  of,
  repeat,
  switchMap,
  take,
  takeUntil,
  takeWhile,
  tap,
  timeout,
  timer,
} from 'rxjs';
import { VpnError, isVpnError } from '../core/errors.js';
import type { Secret } from '../core/secret.js';
import type { ProcessIdentity } from '../launcher/ownership-marker.js';
import * as command from '../management/command.js';
import type { RetryPolicy } from '../management/connect-with-retry.js';
import { attachSession, type ManagementSession } from '../management/session.js';
import type {
  ManagementEndpoint,
  ManagementSocket,
  SocketConnector,
} from '../management/socket.js';
import { recordTranscript, type TranscriptLine } from '../management/transcript.js';
import type { ProcessTable } from '../process/instances-table.js';
import type { ProcessInfo } from '../process/process-info.js';
import { stopEscalation, type StopProgress } from '../process/stop-escalation.js';
import type { EngineEvent, OpenvpnStateChanged } from '../state/engine-event.js';
import { vpnFailure } from '../state/vpn-failure.js';
import type { StopDeadlines } from './engine-options.js';
import { attachedStopSteps } from './attached-stop-steps.js';
import { driveManagement, type DriverContext } from './management-driver.js';
import { missedStates } from './missed-states.js';
import { reachWithin } from './reach-management.js';
import { isRunning } from './stop-instance.js';
import { stopOnRequest } from './stop-requests.js';
import type { StopKind } from './tunnel.js';
import type { TunnelOutput } from './tunnel-output.js';

/** How often the pid of an attached openvpn is looked at while its management link is down. */
export const ATTACHED_EXIT_POLL_MS = 100;
/** How long `detach` may spend handing openvpn back to itself before it lets go anyway. */
export const DETACH_COMMAND_TIMEOUT_MS = 2_000;

/** What the consumer of an attached tunnel asks for. */
export type AttachRequest = StopKind | 'detach';

/** Everything one attached run needs. */
export interface AttachContext extends Omit<DriverContext, 'managementLog'> {
  readonly endpoint: ManagementEndpoint;
  readonly password: Secret | undefined;
  readonly retry: RetryPolicy;
  readonly unreachableMs: number;
  readonly deadlines: StopDeadlines;
  readonly transcript?: (line: TranscriptLine) => void;
  readonly connector: SocketConnector;
  readonly processInfo: ProcessInfo;
  readonly processTable: ProcessTable;
  readonly kill?: (pid: number, signal: NodeJS.Signals) => void;
}

const event = (e: EngineEvent): TunnelOutput => ({ channel: 'event', event: e });

// The events after which an attached run has nothing left to follow.
const ENDING: ReadonlySet<EngineEvent['kind']> = new Set([
  'ProcessExited',
  'OpenvpnLost',
  'StartFailed',
  'StopFailed',
  'EngineDetached',
]);
const isEnding = (output: TunnelOutput): boolean =>
  output.channel === 'event' && ENDING.has(output.event.kind);

// Only one attempt once openvpn is on its way out: a refusal then means it is gone.
const PROBE_ONCE: RetryPolicy = { maxAttempts: 1, initialDelayMs: 0, maxDelayMs: 0 };

/**
 * The pid, when it names an openvpn on this host whose start time can be read: only then may
 * it be signalled and watched. A pid from another pid namespace names some other process here.
 */
async function localIdentity(
  pid: number,
  table: ProcessTable,
): Promise<ProcessIdentity | undefined> {
  const startTime = await table.startTime(pid).catch(() => undefined);
  const argv = await table.argv(pid).catch(() => undefined);
  const program = argv?.[0];
  if (startTime === undefined || program === undefined) return undefined;
  return /openvpn/i.test(basename(program)) ? { pid, startTime } : undefined;
}

/**
 * One supervision of an openvpn that someone else started, as tunnel output, from the first
 * attach to the end: openvpn gone, the engine detached, or a failure. The management link is
 * reached with back-off and re-reached after every drop; each new session reports the states
 * missed in between (from `state on all`), so none is lost or repeated. openvpn counts as gone
 * when its pid (if local) has exited, or when it stays unreachable past the deadline. `request$`
 * carries stop and detach requests (the first stop counts; a later `kill` skips to SIGKILL).
 */
export function runAttached(
  context: AttachContext,
  request$: Observable<AttachRequest>,
): Observable<TunnelOutput> {
  const { now, scheduler, logger } = context;
  return defer(() => {
    const session$ = new ReplaySubject<ManagementSession | undefined>(1);
    session$.next(undefined);
    const gone$ = new ReplaySubject<true>(1);
    let current: ManagementSession | undefined;
    let attached = false;
    let target: ProcessIdentity | undefined;
    let lastSeen: OpenvpnStateChanged | undefined;
    let leaving = false;

    const stop$ = request$.pipe(filter((r): r is StopKind => r !== 'detach'));
    const detach$ = request$.pipe(filter((r) => r === 'detach'));

    const recorded = (socket: ManagementSocket): ManagementSocket =>
      context.transcript === undefined ? socket : recordTranscript(socket, context.transcript, now);

    const attempt$ = defer(() => context.connector(context.endpoint)).pipe(
      switchMap((socket) =>
        attachSession(recorded(socket), {
          ...(context.password === undefined ? {} : { password: context.password }),
          scheduler,
          logger,
        }),
      ),
    );

    // A local pid decides by itself whether openvpn is gone; otherwise, once openvpn is on its
    // way out, one refused attempt does.
    const reach$ = defer(() =>
      reachWithin(
        attempt$,
        leaving && target === undefined ? PROBE_ONCE : context.retry,
        context.unreachableMs,
        scheduler,
      ),
    );

    // The pid goes on pid$ whatever it names; only a local one is signalled and watched.
    const identify = (session: ManagementSession): Observable<TunnelOutput> =>
      session.send(command.pid()).pipe(
        mergeMap((pid) =>
          from(localIdentity(pid, context.processTable)).pipe(
            map((identity) => {
              target = identity;
              return event({ kind: 'PidReported', at: now(), pid });
            }),
          ),
        ),
        catchError((error: unknown) => {
          logger.warn('openvpn did not tell its pid', {
            code: isVpnError(error) ? error.code : 'UNKNOWN',
          });
          return EMPTY;
        }),
      );

    const drive = (session: ManagementSession): Observable<TunnelOutput> => {
      current = session;
      attached = true;
      session$.next(session);
      return concat(
        merge(
          driveManagement(session, {
            ...context,
            managementLog: true,
            reconcile: (history) => missedStates(history, lastSeen),
          }),
          identify(session),
        ).pipe(takeUntil(session.end$)),
        defer(() => {
          current = undefined;
          session$.next(undefined);
          return of(event({ kind: 'ManagementDetached', at: now() }));
        }),
      );
    };

    const link$ = reach$.pipe(
      switchMap(drive),
      repeat(),
      catchError((error: unknown) => {
        const failure = isVpnError(error)
          ? vpnFailure(error.code, error.message)
          : vpnFailure('MANAGEMENT_UNREACHABLE', String(error));
        logger.warn('attached openvpn unreachable', { code: failure.code });
        return of(
          event(
            attached
              ? { kind: 'OpenvpnLost', at: now(), error: failure }
              : { kind: 'StartFailed', at: now(), error: failure },
          ),
        );
      }),
    );

    // While the link is down, a local openvpn's pid says whether it is still there.
    const exitWatch$ = session$.pipe(
      switchMap((session) => {
        const watched = target;
        return session !== undefined || watched === undefined
          ? EMPTY
          : timer(0, ATTACHED_EXIT_POLL_MS, scheduler).pipe(
              mergeMap(() => defer(() => isRunning(context.processTable, watched))),
              filter((running) => !running),
            );
      }),
      take(1),
      tap(() => gone$.next(true)),
      map(() => event({ kind: 'ProcessExited', at: now(), code: null, signal: null })),
    );

    // A stop waits for a session unless a local pid can be signalled meanwhile: before the
    // first attach, or while the link is re-reached, there is nothing else to stop it with.
    const firstSession$ = session$.pipe(
      filter((session) => session !== undefined || target !== undefined),
      take(1),
    );
    let denied = false;
    const escalation = (kind: StopKind): Observable<StopProgress> =>
      firstSession$.pipe(
        switchMap((session) => {
          leaving = true;
          const steps = attachedStopSteps({
            kind,
            target,
            managementSignal:
              session === undefined ? undefined : () => session.send(command.signal('SIGTERM')),
            signalDeps: {
              processInfo: context.processInfo,
              ...(context.kill === undefined ? {} : { kill: context.kill }),
            },
            deadlines: context.deadlines,
            onDenied: () => (denied = true),
          });
          return stopEscalation(gone$, steps, { scheduler, logger });
        }),
      );
    const toStopOutput = (progress: StopProgress): Observable<TunnelOutput> => {
      if (progress.kind !== 'StopFailed') return EMPTY;
      const pid = target?.pid;
      const message = denied
        ? `openvpn (pid ${pid ?? 'unknown'}) did not stop on the management signal, and it is ` +
          'not ours to signal: it runs as another user'
        : target === undefined
          ? 'openvpn did not exit after the management signal, and its pid is not a local ' +
            'process the engine may signal'
          : progress.error.message;
      return of(
        event({
          kind: 'StopFailed',
          at: now(),
          message,
          code: denied ? 'PERMISSION_DENIED' : 'STOP_FAILED',
          ...(pid === undefined ? {} : { pid }),
        }),
      );
    };
    const stopping$ = stopOnRequest(
      stop$.pipe(map((kind) => ({ kind, requested: true }))),
      stop$,
      (kind) => escalation(kind).pipe(mergeMap(toStopOutput)),
      now,
    ).pipe(takeUntil(gone$));

    // Letting go hands openvpn back to itself: later restarts must not wait for a hold release
    // from a client that is gone, and a hold it waits in now is released.
    const detaching$ = detach$.pipe(
      take(1),
      switchMap(() => session$.pipe(take(1))),
      switchMap((session) =>
        concat(
          session === undefined
            ? EMPTY
            : concat(session.send(command.hold(false)), session.send(command.holdRelease())).pipe(
                ignoreElements(),
                timeout({ first: DETACH_COMMAND_TIMEOUT_MS, scheduler }),
                catchError((error: unknown) => {
                  logger.warn('could not hand the hold back to openvpn', {
                    code: error instanceof VpnError ? error.code : 'UNKNOWN',
                  });
                  return EMPTY;
                }),
              ),
          of(event({ kind: 'EngineDetached', at: now() })),
        ),
      ),
    );

    return merge(link$, exitWatch$, stopping$, detaching$).pipe(
      tap((output) => {
        if (output.channel !== 'event' || output.event.kind !== 'OpenvpnStateChanged') return;
        lastSeen = output.event;
        if (output.event.name === 'EXITING') leaving = true;
      }),
      takeWhile((output) => !isEnding(output), true),
      finalize(() => current?.close()),
    );
  });
}
