import { VpnError } from '../core/errors.js';
import type { Launcher } from './launch-command.js';

/** sudo exits 1 when it refuses, and says why on stderr, prefixed `sudo:`. */
const SUDO_REFUSED_EXIT_CODE = 1;
const SUDO_MESSAGE = /^sudo: |sudoers/;
/** pkexec: 126 when the authentication dialog was dismissed, 127 when not authorised. */
const PKEXEC_REFUSED_EXIT_CODES: ReadonlySet<number> = new Set([126, 127]);

/** Details of a launcher refusal. */
export interface LauncherRefusalDetails {
  readonly launcher: Launcher['kind'];
  readonly exitCode: number;
  /** What the launcher said, when it said anything. */
  readonly reason: string | undefined;
}

/**
 * PERMISSION_DENIED when a launch ended because the launcher refused to elevate (sudo without
 * a rule allowing `-n`, a dismissed or denied polkit prompt), `undefined` when the exit is
 * openvpn's own. `stderrLines` are the process's stderr lines up to its exit.
 */
export function launcherRefusal(
  launcher: Launcher,
  exitCode: number | null,
  stderrLines: readonly string[],
): VpnError<'PERMISSION_DENIED', LauncherRefusalDetails> | undefined {
  if (exitCode === null) return undefined;
  const refusal = (reason: string | undefined, hint: string) =>
    new VpnError('PERMISSION_DENIED', `${launcher.kind} refused to start openvpn: ${hint}`, {
      details: { launcher: launcher.kind, exitCode, reason },
    });
  switch (launcher.kind) {
    case 'sudo': {
      const said = stderrLines.find((line) => SUDO_MESSAGE.test(line));
      return exitCode === SUDO_REFUSED_EXIT_CODE && said !== undefined
        ? refusal(said, `${said}. Allow it without a password in sudoers, or use another launcher.`)
        : undefined;
    }
    case 'pkexec':
      return PKEXEC_REFUSED_EXIT_CODES.has(exitCode)
        ? refusal(stderrLines.at(-1), 'authorisation was dismissed or denied.')
        : undefined;
    case 'direct':
    case 'macos-helper':
    case 'windows-elevated':
      return undefined;
  }
}
