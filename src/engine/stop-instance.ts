import {
  asyncScheduler,
  defer,
  filter,
  finalize,
  shareReplay,
  switchMap,
  take,
  timer,
  type Observable,
  type ObservableInput,
  type SchedulerLike,
} from 'rxjs';
import { silentLogger, type Logger } from '../core/logger.js';
import type { ProcessIdentity } from '../launcher/ownership-marker.js';
import * as command from '../management/command.js';
import { attachSession } from '../management/session.js';
import { connectSocket, type SocketConnector } from '../management/socket.js';
import type { ProcessTable } from '../process/instances-table.js';
import type { OurInstance } from '../process/instances.js';
import type { ProcessInfo } from '../process/process-info.js';
import { processStopSteps } from '../process/process-stop-steps.js';
import {
  stopEscalation,
  type StopProgress,
  type StopStepName,
} from '../process/stop-escalation.js';

/** How often a stopping instance is looked for in the process table. */
export const INSTANCE_POLL_MS = 100;

export interface StopInstanceDeps {
  readonly processTable: ProcessTable;
  readonly processInfo: ProcessInfo;
  readonly scheduler?: SchedulerLike;
  readonly logger?: Logger;
  readonly graces?: Readonly<Partial<Record<StopStepName, number>>>;
  /** Sends a signal; default `process.kill`. */
  readonly kill?: (pid: number, signal: NodeJS.Signals) => void;
  /** Reaches the instance's management socket; default the Node connector. */
  readonly connector?: SocketConnector;
  /** Whether the instance still runs; default {@link isRunning} on the process table. */
  readonly running?: (target: ProcessIdentity) => ObservableInput<boolean>;
}

/**
 * True while the process named by `identity` runs. A zombie (exited, not yet reaped: an orphan
 * under an init that reaps late or never, or a child of a launcher that does not wait) keeps
 * its pid and start time but has lost its command line, so it counts as gone.
 */
export async function isRunning(table: ProcessTable, identity: ProcessIdentity): Promise<boolean> {
  return (
    (await table.startTime(identity.pid)) === identity.startTime &&
    (await table.argv(identity.pid)) !== undefined
  );
}

/** The unix management socket of an instance started in `listen` mode, from its argv. */
export function managementPathOf(instance: OurInstance): string | undefined {
  const args = instance.argv;
  const at = args.indexOf('--management');
  if (at === -1 || args.includes('--management-client') || args[at + 2] !== 'unix') {
    return undefined;
  }
  return args[at + 1];
}

/**
 * Stops an openvpn of ours that no live engine supervises: through its management socket when
 * it still has one (`listen` mode), then SIGTERM, then SIGKILL; its exit is seen by polling the
 * process table, so a reused pid is never taken for it.
 */
export function stopInstance$(
  instance: OurInstance,
  deps: StopInstanceDeps,
): Observable<StopProgress> {
  const scheduler = deps.scheduler ?? asyncScheduler;
  const target = { pid: instance.pid, startTime: instance.startTime };
  const exited$ = timer(0, INSTANCE_POLL_MS, scheduler).pipe(
    switchMap(() =>
      defer(() => (deps.running ?? ((t) => isRunning(deps.processTable, t)))(target)),
    ),
    filter((running) => !running),
    take(1),
    // Replayed to each step of the escalation; released (polling stops) when the stop ends.
    shareReplay({ bufferSize: 1, refCount: true }),
  );
  const socketPath = managementPathOf(instance);
  const managementSignal =
    socketPath === undefined
      ? undefined
      : () =>
          (deps.connector ?? connectSocket)({ kind: 'unix', path: socketPath }).pipe(
            switchMap((socket) => attachSession(socket, { scheduler })),
            switchMap((session) =>
              session.send(command.signal('SIGTERM')).pipe(finalize(() => session.close())),
            ),
          );
  const steps = processStopSteps({
    target,
    ...(managementSignal === undefined ? {} : { managementSignal }),
    signalDeps: {
      processInfo: deps.processInfo,
      ...(deps.kill === undefined ? {} : { kill: deps.kill }),
    },
    ...(deps.graces === undefined ? {} : { graces: deps.graces }),
  });
  return stopEscalation(exited$, steps, { scheduler, logger: deps.logger ?? silentLogger });
}
