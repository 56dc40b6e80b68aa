const isTerminalActive = (code: number): boolean =>
  code < 0x20 ||
  (code >= 0x7f && code <= 0x9f) ||
  code === 0x2028 ||
  code === 0x2029 ||
  (code >= 0x202a && code <= 0x202e) ||
  (code >= 0x2066 && code <= 0x2069);

/**
 * UTF-16 units of `text` that act on a terminal or break the line: C0 (ESC included), DEL, C1,
 * line and paragraph separators, bidi embeddings, overrides and isolates. All are single units.
 */
export const controlCodesIn = (text: string): readonly number[] =>
  Array.from({ length: text.length }, (_, index) => text.charCodeAt(index)).filter(
    isTerminalActive,
  );
