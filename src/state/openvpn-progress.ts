// How openvpn's own reports (>STATE, >HOLD, hold release) move the state; part of `reduce`.

import type { HoldEntered, OpenvpnStateChanged } from './engine-event.js';
import { failureOfExit, failureOfReason } from './failure-cause.js';
import { reconnectReasonOf } from './reconnect-reason.js';
import { preferFailure, type VpnFailure } from './vpn-failure.js';
import type { ConnectStep, IdleState, LiveState, StepProgress, VpnState } from './vpn-state.js';

/** A state that still takes events. */
export type OpenState = IdleState | LiveState;

// The >STATE names that are steps towards a tunnel (management-notes "COMMAND -- state").
const OPENVPN_STEPS: ReadonlySet<string> = new Set<ConnectStep>([
  'CONNECTING',
  'RESOLVE',
  'TCP_CONNECT',
  'WAIT',
  'AUTH',
  'AUTH_PENDING',
  'GET_CONFIG',
  'ASSIGN_IP',
  'ADD_ROUTES',
]);

const isOpenvpnStep = (name: string): name is ConnectStep => OPENVPN_STEPS.has(name);

/** `lastError` of a live state, as a spreadable record (nothing for idle). */
export const carried = (state: OpenState): { readonly lastError?: VpnFailure } =>
  state.phase === 'idle' || state.lastError === undefined ? {} : { lastError: state.lastError };

const withLastError = (failure: VpnFailure | undefined): { readonly lastError?: VpnFailure } =>
  failure === undefined ? {} : { lastError: failure };

/** The step fields, leaving out the numbers that do not apply. */
const progress = (step: ConnectStep, seconds?: number): StepProgress => {
  if (seconds === undefined || !Number.isFinite(seconds)) return { step };
  if (step === 'HOLD') return { step, holdBackoffSeconds: seconds };
  if (step === 'AUTH_PENDING') return { step, authTimeoutSeconds: seconds };
  return { step };
};

/** Moves to `step`: within `reconnecting` when openvpn restarted, else `connecting`. */
const stepTo = (state: OpenState, at: number, step: StepProgress): VpnState => {
  if (state.phase === 'stopping') return state;
  if (state.phase === 'reconnecting') {
    const { reason, rawReason, attempt } = state;
    return { phase: 'reconnecting', at, reason, rawReason, attempt, ...step, ...carried(state) };
  }
  return { phase: 'connecting', at, ...step, ...carried(state) };
};

// AUTH_PENDING's field (c) reads "timeout <n>" (management-notes, openvpn 2.6).
const authTimeoutOf = (description: string): number | undefined => {
  const match = /(\d+)/.exec(description);
  return match?.[1] === undefined ? undefined : Number(match[1]);
};

/** `>HOLD`: openvpn waits for `hold release`, at the start or after a restart. */
export const onHoldEntered = (state: OpenState, event: HoldEntered): VpnState =>
  state.phase === 'connected'
    ? state
    : stepTo(state, event.at, progress('HOLD', event.backoffSeconds));

/** `hold release` succeeded: openvpn goes on connecting. */
export const onHoldReleased = (state: OpenState, at: number): VpnState =>
  (state.phase === 'connecting' || state.phase === 'reconnecting') && state.step === 'HOLD'
    ? stepTo(state, at, progress('CONNECTING'))
    : state;

const onRestart = (state: OpenState, event: OpenvpnStateChanged): VpnState => {
  // A restart openvpn has not progressed from yet is the same restart reported twice (the
  // `state` reply repeats the last >STATE notification).
  if (state.phase === 'reconnecting' && state.step === undefined) return state;
  const rawReason = event.description;
  const attempt = state.phase === 'reconnecting' ? state.attempt + 1 : 1;
  const known = state.phase === 'idle' ? undefined : state.lastError;
  const failure = failureOfReason(rawReason);
  return {
    phase: 'reconnecting',
    at: event.at,
    reason: reconnectReasonOf(rawReason),
    rawReason,
    attempt,
    ...withLastError(failure === undefined ? known : preferFailure(known, failure)),
  };
};

/** One `>STATE` report. */
export const onOpenvpnState = (state: OpenState, event: OpenvpnStateChanged): VpnState => {
  const { at, name } = event;
  if (state.phase === 'stopping') return state;
  if (isOpenvpnStep(name)) {
    // openvpn reports CONNECTING before it holds; a replayed CONNECTING must not hide the hold.
    const holding =
      (state.phase === 'connecting' || state.phase === 'reconnecting') && state.step === 'HOLD';
    if (holding && name === 'CONNECTING') return state;
    return stepTo(state, at, progress(name, authTimeoutOf(event.description)));
  }
  switch (name) {
    case 'CONNECTED':
      return {
        phase: 'connected',
        at,
        ...(event.localIpv4 ? { localIpv4: event.localIpv4 } : {}),
        ...(event.localIpv6 ? { localIpv6: event.localIpv6 } : {}),
        ...(event.remoteHost && event.remotePort !== undefined
          ? { remote: { host: event.remoteHost, port: event.remotePort } }
          : {}),
        since: state.phase === 'connected' ? state.since : at,
      };
    case 'RECONNECTING':
      return onRestart(state, event);
    case 'EXITING': {
      const known = state.phase === 'idle' ? undefined : state.lastError;
      return {
        phase: 'stopping',
        at,
        requested: false,
        rawReason: event.description,
        lastError: preferFailure(known, failureOfExit(event.description)),
      };
    }
    default:
      return state;
  }
};
