// JSON.stringify escapes C0 controls only; these would still act on a terminal (0x9B is an
// 8-bit CSI) or reorder the line around them.
const TERMINAL_ACTIVE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const unicodeEscape = (char: string): string =>
  `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * `value` as one line of JSON, newline included, safe to show on a terminal: controls that
 * JSON leaves raw (DEL, C1, line and paragraph separators, bidi formatting) are written as
 * `\u` escapes, so the line parses back to the same value.
 */
export const toJsonLine = (value: unknown): string =>
  `${JSON.stringify(value).replace(TERMINAL_ACTIVE, unicodeEscape)}\n`;
