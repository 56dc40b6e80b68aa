import { isLeft } from 'fp-ts/lib/Either.js';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { Secret } from '../../core/secret.js';
import type { AttachOptions } from '../../engine/attach-options.js';
import { attachTunnel, type AttachedTunnel } from '../../engine/attach-tunnel.js';
import type { StopKind } from '../../engine/tunnel.js';
import type { Tunnel } from '../../engine/vpn.js';
import type { AttachCommand } from '../cli-command.js';
import { readAuthFile, type AuthFileCredentials } from './auth-file.js';
import { createCliConsole } from './cli-console.js';
import type { CliIo } from './cli-io.js';
import { openTranscript } from './connect.js';
import { EXIT_FAILURE } from './exit-code.js';
import { captureInterrupts } from './interrupts.js';
import { readManagementPasswordFile } from './management-password-file.js';
import { splitStopTimeout } from './stop-timeout.js';
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
  const interrupts = captureInterrupts(io.interrupt$);
  let transcript: ReturnType<typeof openTranscript> | undefined;
  try {
    const cli = createCliConsole(io, {
      json: command.json,
      verbosity: command.verbosity,
      now: () => scheduler.now(),
    });
    let password: Secret | undefined;
    if (command.passwordFile !== undefined) {
      const read = await readManagementPasswordFile(command.passwordFile);
      if (isLeft(read)) {
        cli.error(read.left);
        return EXIT_FAILURE;
      }
      password = read.right;
    }
    let authFile: AuthFileCredentials | undefined;
    if (command.authFile !== undefined) {
      const read = await readAuthFile(command.authFile);
      if (isLeft(read)) {
        cli.error(read.left.message);
        return EXIT_FAILURE;
      }
      authFile = read.right;
    }
    transcript =
      command.transcriptPath === undefined ? undefined : openTranscript(command.transcriptPath);
    const attach = deps.attachTunnel ?? attachTunnel;
    return await runTunnelSession<Omit<AttachOptions, 'credentials' | 'logger' | 'scheduler'>>({
      engine: {
        endpoint: command.endpoint,
        ...(password === undefined ? {} : { password }),
        ...(transcript === undefined ? {} : { transcript: transcript.record }),
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
  } finally {
    interrupts.release();
    await transcript?.close();
  }
}
