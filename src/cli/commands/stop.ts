import { asyncScheduler, lastValueFrom, type SchedulerLike } from 'rxjs';
import { stopInstance$ } from '../../engine/stop-instance.js';
import { createProcessTable } from '../../process/instances-table.js';
import {
  discoverInstances,
  type OpenvpnInstance,
  type OurInstance,
} from '../../process/instances.js';
import { procfsProcessInfo, type ProcessInfo } from '../../process/process-info.js';
import {
  STOP_SIGKILL_GRACE_MS,
  STOP_SIGTERM_GRACE_MS,
  type StopProgress,
} from '../../process/stop-escalation.js';
import type { StopCommand } from '../cli-command.js';
import { formatElapsed } from '../human-units.js';
import { sanitizeForTerminal } from '../sanitize.js';
import type { CliIo } from './cli-io.js';
import { EXIT_FAILURE, EXIT_OK } from './exit-code.js';
import type { ProcessTableDeps } from './ps.js';
import { createStderrLogger } from './stderr-logger.js';
import { splitSignalTimeout, type SignalGraces } from './stop-timeout.js';

/** Ports of `stop`, for tests; each defaults to the real thing. */
export interface StopDeps extends ProcessTableDeps {
  readonly processInfo?: ProcessInfo;
  readonly scheduler?: SchedulerLike;
  /** Sends a signal; default `process.kill`. */
  readonly kill?: (pid: number, signal: NodeJS.Signals) => void;
}

const DEFAULT_GRACES: SignalGraces = {
  sigtermMs: STOP_SIGTERM_GRACE_MS,
  sigkillMs: STOP_SIGKILL_GRACE_MS,
};

const describeOutcome = (instance: OurInstance, outcome: StopProgress | undefined): string => {
  if (outcome?.kind === 'StopFinished') {
    return outcome.via === 'already-exited'
      ? `pid ${instance.pid} had exited already\n`
      : `stopped pid ${instance.pid} (${outcome.via}, ${formatElapsed(outcome.elapsedMs)})\n`;
  }
  const why = outcome?.kind === 'StopFailed' ? outcome.error.message : 'the stop did not finish';
  return `could not stop pid ${instance.pid}: ${sanitizeForTerminal(why)}\n`;
};

const nothingToStop = (command: StopCommand, live: number): string => {
  const none = command.allOurs
    ? `nothing to stop: no openvpn of ${command.appId} runs`
    : `nothing to stop: no openvpn of ${command.appId} was left behind by its engine`;
  const hint =
    live === 0
      ? ''
      : `\n${live} of ${command.appId} run with their engine: \`rx-openvpn stop --all-ours\` ` +
        'stops them too.';
  return `${none}.${hint}\n`;
};

/**
 * `rx-openvpn stop [--all-ours]`: stops the openvpn processes of this application id whose
 * engine is gone, or with `--all-ours` every one of them: through its management socket when
 * it has one, then SIGTERM, then SIGKILL, the exit seen by polling the start time (a reused
 * pid is never signalled). Other applications'
 * and unmarked openvpn processes are never touched. Exit 1 when one could not be stopped.
 */
export async function runStop(
  command: StopCommand,
  io: Pick<CliIo, 'stdout' | 'stderr'>,
  deps: StopDeps = {},
): Promise<number> {
  const scheduler = deps.scheduler ?? asyncScheduler;
  const processInfo = deps.processInfo ?? procfsProcessInfo();
  const logger = createStderrLogger(io.stderr, { verbosity: 0 });
  const processTable = deps.processTable ?? createProcessTable();
  const graces =
    command.stopTimeoutMs === undefined
      ? DEFAULT_GRACES
      : splitSignalTimeout(command.stopTimeoutMs);
  let instances: readonly OpenvpnInstance[];
  try {
    instances = await discoverInstances(command.appId, processTable);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`rx-openvpn: ${sanitizeForTerminal(message)}\n`);
    return EXIT_FAILURE;
  }
  const ours = instances.filter((instance) => instance.kind === 'ours');
  const targets = ours.filter((instance) => command.allOurs || !instance.engineAlive);
  if (targets.length === 0) {
    io.stdout.write(nothingToStop(command, ours.length));
    return EXIT_OK;
  }
  const outcomes = await Promise.all(
    targets.map(async (instance) => {
      const outcome = await lastValueFrom(
        stopInstance$(instance, {
          processTable,
          processInfo,
          scheduler,
          logger,
          graces: { sigterm: graces.sigtermMs, sigkill: graces.sigkillMs },
          ...(deps.kill === undefined ? {} : { kill: deps.kill }),
        }),
        { defaultValue: undefined },
      );
      return { instance, outcome };
    }),
  );
  let failed = false;
  for (const { instance, outcome } of outcomes) {
    const line = describeOutcome(instance, outcome);
    if (outcome?.kind === 'StopFinished') {
      io.stdout.write(line);
    } else {
      failed = true;
      io.stderr.write(line);
    }
  }
  return failed ? EXIT_FAILURE : EXIT_OK;
}
