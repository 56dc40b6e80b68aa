import { map } from 'rxjs';
import type { ManagementSocket } from './socket.js';

/** One line of a management conversation, secrets already redacted. */
export interface TranscriptLine {
  /** Epoch ms. */
  readonly at: number;
  readonly direction: 'to-openvpn' | 'from-openvpn';
  readonly text: string;
}

export const REDACTED = '[redacted]';

// Commands whose arguments after the first (the credential type or name) are secrets.
const SECRET_COMMANDS = new Set(['password', 'needstr', 'cr-response', 'pk-sig', 'rsa-sig']);
// Real-time lines that carry secrets: auth tokens and client passwords in ENV blocks.
const SECRET_NOTIFICATIONS: readonly [RegExp, string][] = [
  [/^(>PASSWORD:Auth-Token:).*/, `$1${REDACTED}`],
  [/^(>CLIENT:ENV,(?:password|auth_token|session_id)=).*/i, `$1${REDACTED}`],
  [/^(>CLIENT:CR_RESPONSE,\d+,\d+,).*/, `$1${REDACTED}`],
];

/** Redacts what the client writes: secret command arguments and the management password. */
export function redactOutgoing(line: string, afterPasswordPrompt: boolean): string {
  if (afterPasswordPrompt) return REDACTED;
  const name = /^\s*(\S+)/.exec(line)?.[1];
  if (name === undefined || !SECRET_COMMANDS.has(name)) return line;
  if (name === 'cr-response' || name === 'pk-sig' || name === 'rsa-sig') {
    return `${name} ${REDACTED}`;
  }
  // `password "Auth" "secret"`: keep the type, drop the value.
  const type = /^\s*\S+\s+("(?:[^"\\]|\\.)*"|\S+)/.exec(line)?.[1];
  return type === undefined ? `${name} ${REDACTED}` : `${name} ${type} ${REDACTED}`;
}

/** Redacts what openvpn writes: auth tokens and client secrets. */
export function redactIncoming(line: string): string {
  for (const [pattern, replacement] of SECRET_NOTIFICATIONS) {
    if (pattern.test(line)) return line.replace(pattern, replacement);
  }
  return line;
}

/**
 * Wraps a socket so that every line in both directions is handed to `record`, redacted, with a
 * timestamp: a transcript safe to attach to a bug report. Multi-line bodies (`certificate`,
 * `pk-sig`) are redacted line by line until their `END`.
 */
export function recordTranscript(
  socket: ManagementSocket,
  record: (line: TranscriptLine) => void,
  now: () => number = Date.now,
): ManagementSocket {
  const decoder = new TextDecoder();
  let incoming = '';
  let promptPending = false;
  let inSecretBody = false;
  const emitIncoming = (text: string): void => {
    if (text.endsWith('ENTER PASSWORD:')) promptPending = true;
    record({ at: now(), direction: 'from-openvpn', text: redactIncoming(text) });
  };
  return {
    data$: socket.data$.pipe(
      map((chunk) => {
        incoming += decoder.decode(chunk, { stream: true });
        const lines = incoming.split('\n');
        incoming = lines.pop() ?? '';
        for (const line of lines) emitIncoming(line.replace(/\r$/, ''));
        // The password prompt comes without a newline.
        if (incoming === 'ENTER PASSWORD:') {
          emitIncoming(incoming);
          incoming = '';
        }
        return chunk;
      }),
    ),
    write: (text) => {
      for (const line of text.split('\n').slice(0, -1)) {
        const starts = /^(pk-sig|rsa-sig|certificate)\s*$/.test(line);
        const redacted =
          inSecretBody && line !== 'END' ? REDACTED : redactOutgoing(line, promptPending);
        if (starts) inSecretBody = true;
        if (line === 'END') inSecretBody = false;
        promptPending = false;
        record({ at: now(), direction: 'to-openvpn', text: redacted });
      }
      socket.write(text);
    },
    close: () => socket.close(),
  };
}
