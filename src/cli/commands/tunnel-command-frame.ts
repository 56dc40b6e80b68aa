import { createWriteStream } from 'node:fs';
import { isLeft } from 'fp-ts/lib/Either.js';
import type { SchedulerLike } from 'rxjs';
import type { TranscriptLine } from '../../management/transcript.js';
import { readAuthFile, type AuthFileCredentials } from './auth-file.js';
import { createCliConsole, type CliConsole } from './cli-console.js';
import type { CliIo } from './cli-io.js';
import { captureInterrupts, type InterruptCapture } from './interrupts.js';

/** What `connect` and `attach` run in: their console, the captured interrupts, the transcript. */
export interface TunnelCommandFrame {
  readonly cli: CliConsole;
  readonly interrupts: InterruptCapture;
  /**
   * Opens the `--transcript` file, once the inputs are known to be good, and gives what records
   * the management conversation into it; `undefined` without the option.
   */
  startTranscript(): ((line: TranscriptLine) => void) | undefined;
}

/** The options `connect` and `attach` share that shape their frame. */
export interface TunnelCommandOutput {
  readonly json: boolean;
  readonly verbosity: number;
  readonly transcriptPath: string | undefined;
}

/**
 * Runs `body` with the console and interrupts captured from the start (a Ctrl-C while inputs
 * are read is not lost); releases the interrupts and closes the transcript file whichever way
 * `body` ends.
 */
export async function inTunnelCommandFrame(
  command: TunnelCommandOutput,
  io: CliIo,
  scheduler: SchedulerLike,
  body: (frame: TunnelCommandFrame) => Promise<number>,
): Promise<number> {
  const interrupts = captureInterrupts(io.interrupt$);
  let transcript: TranscriptFile | undefined;
  try {
    const cli = createCliConsole(io, {
      json: command.json,
      verbosity: command.verbosity,
      now: () => scheduler.now(),
    });
    const { transcriptPath } = command;
    const startTranscript = () => {
      if (transcriptPath === undefined) return undefined;
      transcript ??= openTranscript(transcriptPath);
      return transcript.record;
    };
    return await body({ cli, interrupts, startTranscript });
  } finally {
    interrupts.release();
    await transcript?.close();
  }
}

/** An `--auth-file`'s credentials, `undefined` without one, or `'unreadable'` once reported. */
export async function readOptionalAuthFile(
  path: string | undefined,
  cli: CliConsole,
): Promise<AuthFileCredentials | undefined | 'unreadable'> {
  if (path === undefined) return undefined;
  const read = await readAuthFile(path);
  if (isLeft(read)) {
    cli.error(read.left.message);
    return 'unreadable';
  }
  return read.right;
}

/** A transcript file being written, and how to finish it. */
interface TranscriptFile {
  readonly record: (line: TranscriptLine) => void;
  readonly close: () => Promise<void>;
}

/** A transcript file: one line per management line, `<ISO time> <-|-> <text>`, mode 0600. */
function openTranscript(path: string): TranscriptFile {
  const stream = createWriteStream(path, { flags: 'w', mode: 0o600 });
  return {
    record: (line) => {
      const arrow = line.direction === 'to-openvpn' ? '->' : '<-';
      stream.write(`${new Date(line.at).toISOString()} ${arrow} ${line.text}\n`);
    },
    close: () => new Promise((resolve) => stream.end(resolve)),
  };
}
