import {
  EMPTY,
  catchError,
  combineLatest,
  exhaustMap,
  concat,
  filter,
  from,
  ignoreElements,
  map,
  merge,
  mergeMap,
  of,
  type Observable,
  type SchedulerLike,
} from 'rxjs';
import { VpnError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import * as command from '../management/command.js';
import type { Notification } from '../management/notification.js';
import { parseStateHistory, type StateEntry } from '../management/parsers/index.js';
import type { ManagementSession } from '../management/session.js';
import type { EngineEvent, OpenvpnStateChanged } from '../state/engine-event.js';
import {
  answerConnectionQueries,
  type ProxyPolicy,
  type RemotePolicy,
} from './connection-policies.js';
import type { CredentialsProvider } from './credentials.js';
import { holdReleaseSchedule } from './hold-release.js';
import { pollWhile } from './poll-while.js';
import { answerPrompts } from './prompt-answers.js';
import type { TunnelOutput } from './tunnel-output.js';

/** How often the tunnel device's counters are read while connected. */
export const STATUS_POLL_MS = 5_000;

/** What the driver needs besides the session. */
export interface DriverContext {
  readonly now: () => number;
  readonly scheduler: SchedulerLike;
  readonly logger: Logger;
  readonly bytecountIntervalS: number;
  /** How often `status` is polled for the tunnel device's counters while connected. */
  readonly statusPollMs?: number;
  /** Whether anyone reads the tunnel device's counters; polled only then (default: always). */
  readonly tunDemand$?: Observable<boolean>;
  readonly credentials: CredentialsProvider | undefined;
  readonly remotePolicy?: RemotePolicy;
  readonly proxyPolicy?: ProxyPolicy;
  readonly promptTimeoutMs?: number;
  /**
   * Whether openvpn's log is asked for over management (`log on`). A spawned openvpn's log is
   * read from its stdout, which is drained anyway, so by default only an attached one's is (see
   * `EngineOptions.managementLog`): openvpn reads no command while its management output queue
   * holds anything, so a flooded management log starves commands and prompt answers.
   */
  readonly managementLog: boolean;
  /**
   * Which entries of the `state on all` history to report; by default only the last (the
   * current state). A re-attaching engine passes the ones it has missed.
   */
  readonly reconcile?: (history: readonly StateEntry[]) => readonly StateEntry[];
  /** The username of a username-only `<auth-user-pass>` block (`PromptContext.profileUsername`). */
  readonly profileUsername?: string;
}

const currentOnly = (history: readonly StateEntry[]): readonly StateEntry[] => history.slice(-1);

const event = (e: EngineEvent): TunnelOutput => ({ channel: 'event', event: e });

/** One state entry as the reducer's event. */
export const stateChanged = (entry: StateEntry, at: number): OpenvpnStateChanged => ({
  kind: 'OpenvpnStateChanged',
  at,
  name: entry.name,
  description: entry.description ?? '',
  time: entry.time,
  ...(entry.localIpv4 === undefined ? {} : { localIpv4: entry.localIpv4 }),
  ...(entry.localIpv6 === undefined ? {} : { localIpv6: entry.localIpv6 }),
  ...(entry.remoteAddress === undefined ? {} : { remoteHost: entry.remoteAddress }),
  ...(entry.remotePort === undefined ? {} : { remotePort: entry.remotePort }),
});

/**
 * Drives one attached session: subscribes to state, traffic and (when asked) log, releases the
 * hold each time openvpn enters it, answers prompts, and turns notifications into tunnel output.
 *
 * Ordering matters twice. Notifications are subscribed before any command is written, so the
 * `>HOLD` that follows the banner is never missed. The setup commands are queued before the
 * first hold release, so nothing openvpn does after the release goes unseen; the `state on
 * all` reply reconciles the state after a reconnect (only its last line is current).
 */
export function driveManagement(
  session: ManagementSession,
  context: DriverContext,
): Observable<TunnelOutput> {
  const { now, scheduler, logger } = context;
  const notification$ = session.notification$;

  // A refused or failed command is logged and the tunnel goes on: the process exit, not a
  // management hiccup, decides the state.
  const tolerate = <T>(name: string) =>
    catchError<T, Observable<never>>((error: unknown) => {
      logger.warn('management command failed', {
        command: name,
        code: error instanceof VpnError ? error.code : 'UNKNOWN',
      });
      return EMPTY;
    });

  const setup$ = merge(
    session.send(command.stateRealtimeWithHistoryWith(parseStateHistory)).pipe(
      mergeMap((entries) =>
        from((context.reconcile ?? currentOnly)(entries)).pipe(
          map((entry) => event(stateChanged(entry, now()))),
        ),
      ),
      tolerate('state on all'),
    ),
    session
      .send(command.bytecount(context.bytecountIntervalS))
      .pipe(ignoreElements(), tolerate('bytecount')),
    context.managementLog
      ? session.send(command.logRealtime(true)).pipe(ignoreElements(), tolerate('log on'))
      : EMPTY,
  );

  const hold$ = notification$.pipe(
    filter((n): n is Extract<Notification, { type: 'hold' }> => n.type === 'hold'),
  );
  const holdEntered$ = hold$.pipe(
    map((hold) =>
      event({
        kind: 'HoldEntered',
        at: now(),
        ...(hold.waitSeconds === undefined ? {} : { backoffSeconds: hold.waitSeconds }),
      }),
    ),
  );
  const holdReleased$ = holdReleaseSchedule(hold$, scheduler).pipe(
    mergeMap(() => session.send(command.holdRelease()).pipe(tolerate('hold release'))),
    map(() => event({ kind: 'HoldReleased', at: now() })),
  );

  const fromNotifications$ = notification$.pipe(
    mergeMap((n): Observable<TunnelOutput> => translate(n, now)),
  );

  const prompts$ = answerPrompts(session, notification$, {
    credentials: context.credentials,
    scheduler,
    logger,
    now,
    ...(context.promptTimeoutMs === undefined ? {} : { promptTimeoutMs: context.promptTimeoutMs }),
    ...(context.profileUsername === undefined ? {} : { profileUsername: context.profileUsername }),
  });
  const queries$ = answerConnectionQueries(
    session,
    notification$,
    {
      ...(context.remotePolicy === undefined ? {} : { remote: context.remotePolicy }),
      ...(context.proxyPolicy === undefined ? {} : { proxy: context.proxyPolicy }),
    },
    logger,
  );

  // The TUN/TAP counters come only from `status`: polled while openvpn reports CONNECTED and
  // someone reads them.
  const connected$ = notification$.pipe(
    filter((n): n is Extract<Notification, { type: 'state' }> => n.type === 'state'),
    map((n) => n.name === 'CONNECTED'),
  );
  const pollActive$ =
    context.tunDemand$ === undefined
      ? connected$
      : combineLatest([connected$, context.tunDemand$]).pipe(
          map(([connected, watched]) => connected && watched),
        );
  const tun$ = pollWhile(pollActive$, context.statusPollMs ?? STATUS_POLL_MS, scheduler).pipe(
    exhaustMap(() => session.send(command.status()).pipe(tolerate('status'))),
    mergeMap((report): Observable<TunnelOutput> => {
      const read = report.statistics['TUN/TAP read bytes'];
      const write = report.statistics['TUN/TAP write bytes'];
      return read === undefined || write === undefined
        ? EMPTY
        : of({ channel: 'tun', readBytes: read, writeBytes: write, at: now() });
    }),
  );

  return concat(
    of(event({ kind: 'ManagementAttached', at: now() })),
    merge(fromNotifications$, holdEntered$, setup$, holdReleased$, prompts$, queries$, tun$),
  );
}

function translate(n: Notification, now: () => number): Observable<TunnelOutput> {
  switch (n.type) {
    case 'state':
      return of(event(stateChanged(n, now())));
    case 'bytecount':
      return of({ channel: 'traffic', bytesIn: n.bytesIn, bytesOut: n.bytesOut, at: now() });
    case 'log':
      return of({
        channel: 'log',
        source: 'management',
        flags: n.flags.raw,
        text: n.text,
        at: now(),
      });
    case 'fatal':
      return of(event({ kind: 'FatalReported', at: now(), text: n.text }));
    case 'password':
      return n.event === 'verification-failed'
        ? of(
            event({
              kind: 'PasswordVerificationFailed',
              at: now(),
              type: n.authType ?? n.reason ?? 'Auth',
              // The stdout AUTH_FAILED line carries the same reason; whichever comes first is
              // kept, so both must. A CRV1 challenge is a question, not a reason.
              ...(n.authType === undefined ||
              n.reason === undefined ||
              n.dynamicChallenge !== undefined
                ? {}
                : { reason: n.reason }),
            }),
          )
        : EMPTY;
    default:
      return EMPTY;
  }
}
