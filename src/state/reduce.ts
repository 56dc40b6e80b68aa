import type { EngineEvent, OpenvpnLost, ProcessExited } from './engine-event.js';
import { failureOfFatal, failureOfPasswordType, failureOfStdout } from './failure-cause.js';
import {
  carried,
  onHoldEntered,
  onHoldReleased,
  onOpenvpnState,
  type OpenState,
} from './openvpn-progress.js';
import { sameState } from './same-state.js';
import { preferFailure, vpnFailure, type VpnFailure } from './vpn-failure.js';
import { isTerminal, type VpnState } from './vpn-state.js';

/** Keeps `failure` as the session's cause, unless the recorded one says more. */
const recordFailure = (state: OpenState, at: number, failure: VpnFailure | undefined): VpnState => {
  if (failure === undefined || state.phase === 'idle') return state;
  // What openvpn says on its way out of a stop the consumer asked for ("SIGTERM received,
  // process exiting") is the stop itself, not a cause to show.
  if (state.phase === 'stopping' && state.requested) return state;
  const lastError = preferFailure(state.lastError, failure);
  return lastError === state.lastError ? state : { ...state, at, lastError };
};

// After a stop request the exit is a stop, even when openvpn was already exiting on its own:
// the consumer's intent wins.
const onStopRequested = (state: OpenState, at: number): VpnState => {
  if (state.phase === 'idle') return { phase: 'stopped', at };
  if (state.phase === 'stopping') {
    return state.requested ? state : { ...state, at, requested: true };
  }
  return { phase: 'stopping', at, requested: true, ...carried(state) };
};

const exitFields = (event: ProcessExited) => ({
  ...(event.code === null ? {} : { exitCode: event.code }),
  ...(event.signal === null ? {} : { signal: event.signal }),
});

const unexpectedExit = (event: ProcessExited): VpnFailure => {
  const how = event.signal === null ? `exit code ${event.code ?? 'unknown'}` : event.signal;
  return vpnFailure('PROCESS_EXITED', `openvpn exited unexpectedly (${how}).`);
};

const onExit = (state: OpenState, event: ProcessExited): VpnState => {
  if (state.phase === 'idle') return state;
  if (state.phase === 'stopping' && state.requested) {
    return { phase: 'stopped', at: event.at, ...exitFields(event) };
  }
  const cause = state.lastError ?? unexpectedExit(event);
  const error = vpnFailure(cause.code, cause.message, { ...cause.details, ...exitFields(event) });
  return { phase: 'failed', at: event.at, error };
};

// An attached openvpn that vanished: after a requested stop that is the stop; after openvpn
// announced its own exit, the cause it gave; otherwise the link loss itself.
const onLost = (state: OpenState, event: OpenvpnLost): VpnState => {
  if (state.phase === 'stopping' && state.requested) return { phase: 'stopped', at: event.at };
  const cause = state.phase === 'stopping' ? (state.lastError ?? event.error) : event.error;
  return { phase: 'failed', at: event.at, error: cause };
};

const transition = (state: OpenState, event: EngineEvent): VpnState => {
  switch (event.kind) {
    case 'StartRequested':
    case 'ProcessSpawned':
    case 'PidReported':
      return state.phase === 'idle' ? { phase: 'starting', at: event.at } : state;
    case 'ManagementAttached':
    case 'ManagementDetached':
      // The phase follows openvpn, not the management link; the engine decides what a lost
      // link means.
      return state;
    case 'HoldEntered':
      return onHoldEntered(state, event);
    case 'HoldReleased':
      return onHoldReleased(state, event.at);
    case 'OpenvpnStateChanged':
      return onOpenvpnState(state, event);
    case 'PasswordVerificationFailed':
      return recordFailure(state, event.at, failureOfPasswordType(event.type, event.reason));
    case 'FatalReported':
      return recordFailure(state, event.at, failureOfFatal(event.text));
    case 'StdoutLineClassified':
      return recordFailure(state, event.at, failureOfStdout(event.event));
    case 'StopRequested':
      return onStopRequested(state, event.at);
    case 'ProcessExited':
      return onExit(state, event);
    case 'StartFailed':
      // A start abandoned because the consumer stopped first is a stop, not a failure.
      return state.phase === 'stopping' && state.requested
        ? { phase: 'stopped', at: event.at }
        : { phase: 'failed', at: event.at, error: event.error };
    case 'StartCancelled':
      return { phase: 'stopped', at: event.at };
    case 'StopFailed':
      return {
        phase: 'failed',
        at: event.at,
        error: vpnFailure(event.code ?? 'STOP_FAILED', event.message, { pid: event.pid }),
      };
    case 'OpenvpnLost':
      return onLost(state, event);
    case 'EngineDetached':
      return { phase: 'stopped', at: event.at, detached: true };
    default:
      return state;
  }
};

/**
 * The next state after `event`: pure and total. Events after `stopped` or `failed`, and events
 * that change nothing, return the very same `state` object, so a reference
 * `distinctUntilChanged()` drops them. openvpn's management `>STATE` drives the phase; stdout
 * lines, `>PASSWORD` failures and `>FATAL` only record the cause used when the process exits.
 */
export const reduce = (state: VpnState, event: EngineEvent): VpnState => {
  if (isTerminal(state)) return state;
  const next = transition(state, event);
  return next === state || sameState(state, next) ? state : next;
};
