import { isLeft } from 'fp-ts/lib/Either.js';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { Secret } from '../../core/secret.js';
import type { AttachOptions } from '../../engine/attach-options.js';
import { attachTunnel, type AttachedTunnel } from '../../engine/attach-tunnel.js';
import type { StopKind } from '../../engine/tunnel.js';
import type { Tunnel } from '../../engine/vpn.js';
import type { AttachCommand } from '../cli-command.js';
import type { CliIo } from './cli-io.js';
import { EXIT_FAILURE } from './exit-code.js';
import { readManagementPasswordFile } from './management-password-file.js';
import { splitStopTimeout } from './stop-timeout.js';
import { inTunnelCommandFrame, readOptionalAuthFile } from './tunnel-command-frame.js';
import { runTunnelSession } from './tunnel-session.js';

/** Ports of `attach`, for tests; each defaults to the real thing. */
export interface AttachCommandDeps {
  readonly attachTunnel?: (options: AttachOptions) => AttachedTunnel;
  readonly scheduler?: SchedulerLike;
}

// With --leave-running, an interrupt lets go of openvpn rather than stopping it: the tunnel
// handed to the session detaches on every stop request.
const leavingRunning = (tunnel: AttachedTunnel): Tunnel => ({
  ...tunnel,
  stop: (_kind?: StopKind) => {
    tunnel.detach();
  },
});

/**
 * `rx-openvpn attach <endpoint>`: reads the password and auth files, then follows the attached
 * openvpn until it is stopped or let go of (exit 0), or fails (exit 1), with the output of
 * `connect`.
 */
export async function runAttach(
  command: AttachCommand,
  io: CliIo,
  deps: AttachCommandDeps = {},
): Promise<number> {
  const scheduler = deps.scheduler ?? asyncScheduler;
  return inTunnelCommandFrame(command, io, scheduler, async (frame) => {
    const { cli, interrupts } = frame;
    let password: Secret | undefined;
    if (command.passwordFile !== undefined) {
      const read = await readManagementPasswordFile(command.passwordFile);
      if (isLeft(read)) {
        cli.error(read.left);
        return EXIT_FAILURE;
      }
      password = read.right;
    }
    const authFile = await readOptionalAuthFile(command.authFile, cli);
    if (authFile === 'unreadable') return EXIT_FAILURE;
    const transcript = frame.startTranscript();
    const attach = deps.attachTunnel ?? attachTunnel;
    return runTunnelSession<Omit<AttachOptions, 'credentials' | 'logger' | 'scheduler'>>({
      engine: {
        endpoint: command.endpoint,
        ...(password === undefined ? {} : { password }),
        ...(transcript === undefined ? {} : { transcript }),
        ...(command.stopTimeoutMs === undefined
          ? {}
          : { stop: splitStopTimeout(command.stopTimeoutMs) }),
      },
      authFile,
      io,
      console: cli,
      interrupts,
      scheduler,
      startTunnel: (options) => {
        const tunnel = attach(options);
        return command.leaveRunning ? leavingRunning(tunnel) : tunnel;
      },
    });
  });
}
