import { readFile } from 'node:fs/promises';
import { isLeft } from 'fp-ts/lib/Either.js';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { EngineOptions } from '../../engine/engine-options.js';
import { startTunnel, type Tunnel } from '../../engine/vpn.js';
import type { Launcher } from '../../launcher/launch-command.js';
import { parseOvpn } from '../../profile/parse-ovpn.js';
import type { CliLauncher, ConnectCommand } from '../cli-command.js';
import type { CliIo } from './cli-io.js';
import { EXIT_FAILURE } from './exit-code.js';
import { splitStopTimeout } from './stop-timeout.js';
import { inTunnelCommandFrame, readOptionalAuthFile } from './tunnel-command-frame.js';
import { runTunnelSession } from './tunnel-session.js';

/** Ports of `connect`, for tests; each defaults to the real thing. */
export interface ConnectDeps {
  readonly startTunnel?: (options: EngineOptions) => Tunnel;
  readonly scheduler?: SchedulerLike;
}

type LauncherChoice = { readonly launcher: Launcher } | { readonly problem: string };

const launcherOf = (choice: CliLauncher, pkexecHelper: string | undefined): LauncherChoice => {
  switch (choice) {
    case 'direct':
      return { launcher: { kind: 'direct' } };
    case 'sudo':
      return { launcher: { kind: 'sudo' } };
    case 'pkexec':
      // pkexec runs a privileged helper (bitmask-root style) that starts openvpn as root; this
      // package ships none, so the user names theirs.
      return pkexecHelper === undefined
        ? {
            problem:
              '--launcher pkexec needs --pkexec-helper <path>, the privileged helper pkexec ' +
              'runs. Or use --launcher sudo, or run as root with --launcher direct.',
          }
        : { launcher: { kind: 'pkexec', helperPath: pkexecHelper } };
  }
};

const readProfileText = async (path: string): Promise<string | { readonly problem: string }> => {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code =
      typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    return { problem: `cannot read the profile ${path} (${code || String(error)}).` };
  }
};

/**
 * `rx-openvpn connect <profile.ovpn>`: checks the inputs (profile, auth file, launcher), then
 * runs the tunnel until it is stopped (exit 0) or fails (exit 1).
 */
export async function runConnect(
  command: ConnectCommand,
  io: CliIo,
  deps: ConnectDeps = {},
): Promise<number> {
  const scheduler = deps.scheduler ?? asyncScheduler;
  return inTunnelCommandFrame(command, io, scheduler, async (frame) => {
    const { cli, interrupts } = frame;
    const choice = launcherOf(command.launcher, command.pkexecHelper);
    if ('problem' in choice) {
      cli.error(choice.problem);
      return EXIT_FAILURE;
    }
    const authFile = await readOptionalAuthFile(command.authFile, cli);
    if (authFile === 'unreadable') return EXIT_FAILURE;
    const text = await readProfileText(command.profilePath);
    if (typeof text !== 'string') {
      cli.error(text.problem);
      return EXIT_FAILURE;
    }
    const profile = parseOvpn(text);
    if (isLeft(profile)) {
      cli.error(`${command.profilePath}: ${profile.left.message}`);
      return EXIT_FAILURE;
    }
    const transcript = frame.startTranscript();
    return runTunnelSession({
      engine: {
        ...(transcript === undefined ? {} : { transcript }),
        profile: profile.right,
        appId: command.appId,
        launcher: choice.launcher,
        ...(command.openvpnPath === undefined ? {} : { openvpnPath: command.openvpnPath }),
        ...(command.stopTimeoutMs === undefined
          ? {}
          : { stop: splitStopTimeout(command.stopTimeoutMs) }),
      },
      authFile,
      io,
      console: cli,
      interrupts,
      scheduler,
      startTunnel: deps.startTunnel ?? startTunnel,
    });
  });
}
