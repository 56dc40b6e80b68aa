import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { lastValueFrom, type ObservableInput, type SchedulerLike } from 'rxjs';
import { VpnError } from '../core/errors.js';
import { sharedWhileInFlightByKey } from '../core/in-flight.js';
import type { Logger } from '../core/logger.js';
import { buildLaunchCommand } from '../launcher/build-launch-command.js';
import { findOpenvpn } from '../launcher/find-openvpn.js';
import type { LaunchCommand } from '../launcher/launch-command.js';
import { markerArgs, ownershipMarker, type ProcessIdentity } from '../launcher/ownership-marker.js';
import { listenManagement, type ManagementListener } from '../management/socket.js';
import { renderEngineConfig } from '../profile/inline-username.js';
import { discoverInstances, type OurInstance } from '../process/instances.js';
import { planStart } from '../process/instances-plan.js';
import type { ProcessTable } from '../process/instances-table.js';
import type { ProcessInfo } from '../process/process-info.js';
import type { EngineOptions } from './engine-options.js';
import { isLivePid } from './live-tunnels.js';
import { createRuntimeDir, sweepRuntimeDirs, type RuntimeDir } from './runtime-dir.js';
import { isRunning, stopInstance$ } from './stop-instance.js';

/** Everything a tunnel needs once the start checks passed. */
/**
 * The pending-login methods announced to the server (`IV_SSO`, management-notes
 * "client-pending-auth"): a server checks it before it holds a login with `CR_TEXT`,
 * `WEB_AUTH` or `OPEN_URL`. A credentials provider answers all three as prompts. Given after
 * `--config`, so it replaces a profile's own `setenv IV_SSO`.
 */
export const PENDING_AUTH_METHODS = 'crtext,webauth,openurl';

export interface PreparedStart {
  readonly launch: LaunchCommand;
  readonly runtime: RuntimeDir;
  /** Present in `dial-in` mode: openvpn connects here. */
  readonly listener: ManagementListener | undefined;
  /** Removes the listener and the runtime directory; safe to call twice. */
  readonly cleanup: () => ObservableInput<void>;
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

// Concurrent starts of one application in this process share one sweep: it reads every
// runtime directory of the application, so fifty starts at once would read fifty directories
// fifty times, most of them this engine's own.
const sharedSweep = sharedWhileInFlightByKey<unknown>();

/** Removes the runtime directories of dead engines, joining a sweep already under way. */
function sweepOnce(context: PrepareContext): Promise<unknown> {
  const { appId, engine, runtimeBase, processTable, logger } = context;
  const isSelf = (owner: ProcessIdentity): boolean =>
    owner.pid === engine.pid && owner.startTime === engine.startTime;
  return sharedSweep(`${runtimeBase ?? ''}\0${appId}`, () =>
    sweepRuntimeDirs(
      appId,
      async (owner) => isSelf(owner) || (await isRunning(processTable, owner)),
      { ...(runtimeBase === undefined ? {} : { base: runtimeBase }), logger },
    ),
  );
}

/**
 * The start checks and set-up: the binary, other openvpn instances (stale ones of ours are
 * stopped, a live or alien one refuses the start) and leftovers of crashed runs, while a fresh
 * private directory with the profile and the management socket is made beside them; both are
 * done before anything is spawned. Rejects with a VpnError; whatever was created before a
 * failure is removed.
 */
export async function prepareStart(context: PrepareContext): Promise<PreparedStart> {
  const { options, appId } = context;
  const found = findOpenvpn({
    ...(options.openvpnPath === undefined ? {} : { path: options.openvpnPath }),
    ...(context.envPath === undefined ? {} : { envPath: context.envPath }),
    platform: process.platform,
    exists: context.fileExists ?? existsSync,
  });
  if (found._tag === 'Left') throw found.left;
  const openvpnPath = found.right;

  // The process scan is the slow part of a start; the directory does not wait for it. The
  // sweep spares the new directory: its owner, this engine, is alive.
  const checks = (async () => {
    await clearOtherInstances(context);
    await sweepOnce(context);
  })();
  const [checked, setUp] = await Promise.allSettled([checks, setUpRuntime(context)]);
  if (checked.status === 'rejected') {
    if (setUp.status === 'fulfilled') await setUp.value.cleanup();
    throw checked.reason;
  }
  if (setUp.status === 'rejected') throw setUp.reason;
  const { runtime, listener, cleanup } = setUp.value;
  try {
    const mode = options.management?.kind ?? 'dial-in';
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
        ...(options.credentials === undefined ? [] : ['--setenv', 'IV_SSO', PENDING_AUTH_METHODS]),
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

type RuntimeSetUp = Pick<PreparedStart, 'runtime' | 'listener'> & {
  readonly cleanup: () => Promise<void>;
};

// The private directory, the profile in it and, in dial-in mode, the listening socket.
async function setUpRuntime(context: PrepareContext): Promise<RuntimeSetUp> {
  const { options, appId } = context;
  const runtime = await createRuntimeDir(appId, context.engine, context.runtimeBase);
  let listener: ManagementListener | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanup = (): Promise<void> =>
    (cleaned ??= (async () => {
      await listener?.close().catch(() => undefined);
      await runtime.remove();
    })());
  try {
    await writeFile(runtime.configPath, renderEngineConfig(options.profile), { mode: 0o600 });
    if ((options.management?.kind ?? 'dial-in') === 'dial-in') {
      listener = await listenManagement({ kind: 'unix', path: runtime.socketPath });
    }
    return { runtime, listener, cleanup };
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

async function stopInstance(instance: OurInstance, context: PrepareContext): Promise<void> {
  const outcome = await lastValueFrom(
    stopInstance$(instance, {
      processTable: context.processTable,
      processInfo: context.processInfo,
      scheduler: context.scheduler,
      logger: context.logger,
    }),
    { defaultValue: undefined },
  ).catch(() => undefined);
  if (outcome?.kind !== 'StopFinished') {
    throw new VpnError(
      'OPENVPN_ALREADY_RUNNING',
      `an earlier openvpn of this application (pid ${instance.pid}) could not be stopped; ` +
        'stop it by hand (it may belong to another user)',
      { details: { pid: instance.pid } },
    );
  }
}
