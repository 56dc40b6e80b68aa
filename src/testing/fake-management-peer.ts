import { Observable, Subject, asyncScheduler, type SchedulerLike } from 'rxjs';
import type { ManagementSocket } from '../management/socket.js';

/** What the fake answers to one command line: lines to send back, in order. */
export type FakeAnswer = readonly string[] | ((commandLine: string) => readonly string[]);

/** A scripted openvpn management peer. */
export interface FakePeerScript {
  /** The greeting; openvpn 2.6 sends the one below. */
  readonly banner?: string;
  /** When set, the peer first asks `ENTER PASSWORD:` and accepts only this password. */
  readonly password?: string;
  /** Answers by exact command line (without the newline), or by the command's first word. */
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

/**
 * A management peer driven by a script instead of openvpn: transcript in (answers), transcript
 * out (what the client wrote). Replies are delivered on `scheduler`, never synchronously within
 * `write`, like a real socket.
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
      for (const text of lines)
        transcript.push({ direction: 'from-openvpn', text, at: scheduler.now() });
      const prompt = lines.length === 1 && lines[0] === 'ENTER PASSWORD:';
      incoming$.next(
        encoder.encode(prompt ? 'ENTER PASSWORD:' : lines.map((l) => `${l}\r\n`).join('')),
      );
    });
  };

  const greet = (): void => send([script.banner ?? OPENVPN_BANNER, ...(script.afterBanner ?? [])]);

  const answer = (line: string): void => {
    transcript.push({ direction: 'to-openvpn', text: line, at: scheduler.now() });
    if (!authenticated) {
      if (line === script.password) {
        authenticated = true;
        send(['SUCCESS: password is correct']);
        greet();
      } else {
        send(['ERROR: bad password']);
        send(['ENTER PASSWORD:']);
      }
      return;
    }
    const answers = script.answers ?? {};
    const byWord = line.split(' ')[0] ?? '';
    const scripted = answers[line] ??
      answers[byWord] ??
      script.unknownAnswer ?? ["ERROR: unknown command, enter 'help' for more options"];
    send(typeof scripted === 'function' ? scripted(line) : scripted);
  };

  const socket: ManagementSocket = {
    data$: new Observable<Uint8Array>((subscriber) => {
      const subscription = incoming$.subscribe(subscriber);
      if (script.password === undefined) greet();
      else send(['ENTER PASSWORD:']);
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
    hangUp: () => {
      scheduler.schedule(() => {
        if (closed) return;
        closed = true;
        incoming$.complete();
      });
    },
    get closedByClient() {
      return closedByClient;
    },
  };
}
