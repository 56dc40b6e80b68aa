import type { Readable } from 'node:stream';
import type { SchedulerLike } from 'rxjs';
import {
  Observable,
  asyncScheduler,
  concat,
  defer,
  delay,
  finalize,
  from,
  map,
  merge,
  of,
  race,
  takeUntil,
  tap,
  timer,
} from 'rxjs';
import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';
import { VpnError } from '../core/errors.js';
import type { LaunchCommand } from '../launcher/launch-command.js';
import type { ProcessEvent } from './process-event.js';
import type { ProcessInfo } from './process-info.js';
import { procfsProcessInfo } from './process-info.js';
import type { ChildEnd, SpawnedChild, Spawner } from './spawner.js';
import { execaSpawner } from './spawner.js';
import { spawnFailure } from './spawn-failure.js';
import { MAX_LINE_LENGTH_CHARS, splitLines } from './split-lines.js';

/** After an unsubscribe before exit: SIGTERM, then SIGKILL when still running this long after. */
export const UNSUBSCRIBE_KILL_GRACE_MS = 3_000;
/**
 * How long output is still read after the exit. A grandchild (a daemonising `--up` script)
 * may keep the pipes open forever; the exit must not wait for it.
 */
export const EXIT_DRAIN_MS = 500;

/** Dependencies of {@link spawnProcess}; every one has a production default. */
export interface SpawnDeps {
  readonly spawner?: Spawner;
  readonly processInfo?: ProcessInfo;
  /** Runs the drain and kill-grace timers. */
  readonly scheduler?: SchedulerLike;
  readonly logger?: Logger;
  readonly maxLineLength?: number;
}

// Chunks of a pipe as text, read as they come: an unread pipe fills and blocks openvpn.
const chunk$ = (readable: Readable, logger: Logger): Observable<string> =>
  new Observable<string>((subscriber) => {
    if (readable.readableEnded || readable.destroyed) {
      subscriber.complete();
      return undefined;
    }
    const onData = (chunk: string): void => {
      subscriber.next(chunk);
    };
    const onEnd = (): void => {
      subscriber.complete();
    };
    const onError = (error: Error): void => {
      logger.warn('process output pipe failed; no more lines from it', { error: error.message });
      subscriber.complete();
    };
    readable.setEncoding('utf8');
    readable.on('data', onData).once('end', onEnd).once('close', onEnd).once('error', onError);
    return () => {
      readable.off('data', onData).off('end', onEnd).off('close', onEnd).off('error', onError);
    };
  });

const exitedEvent = (command: LaunchCommand, end: ChildEnd): ProcessEvent =>
  end.kind === 'Exited'
    ? { kind: 'ProcessExited', code: end.code, signal: end.signal }
    : spawnFailure(command, end.errno, end.cause);

/**
 * Teardown: a child still running when nobody listens any more is stopped, never left behind:
 * SIGTERM now, SIGKILL if it outlives the grace. Its output is drained meanwhile.
 */
const stopOrphan = (child: SpawnedChild, scheduler: SchedulerLike, logger: Logger): void => {
  child.stdout.resume();
  child.stderr.resume();
  if (!child.kill('SIGTERM')) return;
  logger.info('unsubscribed before exit: sent SIGTERM', { pid: child.pid });
  race(
    from(child.end),
    timer(UNSUBSCRIBE_KILL_GRACE_MS, scheduler).pipe(
      tap(() => {
        logger.warn('still running after SIGTERM: sending SIGKILL', { pid: child.pid });
        child.kill('SIGKILL');
      }),
    ),
  ).subscribe();
};

const running$ = (
  command: LaunchCommand,
  child: SpawnedChild,
  pid: number,
  deps: SpawnDeps,
): Observable<ProcessEvent> => {
  const logger = deps.logger ?? silentLogger;
  const startTime = (deps.processInfo ?? procfsProcessInfo()).startTime(pid);
  if (startTime === undefined) {
    // Without a start time the stop policy could signal a stranger after pid reuse.
    const error = new VpnError('SPAWN_FAILED', `cannot read the start time of pid ${pid}`, {
      details: { file: command.file, errno: undefined },
    });
    return of({ kind: 'SpawnFailed', error });
  }
  const end$ = from(child.end);
  const lines = splitLines(deps.maxLineLength ?? MAX_LINE_LENGTH_CHARS);
  const output$ = merge(
    chunk$(child.stdout, logger).pipe(
      lines,
      map((line): ProcessEvent => ({ kind: 'StdoutLine', line })),
    ),
    chunk$(child.stderr, logger).pipe(
      lines,
      map((line): ProcessEvent => ({ kind: 'StderrLine', line })),
    ),
  ).pipe(takeUntil(end$.pipe(delay(EXIT_DRAIN_MS, deps.scheduler ?? asyncScheduler))));
  return concat(
    of<ProcessEvent>({ kind: 'ProcessSpawned', pid, startTime }),
    output$,
    end$.pipe(map((end) => exitedEvent(command, end))),
  );
};

/**
 * Starts `command` on subscription (cold) and reports it: `ProcessSpawned`, output lines as
 * they come, then `ProcessExited` and completion; or a lone `SpawnFailed` (OPENVPN_NOT_FOUND,
 * PERMISSION_DENIED, SPAWN_FAILED). Unsubscribing before the exit sends SIGTERM, then SIGKILL
 * after {@link UNSUBSCRIBE_KILL_GRACE_MS}: a safety net, not the stop policy (that is
 * `stopEscalation`, which lets openvpn say goodbye first).
 */
export function spawnProcess(
  command: LaunchCommand,
  deps: SpawnDeps = {},
): Observable<ProcessEvent> {
  return defer(() => {
    const logger = deps.logger ?? silentLogger;
    const child = (deps.spawner ?? execaSpawner)(command);
    logger.debug('spawned', { file: command.file, pid: child.pid });
    const event$ =
      child.pid === undefined
        ? from(child.end).pipe(map((end) => exitedEvent(command, end)))
        : running$(command, child, child.pid, deps);
    return event$.pipe(
      finalize(() => {
        stopOrphan(child, deps.scheduler ?? asyncScheduler, logger);
      }),
    );
  });
}
