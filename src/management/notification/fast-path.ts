import type { LogFlags, Notification } from './types.js';

const DIGIT_0 = 0x30;
const COMMA = 0x2c;
// Up to 15 digits a decimal sum is exact; longer numbers take the general path.
const MAX_FAST_DIGITS = 15;
const LOG_PREFIX = '>LOG:';
const BYTECOUNT_PREFIX = '>BYTECOUNT:';

// The decimal number in line[from, to), or -1 when it is not plain digits.
const digitsAt = (line: string, from: number, to: number): number => {
  if (to <= from || to - from > MAX_FAST_DIGITS) return -1;
  let value = 0;
  for (let index = from; index < to; index += 1) {
    const digit = line.charCodeAt(index) - DIGIT_0;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
};

/**
 * `>LOG:` and `>BYTECOUNT:` are most of a busy management stream. Their common, well-formed
 * shapes are read straight from offsets in the line, with one substring and one object each;
 * anything else (`undefined`) goes through the general parser, which explains a malformed
 * line. A property test holds the two to the same results.
 */
export function parseHotLine(
  line: string,
  commonLogFlags: (raw: string) => LogFlags | undefined,
): Notification | undefined {
  if (line.startsWith(LOG_PREFIX)) {
    const timeEnd = line.indexOf(',', LOG_PREFIX.length);
    if (timeEnd === -1) return undefined;
    const flagsEnd = line.indexOf(',', timeEnd + 1);
    if (flagsEnd === -1) return undefined;
    const time = digitsAt(line, LOG_PREFIX.length, timeEnd);
    // openvpn 2.6 sends no flag or one (a one-character string costs no allocation); longer
    // flag strings take the general path.
    const flagChars = flagsEnd - timeEnd - 1;
    const flags =
      flagChars === 0
        ? commonLogFlags('')
        : flagChars === 1
          ? commonLogFlags(line.charAt(timeEnd + 1))
          : undefined;
    if (time < 0 || flags === undefined) return undefined;
    return { type: 'log', time, flags, text: line.slice(flagsEnd + 1) };
  }
  if (line.startsWith(BYTECOUNT_PREFIX)) {
    const comma = line.indexOf(',', BYTECOUNT_PREFIX.length);
    if (comma === -1 || line.charCodeAt(line.length - 1) === COMMA) return undefined;
    const bytesIn = digitsAt(line, BYTECOUNT_PREFIX.length, comma);
    const bytesOut = digitsAt(line, comma + 1, line.length);
    if (bytesIn < 0 || bytesOut < 0) return undefined;
    return { type: 'bytecount', bytesIn, bytesOut };
  }
  return undefined;
}
