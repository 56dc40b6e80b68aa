import type { SchedulerLike } from 'rxjs';
import type { Logger } from '../core/logger.js';
import type { Launcher } from '../launcher/launch-command.js';
import type { SocketConnector } from '../management/socket.js';
import type { TranscriptLine } from '../management/transcript.js';
import type { Profile } from '../profile/profile-model.js';
import type { Spawner } from '../process/spawner.js';
import type { ProcessInfo } from '../process/process-info.js';
import type { ProcessTable } from '../process/instances-table.js';
import type { ProxyPolicy, RemotePolicy } from './connection-policies.js';
import type { CredentialsProvider } from './credentials.js';
import type { HostSignalGuard } from './host-signals.js';

/** The default application id: whose openvpn processes count as ours. */
export const DEFAULT_APP_ID = 'rx-openvpn';
/** Seconds between `>BYTECOUNT` notifications. */
export const BYTECOUNT_INTERVAL_S = 1;

/** Deadlines of the stop escalation, in ms; see `marbles/stop-escalation.md`. */
export interface StopDeadlines {
  /** After `signal SIGTERM` over management: long enough for `explicit-exit-notify`. */
  readonly managementMs: number;
  readonly sigtermMs: number;
  readonly sigkillMs: number;
}

/**
 * How the engine reaches the management interface. `dial-in` (default): the engine listens on
 * a unix socket in its private directory and openvpn connects (`--management-client`), so
 * openvpn ends itself when the engine dies. `listen`: openvpn listens on a unix socket in the
 * engine's directory and the engine connects with retry; use it when a privileged helper
 * starts openvpn and may outlive the engine. For an openvpn the engine does not start at all
 * (a system service), see `attachTunnel`.
 */
export type ManagementMode = { readonly kind: 'dial-in' } | { readonly kind: 'listen' };

/** What a tunnel is made of. */
export interface EngineOptions {
  readonly profile: Profile;
  /** Whose openvpn processes count as ours (`--setenv RX_OPENVPN_APP`). */
  readonly appId?: string;
  /** The openvpn binary; found on PATH and the usual sbin paths otherwise. */
  readonly openvpnPath?: string;
  readonly launcher?: Launcher;
  readonly stop?: Partial<StopDeadlines>;
  readonly management?: ManagementMode;
  /** Stop a live instance of this application run by another engine instead of refusing. */
  readonly takeover?: boolean;
  /** Answers openvpn's prompts (`>PASSWORD`, `>NEED-OK`, `>NEED-STR`). */
  readonly credentials?: CredentialsProvider;
  /** Chooses the remote for each attempt (`--management-query-remote`). */
  readonly remotePolicy?: RemotePolicy;
  /** Chooses the proxy for each attempt (`--management-query-proxy`). */
  readonly proxyPolicy?: ProxyPolicy;
  /**
   * Receives every line of the management conversation, both directions, timestamped and
   * with secrets redacted: a transcript for bug reports.
   */
  readonly transcript?: (line: TranscriptLine) => void;
  /** How long the application may take to answer a prompt (default 120 s). */
  readonly promptTimeoutMs?: number;
  readonly bytecountIntervalS?: number;
  /**
   * Stop the tunnel cleanly when the host process gets SIGINT, SIGTERM or SIGHUP, then let the
   * signal end the host as it would have (default `true`); see `createHostSignalGuard`. Turn
   * it off when the application has its own stop policy for these signals.
   */
  readonly stopOnHostSignals?: boolean;
  /** How often `status` is polled for the tunnel device's counters while connected (5 s). */
  readonly statusPollMs?: number;
  /**
   * Also ask openvpn for its log over management (`log on`), for records with openvpn's flags
   * (default `false`: `log$` carries openvpn's stdout, which has the same lines). openvpn reads
   * no management command while it has output queued for the management client, so under a
   * log flood (a high `verb`, junk packets) commands and prompt answers then wait until the
   * flood ends; at `verb` 9 the management log also feeds itself, one line per wake-up.
   */
  readonly managementLog?: boolean;
  readonly logger?: Logger;
  readonly scheduler?: SchedulerLike;
}

/** Ports to the outside world; each has a production default. Tests pass fakes. */
export interface EngineDeps {
  readonly spawner?: Spawner;
  /** Reaches openvpn's management socket in `listen` mode. */
  readonly connector?: SocketConnector;
  readonly processInfo?: ProcessInfo;
  readonly processTable?: ProcessTable;
  readonly now?: () => number;
  readonly fileExists?: (path: string) => boolean;
  readonly envPath?: string;
  /** Answers the host's signals (default: the guard of this Node process). */
  readonly hostSignalGuard?: HostSignalGuard;
  /** Where runtime directories are made (default: the OS temp dir). */
  readonly runtimeBase?: string;
}
