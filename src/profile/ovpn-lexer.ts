/**
 * OpenVPN's config-line lexer (`parse_line` in options.c, the rules of the management notes'
 * "Command Parsing" section), reproduced rule for rule. Behaviour was checked against
 * openvpn 2.6.14, including its quirks: a comment starts only where a token could start (even
 * after a backslash), an escaped space at the start of a token is dropped, a closing quote ends
 * the token at once (`"a"b` is two tokens), and `\'` outside single quotes is an error.
 */

/** OpenVPN keeps at most this many tokens (directive included) from one line. */
export const LINE_TOKENS_MAX = 16;

export type LexResult =
  | { readonly kind: 'Tokens'; readonly tokens: readonly string[] }
  | {
      readonly kind: 'LexError';
      readonly reason: 'unclosed-quote' | 'bad-backslash' | 'too-many-parameters';
      readonly problem: string;
      readonly openvpnMessage: string;
    };

type LexError = Extract<LexResult, { readonly kind: 'LexError' }>;

type State = 'initial' | 'unquoted' | 'double-quoted' | 'single-quoted';

// C isspace() in the C locale; a no-break space or other Unicode space is part of a token.
const isCSpace = (c: string): boolean =>
  c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';

const BAD_BACKSLASH: LexError = {
  kind: 'LexError',
  reason: 'bad-backslash',
  problem: 'a backslash escapes only \\\\, \\" or a space here.',
  openvpnMessage: "Options warning: Bad backslash ('\\') usage",
};

/** Splits one config line (without its line ending) into tokens, or says why OpenVPN would not. */
export function lexLine(line: string): LexResult {
  const tokens: string[] = [];
  let state: State = 'initial';
  let backslash = false;
  let token = '';
  // The end of the line acts as one more whitespace character, like the C string's NUL. Only
  // ASCII characters matter to the rules, so walking UTF-16 code units keeps every other
  // character intact.
  for (let index = 0; index <= line.length; index += 1) {
    const c = line.charAt(index);
    const atEnd = index === line.length;
    if (!backslash && c === '\\' && state !== 'single-quoted') {
      backslash = true;
      continue;
    }
    if (backslash && atEnd) {
      // openvpn would keep the line feed in the token (or fail on the last line): refuse both.
      return {
        ...BAD_BACKSLASH,
        problem: 'the line ends with a backslash, which would join it to the line ending.',
      };
    }
    let out: string | undefined;
    let done = false;
    switch (state) {
      case 'initial':
        if (atEnd || isCSpace(c)) break;
        if (c === '#' || c === ';') return finish(tokens);
        if (!backslash && c === '"') state = 'double-quoted';
        else if (!backslash && c === "'") state = 'single-quoted';
        else {
          out = c;
          state = 'unquoted';
        }
        break;
      case 'unquoted':
        if (!backslash && (atEnd || isCSpace(c))) done = true;
        else out = c;
        break;
      case 'double-quoted':
        if (!backslash && c === '"') done = true;
        else if (!atEnd) out = c;
        break;
      case 'single-quoted':
        if (c === "'") done = true;
        else if (!atEnd) out = c;
        break;
    }
    if (backslash && out !== undefined && !(out === '\\' || out === '"' || isCSpace(out))) {
      return BAD_BACKSLASH;
    }
    backslash = false;
    if (out !== undefined) token += out;
    if (done) {
      tokens.push(token);
      token = '';
      state = 'initial';
    }
  }
  if (state === 'double-quoted') return unclosed('"', 'No closing quotation (")');
  if (state === 'single-quoted') return unclosed("'", "No closing single quotation (')");
  return finish(tokens);
}

function finish(tokens: readonly string[]): LexResult {
  if (tokens.length > LINE_TOKENS_MAX) {
    return {
      kind: 'LexError',
      reason: 'too-many-parameters',
      problem: `the line has ${tokens.length} words; OpenVPN reads at most ${LINE_TOKENS_MAX}.`,
      openvpnMessage: 'Options error: Unrecognized option or missing or extra parameter(s)',
    };
  }
  return { kind: 'Tokens', tokens };
}

function unclosed(quote: string, what: string): LexResult {
  return {
    kind: 'LexError',
    reason: 'unclosed-quote',
    problem: `the quoted argument has no closing ${quote} on the same line.`,
    openvpnMessage: `Options error: ${what}`,
  };
}
