import { existsSync } from 'node:fs';
import { isLeft } from 'fp-ts/lib/Either.js';
import {
  EMPTY,
  asyncScheduler,
  catchError,
  defer,
  exhaustMap,
  filter,
  map,
  share,
  type SchedulerLike,
} from 'rxjs';
import type { EngineOptions } from '../../engine/engine-options.js';
import type { StopKind } from '../../engine/tunnel.js';
import { startTunnel, type Tunnel } from '../../engine/vpn.js';
import { findOpenvpn } from '../../launcher/find-openvpn.js';
import { parseOvpn } from '../../profile/parse-ovpn.js';
import type { DemoCommand } from '../cli-command.js';
import { ensureDemoPki } from '../demo-pki.js';
import { startDemoServer, type DemoServer } from '../demo-server.js';
import { createCliConsole } from './cli-console.js';
import type { CliIo } from './cli-io.js';
import { demoSchedule$ } from './demo-schedule.js';
import { EXIT_FAILURE } from './exit-code.js';
import { captureInterrupts } from './interrupts.js';
import { runTunnelSession } from './tunnel-session.js';

/** How often `--chaos` restarts the server: long enough to see the client connected between. */
export const CHAOS_INTERVAL_MS = 10_000;

/** Ports of `demo`, for tests; each defaults to the real thing. */
export interface DemoDeps {
  readonly startTunnel?: (options: EngineOptions) => Tunnel;
  readonly scheduler?: SchedulerLike;
  /** Where the demo PKI is cached; default `~/.cache/rx-openvpn/demo-pki`. */
  readonly pkiDir?: string;
  readonly chaosIntervalMs?: number;
  /** PATH, to look for openvpn. */
  readonly envPath?: string;
  readonly fileExists?: (path: string) => boolean;
}

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/**
 * `rx-openvpn demo`: a throwaway OpenVPN server on 127.0.0.1 and a tunnel to it, shown like
 * `connect` shows one. The server is stopped at the end, whatever happened.
 */
export async function runDemo(
  command: DemoCommand,
  io: CliIo,
  deps: DemoDeps = {},
): Promise<number> {
  const scheduler = deps.scheduler ?? asyncScheduler;
  const interrupts = captureInterrupts(io.interrupt$);
  const cli = createCliConsole(io, {
    json: command.json,
    verbosity: command.verbosity,
    now: () => scheduler.now(),
  });
  const { logger } = cli;
  const openvpn = findOpenvpn({
    ...(command.openvpnPath === undefined ? {} : { path: command.openvpnPath }),
    envPath: deps.envPath ?? process.env['PATH'],
    platform: process.platform,
    exists: deps.fileExists ?? existsSync,
  });
  if (isLeft(openvpn)) {
    interrupts.release();
    cli.error(`the demo runs openvpn, twice. ${openvpn.left.message}`);
    return EXIT_FAILURE;
  }
  let server: DemoServer | undefined;
  try {
    const pki = await ensureDemoPki({
      ...(deps.pkiDir === undefined ? {} : { dir: deps.pkiDir }),
      logger,
    });
    server = await startDemoServer({ pki, openvpnPath: openvpn.right, logger });
    const demoServer = server;
    const profile = parseOvpn(demoServer.clientProfile());
    if (isLeft(profile)) {
      cli.error(`the demo's own client profile is refused: ${profile.left.message}`);
      return EXIT_FAILURE;
    }
    const schedule$ = demoSchedule$({
      durationMs: command.durationMs,
      chaosIntervalMs: command.chaos ? (deps.chaosIntervalMs ?? CHAOS_INTERVAL_MS) : undefined,
      scheduler,
    }).pipe(share());
    // One restart at a time: a slow restart swallows the ticks that come meanwhile.
    const chaos = schedule$
      .pipe(
        filter((action) => action === 'restart-server'),
        exhaustMap(() => {
          logger.info('chaos: restarting the demo server', { port: demoServer.port });
          return defer(() => demoServer.restart()).pipe(
            catchError((error: unknown) => {
              logger.warn('chaos: the demo server did not restart', { error: messageOf(error) });
              return EMPTY;
            }),
          );
        }),
      )
      .subscribe();
    try {
      return await runTunnelSession({
        engine: { profile: profile.right, appId: command.appId, openvpnPath: openvpn.right },
        authFile: undefined,
        io,
        console: cli,
        interrupts,
        stop$: schedule$.pipe(
          filter((action) => action === 'stop'),
          map((): StopKind => 'graceful'),
        ),
        scheduler,
        startTunnel: deps.startTunnel ?? startTunnel,
      });
    } finally {
      chaos.unsubscribe();
    }
  } catch (error) {
    cli.error(messageOf(error));
    return EXIT_FAILURE;
  } finally {
    await server?.stop();
    interrupts.release();
  }
}
