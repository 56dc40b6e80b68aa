import {
  Observable,
  ReplaySubject,
  asyncScheduler,
  catchError,
  concat,
  defer,
  of,
  share,
  type SchedulerLike,
} from 'rxjs';
import { isVpnError } from '../core/errors.js';
import { silentLogger } from '../core/logger.js';
import { connectSocket } from '../management/socket.js';
import { createProcessTable } from '../process/instances-table.js';
import { procfsProcessInfo } from '../process/process-info.js';
import { vpnFailure } from '../state/vpn-failure.js';
import type { VpnState } from '../state/vpn-state.js';
import {
  ATTACH_RETRY,
  ATTACH_UNREACHABLE_MS,
  checkAttachEndpoint,
  type AttachDeps,
  type AttachOptions,
} from './attach-options.js';
import { runAttached, type AttachRequest } from './attach-run.js';
import { BYTECOUNT_INTERVAL_S } from './engine-options.js';
import type { StopKind } from './tunnel.js';
import { tunnelHandle } from './tunnel-handle.js';
import { createDemand } from './demand.js';
import type { TunnelOutput } from './tunnel-output.js';
import { DEFAULT_STOP_DEADLINES, type Tunnel } from './vpn.js';

/** A tunnel whose openvpn someone else started: it can also be let go of, left running. */
export interface AttachedTunnel extends Tunnel {
  /**
   * Ends the supervision and leaves openvpn running (what an application does when it quits
   * while a system service keeps the VPN up): openvpn is told to stop holding for a client, the
   * link is closed, and the state ends `stopped` with `detached: true`.
   */
  detach(): void;
}

/**
 * Attaches to the management interface of an openvpn that a privileged helper or a system
 * service started (`--management <socket> unix` or `--management 127.0.0.1 <port> <pw-file>`,
 * best with `--management-hold`), and supervises it like a tunnel of its own: the same state,
 * traffic and log streams, hold release, prompts and policies. The link is re-reached after a
 * drop; `stop()` stops openvpn (management signal, then signals when its pid is local and ours
 * to signal); `detach()` leaves it running. A refused endpoint ends at once in `failed`.
 */
export function attachTunnel(options: AttachOptions, deps: AttachDeps = {}): AttachedTunnel {
  const scheduler: SchedulerLike = options.scheduler ?? asyncScheduler;
  const logger = options.logger ?? silentLogger;
  const now = deps.now ?? (() => scheduler.now());
  const request$ = new ReplaySubject<AttachRequest>();
  const tunDemand = createDemand();

  const run$: Observable<TunnelOutput> = concat(
    of<TunnelOutput>({ channel: 'event', event: { kind: 'StartRequested', at: now() } }),
    defer(() => {
      const refused = checkAttachEndpoint(options.endpoint, options.password);
      if (refused !== undefined) throw refused;
      return runAttached(
        {
          endpoint: options.endpoint,
          password: options.password,
          retry: options.retry ?? ATTACH_RETRY,
          unreachableMs: options.unreachableMs ?? ATTACH_UNREACHABLE_MS,
          deadlines: { ...DEFAULT_STOP_DEADLINES, ...options.stop },
          credentials: options.credentials,
          ...(options.remotePolicy === undefined ? {} : { remotePolicy: options.remotePolicy }),
          ...(options.proxyPolicy === undefined ? {} : { proxyPolicy: options.proxyPolicy }),
          ...(options.promptTimeoutMs === undefined
            ? {}
            : { promptTimeoutMs: options.promptTimeoutMs }),
          ...(options.statusPollMs === undefined ? {} : { statusPollMs: options.statusPollMs }),
          ...(options.transcript === undefined ? {} : { transcript: options.transcript }),
          bytecountIntervalS: options.bytecountIntervalS ?? BYTECOUNT_INTERVAL_S,
          tunDemand$: tunDemand.active$,
          connector: deps.connector ?? connectSocket,
          processInfo: deps.processInfo ?? procfsProcessInfo(),
          processTable: deps.processTable ?? createProcessTable(),
          ...(deps.kill === undefined ? {} : { kill: deps.kill }),
          now,
          scheduler,
          logger,
        },
        request$,
      );
    }).pipe(
      catchError((error: unknown) => {
        logger.warn('could not attach', { code: isVpnError(error) ? error.code : 'UNKNOWN' });
        const failure = isVpnError(error)
          ? vpnFailure(error.code, error.message)
          : vpnFailure('MANAGEMENT_UNREACHABLE', `could not attach: ${String(error)}`);
        return of<TunnelOutput>({
          channel: 'event',
          event: { kind: 'StartFailed', at: now(), error: failure },
        });
      }),
    ),
  ).pipe(share());

  const tunnel = tunnelHandle(
    run$,
    now,
    (kind: StopKind = 'graceful') => request$.next(kind),
    tunDemand,
  );
  return { ...tunnel, detach: () => request$.next('detach') };
}

/**
 * The attached tunnel as a cold Observable: subscribing attaches, unsubscribing detaches and
 * leaves openvpn running (it was not started here); stop it through {@link attachTunnel}.
 */
export function attachedVpnState$(
  options: AttachOptions,
  deps: AttachDeps = {},
): Observable<VpnState> {
  return new Observable<VpnState>((subscriber) => {
    const tunnel = attachTunnel(options, deps);
    const subscription = tunnel.state$.subscribe(subscriber);
    return () => {
      subscription.unsubscribe();
      tunnel.detach();
    };
  });
}
