import type { AppId } from '../launcher/ownership-marker.js';
import type { ManagementEndpoint } from '../management/socket.js';

/** The commands of the `rx-openvpn` CLI. */
export const COMMAND_NAMES = ['connect', 'attach', 'demo', 'ps', 'stop'] as const;
/** One of {@link COMMAND_NAMES}. */
export type CommandName = (typeof COMMAND_NAMES)[number];

/** Launchers the CLI offers; the library knows more (see `Launcher`). */
export const CLI_LAUNCHERS = ['direct', 'sudo', 'pkexec'] as const;
/** One of {@link CLI_LAUNCHERS}. */
export type CliLauncher = (typeof CLI_LAUNCHERS)[number];

/** Application id used when `--app-id` is not given. */
export const DEFAULT_APP_ID = 'rx-openvpn' as AppId;

/** `rx-openvpn connect <profile.ovpn> [options]`. */
export interface ConnectCommand {
  readonly kind: 'connect';
  readonly profilePath: string;
  readonly json: boolean;
  readonly openvpnPath: string | undefined;
  /** Total time from the stop request to SIGKILL. */
  readonly stopTimeoutMs: number | undefined;
  readonly authFile: string | undefined;
  readonly appId: AppId;
  readonly launcher: CliLauncher;
  /** The privileged helper pkexec runs (`--pkexec-helper`), for `--launcher pkexec`. */
  readonly pkexecHelper: string | undefined;
  /** How many `-v` were given: 0 is warnings and errors only. */
  readonly verbosity: number;
  readonly transcriptPath: string | undefined;
}

/** `rx-openvpn attach <socket | host:port> [options]`: an openvpn someone else started. */
export interface AttachCommand {
  readonly kind: 'attach';
  readonly endpoint: ManagementEndpoint;
  /** The file openvpn's `--management` reads its password from (first line). */
  readonly passwordFile: string | undefined;
  /** Ctrl-C detaches and leaves openvpn running, instead of stopping it. */
  readonly leaveRunning: boolean;
  readonly json: boolean;
  readonly stopTimeoutMs: number | undefined;
  readonly authFile: string | undefined;
  readonly verbosity: number;
  readonly transcriptPath: string | undefined;
}

/** `rx-openvpn demo [options]`. */
export interface DemoCommand {
  readonly kind: 'demo';
  readonly json: boolean;
  readonly chaos: boolean;
  /** Stop the demo after this long; `undefined` runs until interrupted. */
  readonly durationMs: number | undefined;
  readonly openvpnPath: string | undefined;
  readonly appId: AppId;
  readonly verbosity: number;
}

/** `rx-openvpn ps [options]`. */
export interface PsCommand {
  readonly kind: 'ps';
  readonly json: boolean;
  readonly appId: AppId;
}

/** `rx-openvpn stop [options]`. */
export interface StopCommand {
  readonly kind: 'stop';
  /** Also stop instances whose engine still runs, not only those left by a dead one. */
  readonly allOurs: boolean;
  readonly appId: AppId;
  readonly stopTimeoutMs: number | undefined;
}

/** `--help` anywhere, `rx-openvpn help [command]`: `topic` is `undefined` for the overview. */
export interface HelpCommand {
  readonly kind: 'help';
  readonly topic: CommandName | undefined;
}

/** A command line that parsed. */
export type CliCommand =
  ConnectCommand | AttachCommand | DemoCommand | PsCommand | StopCommand | HelpCommand;

/** A command line that did not parse; `message` says what to do instead. */
export interface UsageError {
  readonly kind: 'UsageError';
  readonly message: string;
  /** The command whose options were wrong, so its help can be offered. */
  readonly command: CommandName | undefined;
}
