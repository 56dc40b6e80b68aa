/**
 * A command line as data: what to execute, with which arguments. Built by
 * {@link buildLaunchCommand}, executed by `spawnProcess` without a shell.
 */
export interface LaunchCommand {
  readonly file: string;
  readonly args: readonly string[];
  /** Added to the inherited environment. None of the built-in launchers needs any. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Runs openvpn as the current user: root, a user with CAP_NET_ADMIN, or a `dev null` profile. */
export interface DirectLauncher {
  readonly kind: 'direct';
}

/** `sudo -n -- <openvpn> args...`: never prompts; a refusal is PERMISSION_DENIED. */
export interface SudoLauncher {
  readonly kind: 'sudo';
  /** Defaults to `/usr/bin/sudo`. */
  readonly sudoPath?: string;
}

/**
 * `pkexec <helper> openvpn args...`, like LEAP's bitmask-root: polkit authorises the helper,
 * and the helper, not the unprivileged caller, decides which openvpn binary runs.
 */
export interface PkexecLauncher {
  readonly kind: 'pkexec';
  readonly helperPath: string;
  /** Defaults to `/usr/bin/pkexec`. */
  readonly pkexecPath?: string;
}

/**
 * macOS: a privileged helper tool (in the manner of Tunnelblick's `openvpnstart`) invoked with
 * the openvpn arguments; the helper owns the choice of binary. Command construction only.
 */
export interface MacosHelperLauncher {
  readonly kind: 'macos-helper';
  readonly helperPath: string;
}

/**
 * Windows: the `openvpn.exe` command line, for an elevated helper (or an elevated process) to
 * start. The OpenVPN interactive service is not used, hence no `--service`. Command
 * construction only.
 */
export interface WindowsElevatedLauncher {
  readonly kind: 'windows-elevated';
}

/** How openvpn gets the privileges it needs. */
export type Launcher =
  DirectLauncher | SudoLauncher | PkexecLauncher | MacosHelperLauncher | WindowsElevatedLauncher;

/** Everything {@link buildLaunchCommand} needs. */
export interface LaunchRequest {
  /** Absolute path of the openvpn binary, e.g. from `findOpenvpn`. */
  readonly openvpnPath: string;
  /** The openvpn options, ownership marker included (see `markerArgs`). */
  readonly openvpnArgs: readonly string[];
  readonly launcher: Launcher;
  readonly platform: NodeJS.Platform;
}
