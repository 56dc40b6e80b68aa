/**
 * Collecting the reply to one management command. The shapes were checked against openvpn 2.6.14
 * (test/fixtures/transcripts/command-replies.txt and p2p-client-session.txt):
 * - `success`: one `SUCCESS: text` or `ERROR: text` line (pid, hold, verb, mute, load-stats, ...).
 *   Some commands print a bare line first (`auth-retry bogus`); such lines are kept as `notes`.
 * - `lines`: lines then `END` (state, version, status, help, log/echo/state N|all,
 *   remote-entry-*). A first line `ERROR: ...` ends it instead.
 * - `success-lines`: `SUCCESS:` then lines then `END` (state/log/echo `on all`).
 * - `none`: nothing at all (`version N` for every N on 2.6.14, exit, quit).
 * - `body`: multi-line commands (client-auth, certificate, pk-sig, rsa-sig), answered by one
 *   SUCCESS/ERROR after their END, except that certificate/pk-sig/rsa-sig answer
 *   `ERROR: The ... command is not currently available` at once when openvpn is not waiting for
 *   them; each body line then runs as a command of its own and is answered too.
 * - `pkcs11`: answered by a real-time-looking `>PKCS11ID-COUNT:` / `>PKCS11ID-ENTRY:` line.
 */

/** How a command is answered. */
export type ReplyShape = 'success' | 'lines' | 'success-lines' | 'none' | 'body' | 'pkcs11';

/** A complete reply. */
export type Reply =
  | { readonly kind: 'success'; readonly text: string; readonly notes: readonly string[] }
  | { readonly kind: 'error'; readonly text: string; readonly notes: readonly string[] }
  | { readonly kind: 'lines'; readonly lines: readonly string[] }
  | { readonly kind: 'success-lines'; readonly text: string; readonly lines: readonly string[] }
  | { readonly kind: 'none' };

/** The result of feeding one line to a collector. */
export type CollectStep = { readonly done: false } | { readonly done: true; readonly reply: Reply };

/** Accumulates reply lines for one command; feed it every non-notification line. */
export interface ReplyCollector {
  push(line: string): CollectStep;
}

/** Options of {@link createReplyCollector}. */
export interface ReplyCollectorOptions {
  /**
   * For `body`: how many lines follow the head line, END included. Needed to swallow the
   * answers to body lines that openvpn ran as commands after refusing the head at once.
   */
  readonly bodyLines?: number;
}

const SUCCESS = 'SUCCESS:';
const ERROR = 'ERROR:';
const END = 'END';
/** Bare lines kept before a SUCCESS/ERROR; more are counted, not stored. */
export const MAX_REPLY_NOTES = 64;
const REFUSED_AT_ONCE = /^The \S+ command is not currently available/;
const PKCS11_REPLY = /^>?PKCS11ID-(?:COUNT|ENTRY):/;

const NOT_DONE: CollectStep = Object.freeze({ done: false });

/** True for real-time lines (`>SOURCE:...`), which belong to no command. */
export const isNotificationLine = (line: string): boolean => line.startsWith('>');

/** True when `line`, although real-time-looking, is the reply a `shape` command waits for. */
export const claimsLine = (shape: ReplyShape, line: string): boolean =>
  shape === 'pkcs11' && PKCS11_REPLY.test(line);

const textAfter = (line: string, prefix: string): string => line.slice(prefix.length).trimStart();

const done = (reply: Reply): CollectStep => ({ done: true, reply });

const statusReply = (line: string, notes: readonly string[]): Reply | undefined => {
  if (line.startsWith(SUCCESS)) return { kind: 'success', text: textAfter(line, SUCCESS), notes };
  if (line.startsWith(ERROR)) return { kind: 'error', text: textAfter(line, ERROR), notes };
  return undefined;
};

const collectSuccess = (): ReplyCollector => {
  const notes: string[] = [];
  return {
    push(line) {
      const reply = statusReply(line, notes);
      if (reply !== undefined) return done(reply);
      if (notes.length < MAX_REPLY_NOTES) notes.push(line);
      return NOT_DONE;
    },
  };
};

const collectLines = (): ReplyCollector => {
  const lines: string[] = [];
  return {
    push(line) {
      if (line === END) return done({ kind: 'lines', lines });
      if (lines.length === 0 && line.startsWith(ERROR)) {
        return done({ kind: 'error', text: textAfter(line, ERROR), notes: [] });
      }
      lines.push(line);
      return NOT_DONE;
    },
  };
};

const collectSuccessLines = (): ReplyCollector => {
  let text: string | undefined;
  const lines: string[] = [];
  return {
    push(line) {
      if (text === undefined) {
        const reply = statusReply(line, []);
        if (reply?.kind === 'error') return done(reply);
        if (reply?.kind === 'success') text = reply.text;
        // openvpn 2.6 always starts with SUCCESS; a stray line before it is kept, not lost.
        else lines.push(line);
        return NOT_DONE;
      }
      if (line === END) return done({ kind: 'success-lines', text, lines });
      lines.push(line);
      return NOT_DONE;
    },
  };
};

const collectBody = (bodyLines: number): ReplyCollector => {
  let refusal: Reply | undefined;
  let owed = 0;
  const inner = collectSuccess();
  return {
    push(line) {
      if (refusal !== undefined) {
        // One answer per body line that ran as a command: SUCCESS/ERROR, or END of a listing.
        if (line === END || statusReply(line, []) !== undefined) owed -= 1;
        return owed <= 0 ? done(refusal) : NOT_DONE;
      }
      const step = inner.push(line);
      if (!step.done) return step;
      if (step.reply.kind === 'error' && REFUSED_AT_ONCE.test(step.reply.text) && bodyLines > 0) {
        refusal = step.reply;
        owed = bodyLines;
        return NOT_DONE;
      }
      return step;
    },
  };
};

const collectPkcs11 = (): ReplyCollector => ({
  push(line) {
    if (PKCS11_REPLY.test(line)) return done({ kind: 'lines', lines: [line] });
    const reply = statusReply(line, []);
    return reply === undefined ? NOT_DONE : done(reply);
  },
});

const collectNothing = (): ReplyCollector => ({
  push: () => done({ kind: 'none' }),
});

/**
 * Creates a collector for one command's reply. The caller routes real-time lines
 * ({@link isNotificationLine}) elsewhere first, except those {@link claimsLine} gives to it.
 * A `none` collector is never fed: its reply is `{ kind: 'none' }` as soon as the command is sent.
 */
export const createReplyCollector = (
  shape: ReplyShape,
  options: ReplyCollectorOptions = {},
): ReplyCollector => {
  switch (shape) {
    case 'success':
      return collectSuccess();
    case 'lines':
      return collectLines();
    case 'success-lines':
      return collectSuccessLines();
    case 'body':
      return collectBody(options.bodyLines ?? 0);
    case 'pkcs11':
      return collectPkcs11();
    case 'none':
      return collectNothing();
  }
};
