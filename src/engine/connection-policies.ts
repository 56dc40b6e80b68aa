import {
  EMPTY,
  catchError,
  concat,
  filter,
  ignoreElements,
  map,
  merge,
  mergeMap,
  of,
  switchMap,
  take,
  type Observable,
} from 'rxjs';
import type { Logger } from '../core/logger.js';
import * as command from '../management/command.js';
import type { Notification } from '../management/notification.js';
import type { RemoteEntry } from '../management/parsers/index.js';
import type { ManagementSession } from '../management/session.js';

/** A `>REMOTE` query: the remote openvpn is about to try, and the profile's whole list. */
export interface RemoteQuery {
  readonly host: string;
  readonly port: number;
  readonly protocol: string;
  /** From `remote-entry-get all` (openvpn 2.6+); empty when the peer cannot tell. */
  readonly entries: readonly RemoteEntry[];
}

/** The answer to a {@link RemoteQuery}. */
export type RemoteDecision =
  | { readonly action: 'accept' }
  | { readonly action: 'skip'; readonly count?: number }
  | { readonly action: 'modify'; readonly host: string; readonly port: number };

/** Decides which remote openvpn connects to (`--management-query-remote`). */
export type RemotePolicy = (query: RemoteQuery) => Observable<RemoteDecision>;

/** A `>PROXY` query: which connection entry and transport. */
export interface ProxyQuery {
  readonly index: number;
  readonly protocol: string;
  readonly host: string;
}

/** The answer to a {@link ProxyQuery}. */
export type ProxyDecision =
  | { readonly type: 'none' }
  | {
      readonly type: 'HTTP' | 'SOCKS';
      readonly host: string;
      readonly port: number;
      readonly nonCleartextAuthOnly?: boolean;
    };

/** Decides the proxy for each connection attempt (`--management-query-proxy`). */
export type ProxyPolicy = (query: ProxyQuery) => Observable<ProxyDecision>;

const remoteCommand = (decision: RemoteDecision) => {
  switch (decision.action) {
    case 'accept':
      return command.remoteAccept();
    case 'skip':
      return command.remoteSkip(decision.count);
    case 'modify':
      return command.remoteModify(decision.host, decision.port);
  }
};

const proxyCommand = (decision: ProxyDecision) =>
  decision.type === 'none'
    ? command.proxyNone()
    : command.proxy(decision.type, decision.host, decision.port, {
        ...(decision.nonCleartextAuthOnly === undefined
          ? {}
          : { nonCleartextAuthOnly: decision.nonCleartextAuthOnly }),
      });

/**
 * Answers `>REMOTE` and `>PROXY` with the application's policies. openvpn blocks until it gets
 * an answer, so a policy that fails or answers nothing falls back to what openvpn would do on its
 * own (ACCEPT, NONE), and the failure is logged.
 */
export function answerConnectionQueries(
  session: ManagementSession,
  notification$: Observable<Notification>,
  policies: { readonly remote?: RemotePolicy; readonly proxy?: ProxyPolicy },
  logger: Logger,
): Observable<never> {
  const { remote, proxy } = policies;
  const remote$ =
    remote === undefined
      ? EMPTY
      : notification$.pipe(
          filter((n): n is Extract<Notification, { type: 'remote' }> => n.type === 'remote'),
          switchMap((n) =>
            session.send(command.remoteEntryGet()).pipe(
              catchError(() => of<readonly RemoteEntry[]>([])),
              mergeMap((entries) =>
                concat(
                  remote({ host: n.host, port: n.port, protocol: n.protocol, entries }),
                  of(undefined),
                ),
              ),
              take(1),
              map((decision) => decision ?? { action: 'accept' as const }),
              catchError((error: unknown) => {
                logger.warn('remote policy failed; accepting', { error: String(error) });
                return of<RemoteDecision>({ action: 'accept' });
              }),
              mergeMap((decision) => session.send(remoteCommand(decision))),
              catchError(logAndGoOn(logger)),
            ),
          ),
        );
  const proxy$ =
    proxy === undefined
      ? EMPTY
      : notification$.pipe(
          filter((n): n is Extract<Notification, { type: 'proxy' }> => n.type === 'proxy'),
          switchMap((n) =>
            concat(
              proxy({ index: n.index, protocol: n.protocol, host: n.host }),
              of(undefined),
            ).pipe(
              take(1),
              map((decision) => decision ?? { type: 'none' as const }),
              catchError((error: unknown) => {
                logger.warn('proxy policy failed; connecting directly', { error: String(error) });
                return of<ProxyDecision>({ type: 'none' });
              }),
              mergeMap((decision) => session.send(proxyCommand(decision))),
              catchError(logAndGoOn(logger)),
            ),
          ),
        );
  return merge(remote$, proxy$).pipe(ignoreElements());
}

const logAndGoOn =
  (logger: Logger) =>
  (error: unknown): Observable<never> => {
    logger.warn('answering a connection query failed', { error: String(error) });
    return EMPTY;
  };
