import * as E from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { closesBlock } from './inline-content.js';
import { lexLine } from './ovpn-lexer.js';
import type { DraftDirective, DraftEntry } from './profile-draft.js';
import type { ProfileError } from './profile-error.js';
import { profileError } from './profile-error.js';
import type { Profile } from './profile-model.js';
import { isInlineTag } from './profile-model.js';
import type { ProfileValidationOptions } from './validate-profile.js';
import { LINE_BYTES_MAX, validateProfile } from './validate-profile.js';

const BYTE_ORDER_MARK = '\uFEFF';

interface SourceLine {
  readonly number: number;
  readonly text: string;
}

type Read<A> = Either<ProfileError, A>;

// One lexed line: no tokens (blank or comment), a block's opening tag, or a directive.
type LineItem =
  | { readonly kind: 'Empty' }
  | { readonly kind: 'Open'; readonly tag: string }
  | { readonly kind: 'Directive'; readonly directive: DraftDirective };

function readLine(line: SourceLine): Read<LineItem> {
  const bytes = new TextEncoder().encode(line.text).length;
  if (bytes > LINE_BYTES_MAX) {
    return E.left(
      profileError(
        {
          line: line.number,
          reason: 'line-too-long',
          openvpnMessage: 'Options error: Maximum option line length (256) exceeded',
        },
        `the line is ${bytes} bytes long; OpenVPN reads at most ${LINE_BYTES_MAX}.`,
        'Shorten it, or move long content into an inline block.',
      ),
    );
  }
  const lexed = lexLine(line.text);
  if (lexed.kind === 'LexError') {
    return E.left(
      profileError(
        { line: line.number, reason: lexed.reason, openvpnMessage: lexed.openvpnMessage },
        lexed.problem,
        'Fix the quoting; see "Command Parsing" in the OpenVPN management notes.',
      ),
    );
  }
  const [first, ...args] = lexed.tokens;
  if (first === undefined) return E.right({ kind: 'Empty' });
  // OpenVPN strips a leading "--" from the directive before it looks for a block tag.
  const name = first.startsWith('--') ? first.slice(2) : first;
  if (args.length === 0 && name.length > 2 && name.startsWith('<') && name.endsWith('>')) {
    return E.right({ kind: 'Open', tag: name.slice(1, -1) });
  }
  return E.right({
    kind: 'Directive',
    directive: { kind: 'Directive', name, args, line: line.number },
  });
}

// The lines between an opening tag at `lines[start]` and its closing tag, and the closing index.
function blockBody(
  lines: readonly SourceLine[],
  start: number,
  tag: string,
): Read<{ body: readonly SourceLine[]; end: number }> {
  const end = lines.findIndex((line, index) => index > start && closesBlock(line.text, tag));
  if (end === -1) {
    return E.left(
      profileError(
        {
          line: lines[start]?.number,
          directive: tag,
          reason: 'unterminated-block',
          openvpnMessage: `ERROR: Endtag </${tag}> missing`,
        },
        `<${tag}> is never closed.`,
        `Add a line </${tag}> after the block's content.`,
      ),
    );
  }
  return E.right({ body: lines.slice(start + 1, end), end });
}

function readConnection(body: readonly SourceLine[], opening: number): Read<DraftEntry> {
  const directives: DraftDirective[] = [];
  for (const line of body) {
    const item = readLine(line);
    if (E.isLeft(item)) return item;
    if (item.right.kind === 'Open') {
      return E.left(
        profileError(
          { line: line.number, directive: item.right.tag, reason: 'invalid-connection-block' },
          `<${item.right.tag}> inside a <connection> block is not supported.`,
          'Move the block out of the <connection> block.',
        ),
      );
    }
    if (item.right.kind === 'Directive') directives.push(item.right.directive);
  }
  return E.right({ kind: 'ConnectionBlock', directives, line: opening });
}

function readBlock(tag: string, body: readonly SourceLine[], opening: number): Read<DraftEntry> {
  if (tag.startsWith('/')) {
    return E.left(
      profileError(
        { line: opening, directive: tag.slice(1), reason: 'unexpected-closing-tag' },
        `<${tag}> closes a block that was never opened.`,
        `Add <${tag.slice(1)}> before the block's content, or delete the line.`,
      ),
    );
  }
  if (tag === 'connection') return readConnection(body, opening);
  if (!isInlineTag(tag)) {
    return E.left(
      profileError(
        {
          line: opening,
          directive: tag,
          reason: 'unsupported-block',
          openvpnMessage: `Options error: Unrecognized option or missing or extra parameter(s): ${tag}`,
        },
        `<${tag}> is not an inline block a client profile can use.`,
        'Remove the block.',
      ),
    );
  }
  const content = body.map((line) => `${line.text.replace(/\r+$/, '')}\n`).join('');
  return E.right({ kind: 'InlineBlock', tag, content, line: opening });
}

function readDrafts(text: string): Read<DraftEntry[]> {
  const body = text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
  const lines = body.split('\n').map((line, index) => ({ number: index + 1, text: line }));
  const drafts: DraftEntry[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index];
    if (line === undefined) break;
    const item = readLine(line);
    if (E.isLeft(item)) return item;
    if (item.right.kind === 'Directive') drafts.push(item.right.directive);
    if (item.right.kind !== 'Open') continue;
    const tag = item.right.tag;
    // A stray closing tag is reported as such, without searching for its own closing tag.
    const block = tag.startsWith('/')
      ? E.right({ body: [], end: index })
      : blockBody(lines, index, tag);
    if (E.isLeft(block)) return block;
    const entry = readBlock(tag, block.right.body, line.number);
    if (E.isLeft(entry)) return entry;
    drafts.push(entry.right);
    index = block.right.end;
  }
  return E.right(drafts);
}

/**
 * Parses .ovpn text (OpenVPN config syntax: comments, quoting, inline blocks, `<connection>`
 * blocks, a UTF-8 byte order mark, CRLF line endings) into a validated {@link Profile}. Never
 * throws: every problem comes back as a `PROFILE_INVALID` error naming the line.
 */
export const parseOvpn = (
  text: string,
  options: ProfileValidationOptions = {},
): Either<ProfileError, Profile> =>
  pipe(
    readDrafts(text),
    E.flatMap((drafts) => validateProfile(drafts, options)),
  );
