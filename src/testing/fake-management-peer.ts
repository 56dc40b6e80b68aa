import { Observable, Subject, asyncScheduler, type SchedulerLike } from 'rxjs';
import type { ManagementSocket } from '../management/socket.js';

/** What the fake answers to one command line: lines to send back, in order. */
export type FakeAnswer = readonly string[] | ((commandLine: string) => readonly string[]);

/** A scripted openvpn management peer. */
export interface FakePeerScript {
  /**
   * The greeting; openvpn 2.6 sends {@link OPENVPN_BANNER}. `null` for a peer that never greets,
   * as openvpn does to a second client while it serves a first one.
   */
  readonly banner?: string | null;
  /** When set, the peer first asks `ENTER PASSWORD:` and accepts only this password. */
  readonly password?: string;
  /**
   * Answers, looked up by the exact command line (without the newline), then by its words with
   * quotes and escapes resolved and joined by one space (`hold release` answers
   * `hold "release"`), then by the command's first word.
   */
  readonly answers?: Readonly<Record<string, FakeAnswer>>;
  /** Sent for a command with no scripted answer. */
  readonly unknownAnswer?: FakeAnswer;
  /** Lines pushed unprompted once the banner is out (real-time notifications). */
  readonly afterBanner?: readonly string[];
}

/** One line of the conversation as the fake saw it. */
export interface TranscriptEntry {
  readonly direction: 'to-openvpn' | 'from-openvpn';
  readonly text: string;
  readonly at: number;
}

/** A fake peer: its socket, what was said, and controls for a test or a UI demo. */
export interface FakeManagementPeer {
  readonly socket: ManagementSocket;
  readonly transcript: readonly TranscriptEntry[];
  /** Sends raw lines to the client (each gets a `\r\n`, as openvpn writes them). */
  push(...lines: string[]): void;
  /** Closes the connection from openvpn's side. */
  hangUp(): void;
  /** True once the client closed the socket. */
  readonly closedByClient: boolean;
}

export const OPENVPN_BANNER =
  ">INFO:OpenVPN Management Interface Version 5 -- type 'help' for more info";

const PASSWORD_PROMPT = 'ENTER PASSWORD:';
const UNKNOWN_COMMAND = ["ERROR: unknown command, enter 'help' for more options"];
// openvpn closes the connection on these and answers nothing.
const CLOSING_COMMANDS = new Set(['exit', 'quit']);

/**
 * The words of a command line as openvpn's lexer reads them: split on blanks, `"` groups,
 * `\` escapes the next character.
 */
export function commandWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quoted = false;
  let escaped = false;
  for (const char of line) {
    if (escaped) {
      word = (word ?? '') + char;
      escaped = false;
    } else if (char === '\\') {
      escaped = true;
    } else if (char === '"') {
      quoted = !quoted;
      word ??= '';
    } else if (!quoted && (char === ' ' || char === '\t')) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + char;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * A management peer driven by a script instead of openvpn: transcript in (answers), transcript
 * out (what the client wrote). Replies are delivered on `scheduler`, never synchronously within
 * `write`, like a real socket. Like openvpn 2.6.14, it answers a wrong password with nothing but
 * a new prompt, and closes the connection on `exit` and `quit`.
 */
export function createFakeManagementPeer(
  script: FakePeerScript = {},
  scheduler: SchedulerLike = asyncScheduler,
): FakeManagementPeer {
  const incoming$ = new Subject<Uint8Array>();
  const transcript: TranscriptEntry[] = [];
  const encoder = new TextEncoder();
  let pending = '';
  let authenticated = script.password === undefined;
  let closedByClient = false;
  let closed = false;

  const send = (lines: readonly string[]): void => {
    scheduler.schedule(() => {
      if (closed) return;
      for (const text of lines) {
        transcript.push({ direction: 'from-openvpn', text, at: scheduler.now() });
      }
      // openvpn writes the prompt without a line end and waits on the same line.
      const prompt = lines.length === 1 && lines[0] === PASSWORD_PROMPT;
      incoming$.next(
        encoder.encode(prompt ? PASSWORD_PROMPT : lines.map((l) => `${l}\r\n`).join('')),
      );
    });
  };

  const hangUp = (): void => {
    scheduler.schedule(() => {
      if (closed) return;
      closed = true;
      incoming$.complete();
    });
  };

  const greet = (): void => {
    if (script.banner === null) return;
    send([script.banner ?? OPENVPN_BANNER, ...(script.afterBanner ?? [])]);
  };

  const scriptedAnswer = (line: string): FakeAnswer | undefined => {
    const answers = script.answers ?? {};
    const words = commandWords(line);
    return answers[line] ?? answers[words.join(' ')] ?? answers[words[0] ?? ''];
  };

  const answer = (line: string): void => {
    transcript.push({ direction: 'to-openvpn', text: line, at: scheduler.now() });
    if (!authenticated) {
      if (line === script.password) {
        authenticated = true;
        send(['SUCCESS: password is correct']);
        greet();
      } else {
        send([PASSWORD_PROMPT]);
      }
      return;
    }
    const scripted = scriptedAnswer(line);
    if (scripted === undefined && CLOSING_COMMANDS.has(commandWords(line)[0] ?? '')) {
      hangUp();
      return;
    }
    const chosen = scripted ?? script.unknownAnswer ?? UNKNOWN_COMMAND;
    send(typeof chosen === 'function' ? chosen(line) : chosen);
  };

  const socket: ManagementSocket = {
    data$: new Observable<Uint8Array>((subscriber) => {
      const subscription = incoming$.subscribe(subscriber);
      if (script.password === undefined) greet();
      else send([PASSWORD_PROMPT]);
      return subscription;
    }),
    write: (text) => {
      if (closed) return;
      pending += text;
      let newline = pending.indexOf('\n');
      while (newline !== -1) {
        answer(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
    },
    close: () => {
      if (closed) return;
      closed = true;
      closedByClient = true;
      incoming$.complete();
    },
  };

  return {
    socket,
    transcript,
    push: (...lines) => send(lines),
    hangUp,
    get closedByClient() {
      return closedByClient;
    },
  };
}
