import type { ErrorCode } from '../core/errors.js';
import type { StdoutEvent } from '../process/stdout-event.js';
import type { VpnFailure } from './vpn-failure.js';

interface Timed {
  /** Epoch ms when the engine saw the event (its injected clock). */
  readonly at: number;
}

/** The consumer asked to connect. */
export interface StartRequested extends Timed {
  readonly kind: 'StartRequested';
}

/** The openvpn process is running. */
export interface ProcessSpawned extends Timed {
  readonly kind: 'ProcessSpawned';
  readonly pid: number;
}

/** An openvpn the engine attached to, not spawned, told its pid (management `pid`). */
export interface PidReported extends Timed {
  readonly kind: 'PidReported';
  readonly pid: number;
}

/** The management client connected to openvpn. */
export interface ManagementAttached extends Timed {
  readonly kind: 'ManagementAttached';
}

/** The management connection closed. */
export interface ManagementDetached extends Timed {
  readonly kind: 'ManagementDetached';
}

/** `>HOLD:Waiting for hold release:<n>`. */
export interface HoldEntered extends Timed {
  readonly kind: 'HoldEntered';
  /** The `<n>`: seconds openvpn would wait without a UI (connect-retry backoff). */
  readonly backoffSeconds?: number;
}

/** `hold release` succeeded. */
export interface HoldReleased extends Timed {
  readonly kind: 'HoldReleased';
}

/** One `>STATE:` notification (or a line of the `state` command's reply). */
export interface OpenvpnStateChanged extends Timed {
  readonly kind: 'OpenvpnStateChanged';
  /** openvpn's state name: CONNECTING, WAIT, AUTH, …, CONNECTED, RECONNECTING, EXITING. */
  readonly name: string;
  /** Field (c): the reason word on RECONNECTING/EXITING, `timeout <n>` on AUTH_PENDING. */
  readonly description: string;
  readonly localIpv4?: string;
  readonly localIpv6?: string;
  readonly remoteHost?: string;
  readonly remotePort?: number;
  /** Field (a): openvpn's own unix time in seconds. */
  readonly time: number;
}

/** `>PASSWORD:Verification Failed: '<type>'`. */
export interface PasswordVerificationFailed extends Timed {
  readonly kind: 'PasswordVerificationFailed';
  /** `Auth`, `Private Key`, or the server's client-reason text. */
  readonly type: string;
  /** The server's client-reason text after the type (`['...']`), when one came. */
  readonly reason?: string;
}

/** `>FATAL:<text>`: openvpn is about to exit. */
export interface FatalReported extends Timed {
  readonly kind: 'FatalReported';
  readonly text: string;
}

/** A classified line of openvpn's stdout or stderr. */
export interface StdoutLineClassified extends Timed {
  readonly kind: 'StdoutLineClassified';
  readonly event: StdoutEvent;
}

/** The consumer asked to disconnect. Emit only for the consumer's own stop. */
export interface StopRequested extends Timed {
  readonly kind: 'StopRequested';
}

/** The openvpn process ended (Node's `exit` arguments). */
export interface ProcessExited extends Timed {
  readonly kind: 'ProcessExited';
  readonly code: number | null;
  readonly signal: string | null;
}

/** The session could not start (binary missing, spawn refused, profile rejected up front). */
export interface StartFailed extends Timed {
  readonly kind: 'StartFailed';
  readonly error: VpnFailure;
}

/** A stop came during the start checks: nothing was spawned, and nothing is left to stop. */
export interface StartCancelled extends Timed {
  readonly kind: 'StartCancelled';
}

/** Stopping did not end the process (the stop escalation gave up). */
export interface StopFailed extends Timed {
  readonly kind: 'StopFailed';
  readonly message: string;
  readonly pid?: number;
  /** `PERMISSION_DENIED` when openvpn was not ours to signal; `STOP_FAILED` otherwise. */
  readonly code?: Extract<ErrorCode, 'STOP_FAILED' | 'PERMISSION_DENIED'>;
}

/**
 * An attached openvpn can no longer be reached over management, and is taken for gone:
 * reconnecting was refused past the deadline, and its pid could not be watched.
 */
export interface OpenvpnLost extends Timed {
  readonly kind: 'OpenvpnLost';
  readonly error: VpnFailure;
}

/** The consumer let go of an attached openvpn, which keeps running. */
export interface EngineDetached extends Timed {
  readonly kind: 'EngineDetached';
}

/** Everything the engine tells the reducer, as past-tense tagged values. */
export type EngineEvent =
  | StartRequested
  | ProcessSpawned
  | PidReported
  | ManagementAttached
  | ManagementDetached
  | HoldEntered
  | HoldReleased
  | OpenvpnStateChanged
  | PasswordVerificationFailed
  | FatalReported
  | StdoutLineClassified
  | StopRequested
  | ProcessExited
  | StartFailed
  | StartCancelled
  | StopFailed
  | OpenvpnLost
  | EngineDetached;

/** The `kind` of every {@link EngineEvent}. */
export type EngineEventKind = EngineEvent['kind'];
