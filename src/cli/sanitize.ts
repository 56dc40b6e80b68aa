const ESC = 0x1b;
const BEL = 0x07;
const DEL = 0x7f;
const C1_FIRST = 0x80;
const C1_LAST = 0x9f;
const C1_CSI = 0x9b;
const C1_ST = 0x9c;
// C1 controls that open a string ended by ST: DCS, SOS, OSC, PM, APC (ECMA-48 8.3).
const C1_STRING_OPENERS: ReadonlySet<number> = new Set([0x90, 0x98, 0x9d, 0x9e, 0x9f]);
// The same five in their 7-bit form, the byte after ESC: P, X, ], ^, _.
const ESC_STRING_OPENERS: ReadonlySet<number> = new Set([0x50, 0x58, 0x5d, 0x5e, 0x5f]);
// Explicit bidi formatting (Unicode UAX #9): marks, embeddings, overrides, isolates. Text
// around them would display in another order than it reads ("Trojan Source").
const BIDI_CONTROLS: ReadonlySet<number> = new Set([
  0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069,
]);
// Whitespace that would break the line: shown as one space instead.
const LINE_BREAKING: ReadonlySet<number> = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x2028, 0x2029]);
const REPLACEMENT = '\uFFFD';

const isCsiParameterOrIntermediate = (code: number): boolean => code >= 0x20 && code <= 0x3f;
const isIntermediate = (code: number): boolean => code >= 0x20 && code <= 0x2f;
const isFinal = (code: number): boolean => code >= 0x30 && code <= 0x7e;
const isSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdfff;

// Index after a CSI sequence's parameters, intermediates and final byte (ECMA-48 5.4).
const skipCsi = (text: string, from: number): number => {
  let index = from;
  while (index < text.length && isCsiParameterOrIntermediate(text.charCodeAt(index))) index++;
  const final = text.charCodeAt(index);
  return final >= 0x40 && final <= 0x7e ? index + 1 : index;
};

// Index after a control string (OSC, DCS, ...): up to ST (ESC \ or 0x9C) or, as xterm also
// accepts for OSC, BEL. An unterminated string runs to the end of the text.
const skipControlString = (text: string, from: number): number => {
  for (let index = from; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === BEL || code === C1_ST) return index + 1;
    if (code === ESC) return text.charCodeAt(index + 1) === 0x5c ? index + 2 : index;
  }
  return text.length;
};

// Index after an escape sequence that starts with ESC at `from`.
const skipEscape = (text: string, from: number): number => {
  const next = text.charCodeAt(from + 1);
  if (next === 0x5b) return skipCsi(text, from + 2);
  if (ESC_STRING_OPENERS.has(next)) return skipControlString(text, from + 2);
  let index = from + 1;
  while (index < text.length && isIntermediate(text.charCodeAt(index))) index++;
  return isFinal(text.charCodeAt(index)) ? index + 1 : index;
};

// What one code point outside an escape sequence shows as: itself, a space, nothing or U+FFFD.
const displayOf = (code: number): string => {
  if (LINE_BREAKING.has(code)) return ' ';
  if (BIDI_CONTROLS.has(code)) return '';
  const isControl = code < 0x20 || code === DEL || (code >= C1_FIRST && code <= C1_LAST);
  return isControl || isSurrogate(code) ? REPLACEMENT : String.fromCodePoint(code);
};

/**
 * Makes untrusted text (openvpn's `>LOG`, `>INFOMSG` and `>ECHO` lines, reason strings, a
 * peer's words, profile names) safe to print on a terminal as one line. Escape sequences
 * (CSI, OSC, DCS and the rest, in 7-bit and 8-bit form) and bidi formatting characters are
 * removed; tabs, line and paragraph breaks become a space; every other C0 or C1 control, DEL
 * and lone surrogate becomes U+FFFD. Printable Unicode is kept as it is.
 */
export function sanitizeForTerminal(text: string): string {
  let out = '';
  let index = 0;
  while (index < text.length) {
    const code = text.codePointAt(index) ?? 0;
    const width = code > 0xffff ? 2 : 1;
    if (code === ESC) {
      index = skipEscape(text, index);
      continue;
    }
    if (code === C1_CSI) {
      index = skipCsi(text, index + 1);
      continue;
    }
    if (C1_STRING_OPENERS.has(code)) {
      index = skipControlString(text, index + 1);
      continue;
    }
    out += displayOf(code);
    index += width;
  }
  return out;
}
