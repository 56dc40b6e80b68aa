import type { InlineTag } from './profile-model.js';

// C isspace(), which OpenVPN skips before looking for a closing tag.
const LEADING_C_SPACE = /^[ \t\n\v\f\r]+/;

const PEM_TAGS: ReadonlySet<InlineTag> = new Set<InlineTag>([
  'ca',
  'cert',
  'extra-certs',
  'dh',
  'crl-verify',
  'key',
  'tls-auth',
  'tls-crypt',
  'tls-crypt-v2',
  'secret',
]);

const PEM_BEGIN = /-----BEGIN [^\n]+-----/;
const PEM_END = /-----END [^\n]+-----/;
const BASE64_TEXT = /^[A-Za-z0-9+/=\s]+$/;

/**
 * The canonical form of block content: `\n` line endings, no carriage returns at line ends, and
 * a final line feed. Parsing and rendering agree on it, which makes the round trip exact.
 */
export function normalizeBlockContent(text: string): string {
  const lines = text.split('\n').map((line) => line.replace(/\r+$/, ''));
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line) => `${line}\n`).join('');
}

/** A line in the content that OpenVPN would take for the end of the block. */
export const closesBlock = (line: string, tag: string): boolean =>
  line.replace(LEADING_C_SPACE, '').startsWith(`</${tag}>`);

/** Why `content` (already normalized) cannot be the content of a `tag` block, if it cannot. */
export function blockContentProblem(tag: InlineTag, content: string): string | undefined {
  if (content.trim() === '') return 'the block is empty.';
  if (content.includes('\0')) return 'the block contains a NUL character.';
  if (content.split('\n').some((line) => closesBlock(line, tag))) {
    return `a line inside the block starts with </${tag}>.`;
  }
  if (PEM_TAGS.has(tag) && !(PEM_BEGIN.test(content) && PEM_END.test(content))) {
    return 'the block holds no PEM text (-----BEGIN …----- … -----END …-----).';
  }
  if (tag === 'pkcs12' && !BASE64_TEXT.test(content)) {
    return 'a <pkcs12> block must hold the PKCS#12 file in base64.';
  }
  return undefined;
}
