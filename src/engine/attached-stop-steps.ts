import { EMPTY, catchError, defer, tap, throwError, type Observable } from 'rxjs';
import { isVpnError } from '../core/errors.js';
import type { ProcessIdentity } from '../launcher/ownership-marker.js';
import { processStopSteps } from '../process/process-stop-steps.js';
import type { SignalDeps } from '../process/signal-process.js';
import type { StopStep } from '../process/stop-escalation.js';
import type { StopDeadlines } from './engine-options.js';
import type { StopKind } from './tunnel.js';

/** What the stop of an attached openvpn can use. */
export interface AttachedStopOptions {
  readonly kind: StopKind;
  /** The pid, when it names a local openvpn whose start time was read; signals need it. */
  readonly target: ProcessIdentity | undefined;
  /** Sends `signal SIGTERM` over the live session; absent while the link is down. */
  readonly managementSignal: (() => Observable<unknown>) | undefined;
  readonly signalDeps: SignalDeps;
  readonly deadlines: StopDeadlines;
  /** Called when a signal is refused with EPERM: openvpn is not ours to signal. */
  readonly onDenied: () => void;
}

/**
 * The stop ladder for an openvpn someone else started: the management signal, then SIGTERM and
 * SIGKILL only for a local pid (checked against its start time, so a reused pid is spared). A
 * `kill` goes straight to SIGKILL when there is one. openvpn may hang up before its reply to the
 * management signal is read; it is exiting then, so that is no reason to escalate.
 */
export function attachedStopSteps(options: AttachedStopOptions): readonly StopStep[] {
  const { target, deadlines } = options;
  const signal = options.managementSignal;
  const managementSignal =
    signal === undefined
      ? undefined
      : () =>
          signal().pipe(
            catchError((error: unknown) =>
              isVpnError(error, 'MANAGEMENT_CLOSED') ? EMPTY : throwError(() => error),
            ),
          );
  const graces = {
    'management-signal': deadlines.managementMs,
    sigterm: deadlines.sigtermMs,
    sigkill: deadlines.sigkillMs,
  };
  const noteDenial = (step: StopStep): StopStep => ({
    ...step,
    act: () =>
      defer(() => step.act() ?? EMPTY).pipe(
        tap({
          error: (error: unknown) => {
            if (isVpnError(error, 'PERMISSION_DENIED')) options.onDenied();
          },
        }),
      ),
  });
  const all: readonly StopStep[] =
    target !== undefined
      ? processStopSteps({
          target,
          ...(managementSignal === undefined ? {} : { managementSignal }),
          signalDeps: options.signalDeps,
          graces,
        }).map(noteDenial)
      : managementSignal !== undefined
        ? [
            {
              step: 'management-signal',
              act: managementSignal,
              graceMs: graces['management-signal'],
            },
          ]
        : [];
  const killOnly = all.filter((step) => step.step === 'sigkill');
  return options.kind === 'kill' && killOnly.length > 0 ? killOnly : all;
}
