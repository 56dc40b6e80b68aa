import type { Readable } from 'node:stream';
import { execa } from 'execa';
import type { LaunchCommand } from '../launcher/launch-command.js';
import { errnoOf } from './errno.js';

/** How a child ended: it ran and exited, or it never started. */
export type ChildEnd =
  | {
      readonly kind: 'Exited';
      readonly code: number | null;
      readonly signal: NodeJS.Signals | null;
    }
  | {
      readonly kind: 'NotStarted';
      /** `ENOENT`, `EACCES`, ... when the system said. */
      readonly errno: string | undefined;
      readonly cause: unknown;
    };

/** A started child as `spawnProcess` needs it: the port execa (or a fake) fills. */
export interface SpawnedChild {
  /** `undefined` when the child did not start. */
  readonly pid: number | undefined;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /**
   * Settles when the process has exited, without waiting for its pipes to close (a
   * grandchild may hold them), or when it could not start. Never rejects.
   */
  readonly end: Promise<ChildEnd>;
  /** Signals the child; `false` when it has already exited. */
  kill(signal: NodeJS.Signals): boolean;
}

/** Starts a command without a shell. */
export type Spawner = (command: LaunchCommand) => SpawnedChild;

/**
 * The execa {@link Spawner}: no shell, stdin ignored, output streamed (never buffered),
 * failures as values, and the child killed if Node itself exits. execa's own delayed SIGKILL
 * after `kill()` is off: the stop policy owns escalation.
 */
export const execaSpawner: Spawner = (command) => {
  const subprocess = execa(command.file, [...command.args], {
    stdin: 'ignore',
    buffer: false,
    reject: false,
    cleanup: true,
    forceKillAfterDelay: false,
    ...(command.env === undefined ? {} : { env: { ...command.env } }),
  });
  const exited = new Promise<ChildEnd>((resolve) => {
    subprocess.once('exit', (code, signal) => {
      resolve({ kind: 'Exited', code, signal });
    });
  });
  // execa settles its result only after the pipes close; for a child that never started
  // that is at once, and no 'exit' comes.
  const notStarted = subprocess.then((result): Promise<ChildEnd> | ChildEnd =>
    result.failed && subprocess.pid === undefined
      ? { kind: 'NotStarted', errno: errnoOf(result.cause) ?? result.code, cause: result.cause }
      : exited,
  );
  return {
    pid: subprocess.pid,
    stdout: subprocess.stdout,
    stderr: subprocess.stderr,
    end: Promise.race([exited, notStarted]),
    kill: (signal) => subprocess.kill(signal),
  };
};
