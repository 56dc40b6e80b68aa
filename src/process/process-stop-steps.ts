import type { Observable } from 'rxjs';
import { defer, of, throwError } from 'rxjs';
import { VpnError } from '../core/errors.js';
import type { ProcessIdentity } from '../launcher/ownership-marker.js';
import type { SignalDeps, SignalResult } from './signal-process.js';
import { signalProcess } from './signal-process.js';
import type { StopStep, StopStepName } from './stop-escalation.js';
import {
  STOP_MANAGEMENT_GRACE_MS,
  STOP_SIGKILL_GRACE_MS,
  STOP_SIGTERM_GRACE_MS,
} from './stop-escalation.js';

/** What {@link processStopSteps} needs to stop one openvpn. */
export interface ProcessStopOptions {
  readonly target: ProcessIdentity;
  /** Sends `signal SIGTERM` over the management interface; omitted when there is none. */
  readonly managementSignal?: () => Observable<unknown>;
  readonly signalDeps: SignalDeps;
  /** Overrides of the default graces, per step. */
  readonly graces?: Readonly<Partial<Record<StopStepName, number>>>;
}

const DEFAULT_GRACES_MS: Readonly<Record<StopStepName, number>> = {
  'management-signal': STOP_MANAGEMENT_GRACE_MS,
  sigterm: STOP_SIGTERM_GRACE_MS,
  sigkill: STOP_SIGKILL_GRACE_MS,
};

// A refused signal is an error, so the escalation moves on at once; `gone` and `reused`
// mean the process has exited already and the exit event is on its way.
const sendSignal =
  (target: ProcessIdentity, signal: NodeJS.Signals, deps: SignalDeps) =>
  (): Observable<SignalResult> =>
    defer(() => {
      const result = signalProcess(target.pid, target.startTime, signal, deps);
      return result === 'denied'
        ? throwError(
            () =>
              new VpnError('PERMISSION_DENIED', `not allowed to send ${signal} to ${target.pid}`, {
                details: target,
              }),
          )
        : of(result);
    });

/**
 * The stop ladder for one process, for `stopEscalation`: management signal (when given), then
 * SIGTERM, then SIGKILL, each checked against the start time so a reused pid is spared.
 * Behind sudo or a helper the pid is the launcher's: SIGTERM is relayed to openvpn, SIGKILL
 * is not, so the management signal is the step that counts there.
 */
export function processStopSteps(options: ProcessStopOptions): readonly StopStep[] {
  const { target, managementSignal, signalDeps, graces = {} } = options;
  const grace = (step: StopStepName): number => graces[step] ?? DEFAULT_GRACES_MS[step];
  const signalSteps: readonly StopStep[] = [
    { step: 'sigterm', act: sendSignal(target, 'SIGTERM', signalDeps), graceMs: grace('sigterm') },
    { step: 'sigkill', act: sendSignal(target, 'SIGKILL', signalDeps), graceMs: grace('sigkill') },
  ];
  return managementSignal === undefined
    ? signalSteps
    : [
        {
          step: 'management-signal',
          act: managementSignal,
          graceMs: grace('management-signal'),
        },
        ...signalSteps,
      ];
}
