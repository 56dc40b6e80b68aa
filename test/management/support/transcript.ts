import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** What the recorder wrote, then the bytes openvpn sent until the next write. */
export interface Exchange {
  readonly sent: readonly string[];
  readonly received: Buffer;
}

/** A recorded management session (format: see the header of any transcript). */
export interface Transcript {
  readonly header: readonly string[];
  /** Every byte openvpn sent, marks removed. */
  readonly received: Buffer;
  /** The bytes before the first mark come with `sent: []`. */
  readonly exchanges: readonly Exchange[];
}

const MARK = Buffer.from('#<< ', 'latin1');
const LF = 0x0a;

const TRANSCRIPTS = fileURLToPath(new URL('../../fixtures/transcripts/', import.meta.url));

/** Loads test/fixtures/transcripts/<name>.txt. */
export const loadTranscript = (name: string): Transcript => {
  const bytes = readFileSync(`${TRANSCRIPTS}${name}.txt`);
  const header: string[] = [];
  let at = 0;
  while (bytes[at] === 0x23 && bytes.compare(MARK, 0, MARK.length, at, at + MARK.length) !== 0) {
    const end = bytes.indexOf(LF, at);
    header.push(bytes.toString('utf8', at, end));
    at = end + 1;
  }
  const exchanges: { sent: string[]; parts: Buffer[] }[] = [{ sent: [], parts: [] }];
  const all: Buffer[] = [];
  while (at < bytes.length) {
    const mark = bytes.indexOf(MARK, at);
    const stop = mark === -1 ? bytes.length : mark;
    const chunk = bytes.subarray(at, stop);
    exchanges.at(-1)!.parts.push(chunk);
    all.push(chunk);
    if (mark === -1) break;
    const end = bytes.indexOf(LF, mark);
    const sent = bytes.toString('utf8', mark + MARK.length, end);
    const last = exchanges.at(-1)!;
    if (last.parts.length === 0) last.sent.push(sent);
    else exchanges.push({ sent: [sent], parts: [] });
    at = end + 1;
  }
  return {
    header,
    received: Buffer.concat(all),
    exchanges: exchanges.map(({ sent, parts }) => ({ sent, received: Buffer.concat(parts) })),
  };
};

/** The names of every recorded transcript. */
export const TRANSCRIPT_NAMES = [
  'auth-user-pass',
  'client-pending-auth',
  'command-replies',
  'external-key-cert-tcp',
  'lexer-limits',
  'management-password',
  'p2p-client-session',
  'private-key-bad-password',
  'server-client-auth',
  'static-challenge',
] as const;
