import { posix, win32 } from 'node:path';
import type { Either } from 'fp-ts/lib/Either.js';
import { left, right } from 'fp-ts/lib/Either.js';
import { VpnError } from '../core/errors.js';
import type { LaunchCommand, LaunchRequest, Launcher } from './launch-command.js';

const DEFAULT_SUDO_PATH = '/usr/bin/sudo';
const DEFAULT_PKEXEC_PATH = '/usr/bin/pkexec';
/** The helper subcommand that starts openvpn, as bitmask-root names it. */
const PKEXEC_HELPER_SUBCOMMAND = 'openvpn';

/**
 * Options the engine cannot supervise: `--daemon` forks and the parent exits 0 at once, which
 * would read as the tunnel ending; `--service` hands stopping to a Windows event we never set.
 */
const UNSUPERVISABLE_OPTIONS: ReadonlySet<string> = new Set(['--daemon', '--service']);

/** Which platforms each launcher is honest about. */
const PLATFORMS: Readonly<Record<Launcher['kind'], (platform: NodeJS.Platform) => boolean>> = {
  direct: (platform) => platform !== 'win32',
  sudo: (platform) => platform !== 'win32',
  pkexec: (platform) => platform === 'linux',
  'macos-helper': (platform) => platform === 'darwin',
  'windows-elevated': (platform) => platform === 'win32',
};

/** Details of a refused launch request. */
export interface LauncherInvalidDetails {
  readonly launcher: Launcher['kind'];
  readonly platform: NodeJS.Platform;
}

type LaunchResult = Either<VpnError<'LAUNCHER_INVALID', LauncherInvalidDetails>, LaunchCommand>;

const invalid = (request: LaunchRequest, message: string): LaunchResult =>
  left(
    new VpnError('LAUNCHER_INVALID', message, {
      details: { launcher: request.launcher.kind, platform: request.platform },
    }),
  );

const isWindowsExe = (path: string): boolean =>
  win32.isAbsolute(path) && path.toLowerCase().endsWith('.exe');

const command = (file: string, args: readonly string[]): LaunchCommand => ({ file, args });

const toCommand = (request: LaunchRequest): LaunchCommand => {
  const { launcher, openvpnPath, openvpnArgs } = request;
  switch (launcher.kind) {
    case 'direct':
    case 'windows-elevated':
      return command(openvpnPath, openvpnArgs);
    case 'sudo':
      // -n: fail instead of prompting; --: nothing after it is read as a sudo option.
      return command(launcher.sudoPath ?? DEFAULT_SUDO_PATH, [
        '-n',
        '--',
        openvpnPath,
        ...openvpnArgs,
      ]);
    case 'pkexec':
      return command(launcher.pkexecPath ?? DEFAULT_PKEXEC_PATH, [
        launcher.helperPath,
        PKEXEC_HELPER_SUBCOMMAND,
        ...openvpnArgs,
      ]);
    case 'macos-helper':
      return command(launcher.helperPath, openvpnArgs);
  }
};

const pathsOf = (launcher: Launcher): readonly string[] => {
  switch (launcher.kind) {
    case 'direct':
    case 'windows-elevated':
      return [];
    case 'sudo':
      return [launcher.sudoPath ?? DEFAULT_SUDO_PATH];
    case 'pkexec':
      return [launcher.helperPath, launcher.pkexecPath ?? DEFAULT_PKEXEC_PATH];
    case 'macos-helper':
      return [launcher.helperPath];
  }
};

/**
 * The command line that starts openvpn through `request.launcher`, as pure data. Refuses
 * (LAUNCHER_INVALID) a launcher foreign to the platform, relative paths (no PATH lookup under
 * privilege), a Windows binary that is not an absolute `.exe`, and `--daemon` / `--service`.
 */
export function buildLaunchCommand(request: LaunchRequest): LaunchResult {
  const { launcher, platform, openvpnPath, openvpnArgs } = request;
  if (!PLATFORMS[launcher.kind](platform)) {
    return invalid(request, `the ${launcher.kind} launcher does not run on ${platform}`);
  }
  if (platform === 'win32' ? !isWindowsExe(openvpnPath) : !posix.isAbsolute(openvpnPath)) {
    return invalid(request, `openvpn path must be absolute: ${openvpnPath}`);
  }
  const relative = pathsOf(launcher).find((path) => !posix.isAbsolute(path));
  if (relative !== undefined) {
    return invalid(request, `${launcher.kind} launcher path must be absolute: ${relative}`);
  }
  const refused = openvpnArgs.find((arg) => UNSUPERVISABLE_OPTIONS.has(arg));
  if (refused !== undefined) {
    return invalid(request, `${refused} cannot be supervised: remove it from the openvpn options`);
  }
  return right(toCommand(request));
}
