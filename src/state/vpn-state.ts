import type { ReconnectReason } from './reconnect-reason.js';
import type { VpnFailure } from './vpn-failure.js';

/**
 * How far openvpn got towards a tunnel: its own `>STATE` names (management-notes "COMMAND --
 * state"), plus `HOLD` while it waits for `hold release` (`--management-hold`). `CONNECTING`
 * is openvpn's initial state and also the step after a hold is released.
 */
export type ConnectStep =
  | 'CONNECTING'
  | 'HOLD'
  | 'RESOLVE'
  | 'TCP_CONNECT'
  | 'WAIT'
  | 'AUTH'
  | 'AUTH_PENDING'
  | 'GET_CONFIG'
  | 'ASSIGN_IP'
  | 'ADD_ROUTES';

/** Every {@link ConnectStep}, in the order openvpn goes through them. */
export const CONNECT_STEPS: readonly ConnectStep[] = [
  'CONNECTING',
  'HOLD',
  'RESOLVE',
  'TCP_CONNECT',
  'WAIT',
  'AUTH',
  'AUTH_PENDING',
  'GET_CONFIG',
  'ASSIGN_IP',
  'ADD_ROUTES',
];

/** The VPN server as openvpn reports it once connected. */
export interface RemoteEndpoint {
  readonly host: string;
  readonly port: number;
}

interface Stamped {
  /** Epoch ms of the event that produced this state. */
  readonly at: number;
}

interface Live extends Stamped {
  /**
   * The most specific failure openvpn reported since the last `connected` state: what the
   * state becomes if the process exits without being asked to.
   */
  readonly lastError?: VpnFailure;
}

/** Where openvpn is on its way to a tunnel, shared by `connecting` and `reconnecting`. */
export interface StepProgress {
  readonly step: ConnectStep;
  /** With `HOLD`: how long openvpn would wait on its own (its connect-retry backoff). */
  readonly holdBackoffSeconds?: number;
  /** With `AUTH_PENDING`: seconds before the pending authentication times out. */
  readonly authTimeoutSeconds?: number;
}

/** Nothing started yet. */
export interface IdleState extends Stamped {
  readonly phase: 'idle';
}

/** Start requested or the process spawned; openvpn has reported no state yet. */
export interface StartingState extends Live {
  readonly phase: 'starting';
}

/** The first connection of this session is under way. */
export interface ConnectingState extends Live, StepProgress {
  readonly phase: 'connecting';
}

/** The tunnel is up. */
export interface ConnectedState extends Live {
  readonly phase: 'connected';
  readonly localIpv4?: string;
  readonly localIpv6?: string;
  readonly remote?: RemoteEndpoint;
  /** Epoch ms when the tunnel came up; kept while openvpn repeats CONNECTED. */
  readonly since: number;
}

/**
 * openvpn restarted and is connecting again. The phase lasts until `connected`: `step` follows
 * openvpn's progress and is absent until openvpn reports any (restart pause).
 */
export interface ReconnectingState extends Live, Partial<StepProgress> {
  readonly phase: 'reconnecting';
  readonly reason: ReconnectReason;
  /** openvpn's own word, e.g. `ping-restart`, `SIGUSR1`, `connection-failed`. */
  readonly rawReason: string;
  /** 1 for the first restart after a connection (or the start), reset by `connected`. */
  readonly attempt: number;
}

/** openvpn is exiting: asked to by the consumer, or on its own (`EXITING` without a stop). */
export interface StoppingState extends Live {
  readonly phase: 'stopping';
  /** True when the consumer asked for the stop; the exit then ends in `stopped`. */
  readonly requested: boolean;
  /** openvpn's `EXITING` word, when it reported one. */
  readonly rawReason?: string;
}

/**
 * The process exited after a requested stop, or the engine let go of an attached openvpn that
 * keeps running (`detached`). Terminal.
 */
export interface StoppedState extends Stamped {
  readonly phase: 'stopped';
  readonly exitCode?: number;
  readonly signal?: string;
  readonly detached?: true;
}

/** The session ended in a failure. Terminal. */
export interface FailedState extends Stamped {
  readonly phase: 'failed';
  readonly error: VpnFailure;
}

/** The state of one VPN session: a readonly union on `phase`, JSON-serialisable. */
export type VpnState =
  | IdleState
  | StartingState
  | ConnectingState
  | ConnectedState
  | ReconnectingState
  | StoppingState
  | StoppedState
  | FailedState;

/** Every `phase` value. */
export type VpnPhase = VpnState['phase'];

/** A state with a live openvpn behind it (or about to be). */
export type LiveState =
  StartingState | ConnectingState | ConnectedState | ReconnectingState | StoppingState;

/** True for `stopped` and `failed`: no event changes these any more. */
export const isTerminal = (state: VpnState): state is StoppedState | FailedState =>
  state.phase === 'stopped' || state.phase === 'failed';

/** The state a session starts in. */
export const idleState = (at: number): IdleState => ({ phase: 'idle', at });
