import { isIP } from 'node:net';
import type { SchedulerLike } from 'rxjs';
import { VpnError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Secret } from '../core/secret.js';
import type { RetryPolicy } from '../management/connect-with-retry.js';
import { checkSocketPath, type ManagementEndpoint } from '../management/socket.js';
import type { SocketConnector } from '../management/socket.js';
import type { TranscriptLine } from '../management/transcript.js';
import type { ProcessInfo } from '../process/process-info.js';
import type { ProcessTable } from '../process/instances-table.js';
import type { ProxyPolicy, RemotePolicy } from './connection-policies.js';
import type { CredentialsProvider } from './credentials.js';
import type { StopDeadlines } from './engine-options.js';

/**
 * How long an attached openvpn may refuse every reconnection before it counts as gone. A system
 * service that restarts openvpn brings its management interface back well within this.
 */
export const ATTACH_UNREACHABLE_MS = 15_000;

/** Reconnecting to an attached openvpn: unbounded attempts, the deadline ends them. */
export const ATTACH_RETRY: RetryPolicy = {
  maxAttempts: Number.POSITIVE_INFINITY,
  initialDelayMs: 100,
  maxDelayMs: 2_000,
};

/** What an attached tunnel is made of: an openvpn someone else started, and how to drive it. */
export interface AttachOptions {
  /** openvpn's `--management` endpoint: a unix socket, or TCP on loopback. */
  readonly endpoint: ManagementEndpoint;
  /** The management password (`--management IP port pw-file`); required over TCP. */
  readonly password?: Secret;
  /** How long openvpn may stay unreachable before it counts as gone (15 s). */
  readonly unreachableMs?: number;
  /** The back-off between attempts to reach it. */
  readonly retry?: RetryPolicy;
  readonly stop?: Partial<StopDeadlines>;
  /** Answers openvpn's prompts (`>PASSWORD`, `>NEED-OK`, `>NEED-STR`). */
  readonly credentials?: CredentialsProvider;
  /** Needs openvpn started with `--management-query-remote`. */
  readonly remotePolicy?: RemotePolicy;
  /** Needs openvpn started with `--management-query-proxy`. */
  readonly proxyPolicy?: ProxyPolicy;
  /** Every line of the management conversation, secrets redacted. */
  readonly transcript?: (line: TranscriptLine) => void;
  readonly promptTimeoutMs?: number;
  readonly bytecountIntervalS?: number;
  readonly statusPollMs?: number;
  readonly logger?: Logger;
  readonly scheduler?: SchedulerLike;
}

/** Ports of an attached tunnel; each has a production default. */
export interface AttachDeps {
  readonly connector?: SocketConnector;
  /** Reads start times, so a reused pid is never signalled. */
  readonly processInfo?: ProcessInfo;
  /** Tells a running openvpn from a gone (or zombie) one. */
  readonly processTable?: ProcessTable;
  readonly now?: () => number;
  /** Sends a signal; default `process.kill`. */
  readonly kill?: (pid: number, signal: NodeJS.Signals) => void;
}

// Loopback only: 127.0.0.0/8, ::1 and the IPv4-mapped form. A name such as `localhost` is
// refused, since it may resolve to an address openvpn does not listen on.
const isLoopback = (host: string): boolean => {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const v4 = bare.toLowerCase().startsWith('::ffff:') ? bare.slice('::ffff:'.length) : bare;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  // The URL parser writes an IPv6 address in its shortest form.
  return isIP(bare) === 6 && new URL(`http://[${bare}]/`).hostname === '[::1]';
};

/**
 * Refuses an endpoint the engine must not attach to: TCP off loopback (the management protocol
 * is plain text), TCP without a password (anyone on the machine can reach a TCP port), a unix
 * path openvpn would have truncated. Undefined when the endpoint is fine.
 */
export function checkAttachEndpoint(
  endpoint: ManagementEndpoint,
  password: Secret | undefined,
): VpnError<'MANAGEMENT_ENDPOINT_REFUSED' | 'MANAGEMENT_UNREACHABLE'> | undefined {
  if (endpoint.kind === 'unix') return checkSocketPath(endpoint.path);
  if (!Number.isInteger(endpoint.port) || endpoint.port < 1 || endpoint.port > 65_535) {
    return new VpnError('MANAGEMENT_ENDPOINT_REFUSED', `${endpoint.port} is not a TCP port`, {
      details: { reason: 'bad-port', port: endpoint.port },
    });
  }
  if (!isLoopback(endpoint.host)) {
    return new VpnError(
      'MANAGEMENT_ENDPOINT_REFUSED',
      `refusing to attach to ${endpoint.host}: the management interface is plain text, so ` +
        'only a loopback address (127.0.0.1 or ::1) is accepted',
      { details: { reason: 'not-loopback', host: endpoint.host } },
    );
  }
  if (password === undefined) {
    return new VpnError(
      'MANAGEMENT_ENDPOINT_REFUSED',
      'refusing to attach over TCP without a management password: any local user can reach ' +
        'the port; start openvpn with `--management 127.0.0.1 <port> <pw-file>` and pass it',
      { details: { reason: 'no-password' } },
    );
  }
  return undefined;
}
