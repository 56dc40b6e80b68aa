import { VpnError } from '../core/errors.js';
import type { LaunchCommand } from '../launcher/launch-command.js';
import type { SpawnFailed } from './process-event.js';

/** Details of a failed spawn. */
export interface SpawnFailureDetails {
  readonly file: string;
  readonly errno: string | undefined;
}

/** The typed event for a command that did not start, from the system's errno. */
export function spawnFailure(
  command: LaunchCommand,
  errno: string | undefined,
  cause: unknown,
): SpawnFailed {
  const details: SpawnFailureDetails = { file: command.file, errno };
  const options = { details, cause };
  switch (errno) {
    case 'ENOENT':
      return {
        kind: 'SpawnFailed',
        error: new VpnError(
          'OPENVPN_NOT_FOUND',
          `cannot start ${command.file}: no such file. Install it (openvpn: ` +
            'apt-get install -y openvpn) or give the right path.',
          options,
        ),
      };
    case 'EACCES':
    case 'EPERM':
      return {
        kind: 'SpawnFailed',
        error: new VpnError(
          'PERMISSION_DENIED',
          `cannot start ${command.file}: permission denied (${errno}). Is it executable?`,
          options,
        ),
      };
    default:
      return {
        kind: 'SpawnFailed',
        error: new VpnError(
          'SPAWN_FAILED',
          `cannot start ${command.file}: ${errno ?? 'unknown error'}`,
          options,
        ),
      };
  }
}
