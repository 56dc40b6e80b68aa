import { EMPTY, NEVER, Subscription, interval, merge, type Observable } from 'rxjs';
import type { SchedulerLike } from 'rxjs';
import type { EngineOptions } from '../../engine/engine-options.js';
import type { StopKind } from '../../engine/tunnel.js';
import type { Tunnel } from '../../engine/vpn.js';
import type { VpnState } from '../../state/vpn-state.js';
import type { AuthFileCredentials } from './auth-file.js';
import { createCliCredentials } from './cli-credentials.js';
import type { CliConsole } from './cli-console.js';
import type { CliIo } from './cli-io.js';
import { EXIT_FAILURE, EXIT_OK } from './exit-code.js';
import type { InterruptCapture } from './interrupts.js';
import { stopKindsOf } from './interrupts.js';
import { createTerminalPrompter } from './terminal-prompter.js';

/** How often the status line redraws its clock on a terminal. */
export const STATUS_TICK_MS = 1_000;

/** What the engine needs that `connect` and `demo` decide; the session adds the rest. */
export type SessionEngineOptions = Omit<EngineOptions, 'credentials' | 'logger' | 'scheduler'>;

/** What the session adds to the command's engine options. */
export type SessionAdditions = Pick<EngineOptions, 'credentials' | 'logger' | 'scheduler'>;

/**
 * Options of {@link runTunnelSession}. `O` is what the command decides: the options of
 * `startTunnel` (connect, demo) or of `attachTunnel` (attach), without the session's additions.
 */
export interface TunnelSessionOptions<O = SessionEngineOptions> {
  readonly engine: O;
  readonly authFile: AuthFileCredentials | undefined;
  readonly io: CliIo;
  readonly console: CliConsole;
  readonly interrupts: InterruptCapture;
  /** Stops the command asks for itself (`demo --duration`). */
  readonly stop$?: Observable<StopKind>;
  readonly scheduler: SchedulerLike;
  /** `startTunnel` of src/engine/vpn.ts (or `attachTunnel`), or a fake. */
  readonly startTunnel: (options: O & SessionAdditions) => Tunnel;
}

/** 0 after a requested stop (`stopped`), 1 after `failed`. */
export const exitCodeOf = (state: VpnState): number =>
  state.phase === 'stopped' ? EXIT_OK : EXIT_FAILURE;

// Prompts need a person: stdin to type on, stderr to read the question on.
const promptsPossible = (io: CliIo): boolean => io.stdin.isTTY === true && io.stderr.isTTY === true;

/**
 * Starts a tunnel and shows it until it ends: states on stdout (the console's view), openvpn's
 * log at `-vv`, prompts on the terminal, Ctrl-C and SIGTERM as stop requests (a second one
 * kills). Resolves with the exit code once openvpn is gone; a failure's message goes to
 * stderr.
 */
export async function runTunnelSession<O = SessionEngineOptions>(
  options: TunnelSessionOptions<O>,
): Promise<number> {
  const { io, console: cli, interrupts, scheduler } = options;
  const { view, logger } = cli;
  const terminal = promptsPossible(io)
    ? createTerminalPrompter({
        input: io.stdin,
        output: io.stderr,
        onInterrupt: () => {
          interrupts.interrupt();
        },
        onOpen: () => {
          view.suspend();
        },
        onClose: () => {
          view.resume();
        },
      })
    : undefined;
  const tunnel = options.startTunnel({
    ...options.engine,
    credentials: createCliCredentials({
      notify: (message) => {
        options.io.stderr.write(`${message}\n`);
      },
      ...(options.authFile === undefined ? {} : { authFile: options.authFile }),
      ...(terminal === undefined ? {} : { terminal }),
    }),
    logger,
    scheduler,
    // The command line has its own Ctrl-C policy (graceful, then kill) and exit codes.
    stopOnHostSignals: false,
  });
  const tick$ = io.stdout.isTTY === true ? interval(STATUS_TICK_MS, scheduler) : NEVER;
  const subscription = new Subscription();
  subscription.add(
    tunnel.state$.subscribe((state) => {
      view.state(state);
    }),
  );
  subscription.add(
    tunnel.traffic$.subscribe((traffic) => {
      view.traffic(traffic);
    }),
  );
  subscription.add(
    tunnel.log$.subscribe((record) => {
      logger.debug(`openvpn ${record.source}: ${record.text}`);
    }),
  );
  subscription.add(
    merge(stopKindsOf(interrupts.interrupt$), options.stop$ ?? EMPTY).subscribe((kind) => {
      tunnel.stop(kind);
    }),
  );
  subscription.add(
    tick$.subscribe(() => {
      view.tick();
    }),
  );
  let final: VpnState;
  try {
    final = await tunnel.done;
  } finally {
    subscription.unsubscribe();
    view.end();
  }
  if (final.phase === 'failed') {
    const hint =
      final.error.code === 'PROMPT_CANCELLED' && terminal === undefined
        ? ' (there is no terminal to ask on: give the credentials with --auth-file <file>)'
        : '';
    cli.error(`${final.error.code}: ${final.error.message}${hint}`);
  } else if (final.phase !== 'stopped') cli.error(`the tunnel ended while ${final.phase}`);
  return exitCodeOf(final);
}
