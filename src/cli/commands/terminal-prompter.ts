import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { Observable } from 'rxjs';
import type { TextInput, TextOutput } from './cli-io.js';

/** Asks the person at the terminal. */
export interface TerminalPrompter {
  /**
   * Shows `question` and emits the line typed in answer, then completes. With `hidden`, what
   * is typed is not echoed (passwords). Completes without a value when the person presses
   * Ctrl-C (the interrupt handler has run); errors when the input ends (Ctrl-D). Unsubscribing
   * withdraws the question.
   */
  ask(question: string, options: { readonly hidden: boolean }): Observable<string>;
}

/** Options of {@link createTerminalPrompter}. */
export interface TerminalPrompterOptions {
  readonly input: TextInput;
  readonly output: TextOutput;
  /**
   * Ctrl-C typed at a prompt: the terminal is in raw mode then, so it reaches readline as a
   * key, not the process as SIGINT. Called so that it still stops the tunnel.
   */
  readonly onInterrupt: () => void;
  /** Runs before the question is shown: e.g. set a status line aside. */
  readonly onOpen?: () => void;
  /** Runs once the question is answered or withdrawn. */
  readonly onClose?: () => void;
}

/** A {@link TerminalPrompter} on node's readline, with echo muted for hidden answers. */
export function createTerminalPrompter(options: TerminalPrompterOptions): TerminalPrompter {
  const { input, output } = options;
  return {
    ask: (question, { hidden }) =>
      new Observable<string>((subscriber) => {
        options.onOpen?.();
        let muted = false;
        // readline echoes each key through its output; muting that output hides the answer.
        const echo = new Writable({
          write: (chunk: Buffer | string, _encoding, done) => {
            if (!muted) output.write(chunk.toString());
            done();
          },
        });
        const lines = createInterface({ input, output: echo, terminal: true });
        let finished = false;
        // Closed before the answer is passed on: the next question may open at once, and an
        // interface closed after it would pause the input under the new one.
        const finish = (): void => {
          if (finished) return;
          finished = true;
          lines.close();
          options.onClose?.();
        };
        // The line break goes out before finish() hands the terminal back to the status line.
        lines.once('line', (line) => {
          // The Enter key was muted with the rest.
          if (muted) output.write('\n');
          finish();
          subscriber.next(line);
          subscriber.complete();
        });
        lines.once('SIGINT', () => {
          output.write('\n');
          finish();
          options.onInterrupt();
          subscriber.complete();
        });
        lines.once('close', () => {
          if (finished) return;
          finish();
          subscriber.error(new Error('the terminal input ended'));
        });
        output.write(question);
        muted = hidden;
        return finish;
      }),
  };
}
