import type { Readable } from 'node:stream';
import { fromEvent, map, merge, type Observable } from 'rxjs';
import type { StatusOutput } from '../status-renderer.js';

/** Somewhere text goes: `process.stderr` or a fake of it. */
export interface TextOutput {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
}

/** A readable stream that may be a terminal: `process.stdin` or a fake of it. */
export type TextInput = Readable & { readonly isTTY?: boolean };

/**
 * Everything the command line touches outside itself. Commands print only through it, so
 * tests run them with fakes.
 */
export interface CliIo {
  /** The status line or the JSON lines. */
  readonly stdout: StatusOutput;
  /** Logs, prompts and error messages. */
  readonly stderr: TextOutput;
  /** Read only while a credentials prompt is open. */
  readonly stdin: TextInput;
  /**
   * SIGINT and SIGTERM as they arrive. Subscribing replaces Node's default (exit at once) by
   * whatever the command does with them; unsubscribing restores it.
   */
  readonly interrupt$: Observable<NodeJS.Signals>;
}

/** The real process: its standard streams and signals. */
export const processIo = (): CliIo => ({
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  interrupt$: merge(
    fromEvent(process, 'SIGINT').pipe(map((): NodeJS.Signals => 'SIGINT')),
    fromEvent(process, 'SIGTERM').pipe(map((): NodeJS.Signals => 'SIGTERM')),
  ),
});
