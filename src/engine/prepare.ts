import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import {
  defer,
  filter,
  lastValueFrom,
  map,
  shareReplay,
  switchMap,
  take,
  timer,
  toArray,
  catchError,
  of,
  type SchedulerLike,
} from 'rxjs';
import { VpnError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { buildLaunchCommand } from '../launcher/build-launch-command.js';
import { findOpenvpn } from '../launcher/find-openvpn.js';
import type { LaunchCommand } from '../launcher/launch-command.js';
import { markerArgs, ownershipMarker, type ProcessIdentity } from '../launcher/ownership-marker.js';
import * as command from '../management/command.js';
import { attachSession } from '../management/session.js';
import { connectSocket, listenManagement, type ManagementListener } from '../management/socket.js';
import { renderConfig } from '../profile/render-config.js';
import { discoverInstances, type OurInstance } from '../process/instances.js';
import { planStart } from '../process/instances-plan.js';
import type { ProcessTable } from '../process/instances-table.js';
import type { ProcessInfo } from '../process/process-info.js';
import { processStopSteps } from '../process/process-stop-steps.js';
import { stopEscalation } from '../process/stop-escalation.js';
import type { EngineOptions } from './engine-options.js';
import { isLivePid } from './live-tunnels.js';
import { createRuntimeDir, sweepRuntimeDirs, type RuntimeDir } from './runtime-dir.js';

/** Everything a tunnel needs once the start checks passed. */
export interface PreparedStart {
  readonly launch: LaunchCommand;
  readonly runtime: RuntimeDir;
  /** Present in `dial-in` mode: openvpn connects here. */
  readonly listener: ManagementListener | undefined;
  /** Removes the listener and the runtime directory; safe to call twice. */
  readonly cleanup: () => Promise<void>;
}

export interface PrepareContext {
  readonly options: EngineOptions;
  readonly appId: string;
  readonly engine: ProcessIdentity;
  readonly processTable: ProcessTable;
  readonly processInfo: ProcessInfo;
  readonly fileExists?: (path: string) => boolean;
  readonly envPath: string | undefined;
  readonly runtimeBase: string | undefined;
  readonly scheduler: SchedulerLike;
  readonly logger: Logger;
}

const STALE_POLL_MS = 100;

/**
 * The start checks and set-up, in order: the binary, other openvpn instances (stale ones of
 * ours are stopped, a live or alien one refuses the start), leftovers of crashed runs, then a
 * fresh private directory with the profile and the management socket. Rejects with a
 * VpnError; whatever was created before a failure is removed.
 */
export async function prepareStart(context: PrepareContext): Promise<PreparedStart> {
  const { options, appId, logger } = context;
  const found = findOpenvpn({
    ...(options.openvpnPath === undefined ? {} : { path: options.openvpnPath }),
    ...(context.envPath === undefined ? {} : { envPath: context.envPath }),
    platform: process.platform,
    exists: context.fileExists ?? existsSync,
  });
  if (found._tag === 'Left') throw found.left;
  const openvpnPath = found.right;

  await clearOtherInstances(context);
  await sweepRuntimeDirs(appId, (owner) => isRunning(context.processTable, owner), {
    ...(context.runtimeBase === undefined ? {} : { base: context.runtimeBase }),
    logger,
  });

  const runtime = await createRuntimeDir(appId, context.engine, context.runtimeBase);
  let listener: ManagementListener | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanup = (): Promise<void> =>
    (cleaned ??= (async () => {
      await listener?.close().catch(() => undefined);
      await runtime.remove();
    })());
  try {
    await writeFile(runtime.configPath, renderConfig(options.profile), { mode: 0o600 });
    const mode = options.management?.kind ?? 'dial-in';
    if (mode === 'dial-in') {
      listener = await listenManagement({ kind: 'unix', path: runtime.socketPath });
    }
    const marker = ownershipMarker(appId, context.engine);
    if (marker._tag === 'Left') throw marker.left;
    const launched = buildLaunchCommand({
      openvpnPath,
      openvpnArgs: [
        '--config',
        runtime.configPath,
        '--management',
        runtime.socketPath,
        'unix',
        ...(mode === 'dial-in' ? ['--management-client'] : []),
        '--management-hold',
        '--management-query-passwords',
        ...(options.remotePolicy === undefined ? [] : ['--management-query-remote']),
        ...(options.proxyPolicy === undefined ? [] : ['--management-query-proxy']),
        ...markerArgs(marker.right),
      ],
      launcher: options.launcher ?? { kind: 'direct' },
      platform: process.platform,
    });
    if (launched._tag === 'Left') throw launched.left;
    return { launch: launched.right, runtime, listener, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

async function clearOtherInstances(context: PrepareContext): Promise<void> {
  const { appId, logger } = context;
  const instances = (await discoverInstances(appId, context.processTable)).filter(
    (instance) => !isLivePid(instance.pid),
  );
  const plan = planStart(instances, {
    appId,
    selfPid: context.engine.pid,
    takeover: context.options.takeover ?? false,
  });
  if (plan.kind === 'refuse') throw plan.error;
  for (const instance of plan.unmarked) {
    logger.info('an openvpn not started by rx-openvpn is running; leaving it alone', {
      pid: instance.pid,
      profile: instance.profile,
    });
  }
  for (const order of plan.stop) {
    logger.warn('stopping an earlier openvpn of this application', {
      pid: order.instance.pid,
      reason: order.reason,
    });
    await stopInstance(order.instance, context);
  }
}

/**
 * True while the process named by `identity` runs. A zombie (exited, not yet reaped: an orphan
 * under an init that reaps late or never, or a child of a launcher that does not wait) keeps
 * its pid and start time but has lost its command line, so it counts as gone.
 */
async function isRunning(table: ProcessTable, identity: ProcessIdentity): Promise<boolean> {
  return (
    (await table.startTime(identity.pid)) === identity.startTime &&
    (await table.argv(identity.pid)) !== undefined
  );
}

// A stale instance started in `listen` mode still has its management socket: ask it first.
function managementPathOf(instance: OurInstance): string | undefined {
  const args = instance.argv;
  const at = args.indexOf('--management');
  if (at === -1 || args.includes('--management-client') || args[at + 2] !== 'unix') {
    return undefined;
  }
  return args[at + 1];
}

async function stopInstance(instance: OurInstance, context: PrepareContext): Promise<void> {
  const { scheduler } = context;
  const target = { pid: instance.pid, startTime: instance.startTime };
  const gone = async (): Promise<boolean> => !(await isRunning(context.processTable, target));
  const exited$ = timer(0, STALE_POLL_MS, scheduler).pipe(
    switchMap(() => defer(gone)),
    filter(Boolean),
    take(1),
    shareReplay(1),
  );
  const socketPath = managementPathOf(instance);
  const managementSignal =
    socketPath === undefined
      ? undefined
      : () =>
          connectSocket({ kind: 'unix', path: socketPath }).pipe(
            switchMap((socket) => attachSession(socket, { scheduler })),
            switchMap((session) => session.send(command.signal('SIGTERM'))),
          );
  const steps = processStopSteps({
    target,
    ...(managementSignal === undefined ? {} : { managementSignal }),
    signalDeps: { processInfo: context.processInfo },
  });
  const outcome = await lastValueFrom(
    stopEscalation(exited$, steps, { scheduler, logger: context.logger }).pipe(
      toArray(),
      map((progress) => progress.at(-1)),
      catchError(() => of(undefined)),
    ),
  );
  if (outcome?.kind !== 'StopFinished') {
    throw new VpnError(
      'OPENVPN_ALREADY_RUNNING',
      `an earlier openvpn of this application (pid ${instance.pid}) could not be stopped; ` +
        'stop it by hand (it may belong to another user)',
      { details: { pid: instance.pid } },
    );
  }
}
