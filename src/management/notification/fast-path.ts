import { digitsAt } from './digits.js';
import type { BlockPrefix } from './parse-line.js';
import { parseHotStateLine } from './state-fast-path.js';
import type { LogFlags, Notification } from './types.js';

const COMMA = 0x2c;
const COLON = 0x3a;
const LOG_PREFIX = '>LOG:';
const BYTECOUNT_PREFIX = '>BYTECOUNT:';
const BYTECOUNT_CLI_PREFIX = '>BYTECOUNT_CLI:';
const CLIENT_ENV_PREFIX = '>CLIENT:ENV,';
const UPDOWN_ENV_PREFIX = '>UPDOWN:ENV,';
const ENV_END = 'END';
// V8 in Node 20 compares startsWith one character at a time, about 2 ns each; an anchored
// regular expression tests these prefixes in about half the time.
const LOG_START = /^>LOG:/;
const BYTECOUNT_START = /^>BYTECOUNT:/;
const BYTECOUNT_CLI_START = /^>BYTECOUNT_CLI:/;
const CLIENT_ENV_START = /^>CLIENT:ENV,/;
const UPDOWN_ENV_START = /^>UPDOWN:ENV,/;
// The character after `>` that starts each source read here.
const CHAR_B = 0x42;
const CHAR_C = 0x43;
const CHAR_L = 0x4c;
const CHAR_S = 0x53;
const CHAR_U = 0x55;

const parseLog = (
  line: string,
  commonLogFlags: (raw: string) => LogFlags | undefined,
): Notification | undefined => {
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
};

const parseBytecount = (line: string): Notification | undefined => {
  const comma = line.indexOf(',', BYTECOUNT_PREFIX.length);
  if (comma === -1 || line.charCodeAt(line.length - 1) === COMMA) return undefined;
  const bytesIn = digitsAt(line, BYTECOUNT_PREFIX.length, comma);
  const bytesOut = digitsAt(line, comma + 1, line.length);
  if (bytesIn < 0 || bytesOut < 0) return undefined;
  return { type: 'bytecount', bytesIn, bytesOut };
};

const parseBytecountCli = (line: string): Notification | undefined => {
  const first = line.indexOf(',', BYTECOUNT_CLI_PREFIX.length);
  if (first === -1) return undefined;
  const second = line.indexOf(',', first + 1);
  if (second === -1) return undefined;
  // A third comma fails digitsAt in the last field, so the field count is exact.
  const clientId = digitsAt(line, BYTECOUNT_CLI_PREFIX.length, first);
  const bytesIn = digitsAt(line, first + 1, second);
  const bytesOut = digitsAt(line, second + 1, line.length);
  if (clientId < 0 || bytesIn < 0 || bytesOut < 0) return undefined;
  return { type: 'bytecount-cli', clientId, bytesIn, bytesOut };
};

/**
 * `>LOG:`, `>BYTECOUNT:`, `>BYTECOUNT_CLI:` and `>STATE:` are most of the single-line
 * notifications of a busy management stream. Their common, well-formed shapes are read
 * straight from offsets in the line, with no intermediate strings or arrays; anything else
 * (`undefined`) goes through the general parser, which explains a malformed line. A property
 * test holds the two to the same results.
 */
export function parseHotLine(
  line: string,
  commonLogFlags: (raw: string) => LogFlags | undefined,
): Notification | undefined {
  switch (line.charCodeAt(1)) {
    case CHAR_L:
      return LOG_START.test(line) ? parseLog(line, commonLogFlags) : undefined;
    case CHAR_B:
      // `>BYTECOUNT:` and `>BYTECOUNT_CLI:` part at their 11th character.
      if (line.charCodeAt(BYTECOUNT_PREFIX.length - 1) === COLON) {
        return BYTECOUNT_START.test(line) ? parseBytecount(line) : undefined;
      }
      return BYTECOUNT_CLI_START.test(line) ? parseBytecountCli(line) : undefined;
    case CHAR_S:
      return parseHotStateLine(line);
    default:
      return undefined;
  }
}

/** One `name=value` line of a CLIENT or UPDOWN block. */
export interface EnvLine {
  readonly part: 'env';
  readonly prefix: BlockPrefix;
  readonly name: string;
  readonly value: string;
}

const envAt = (prefix: BlockPrefix, line: string, start: number): EnvLine | undefined => {
  if (line.length === start + ENV_END.length && line.endsWith(ENV_END)) return undefined;
  const equals = line.indexOf('=', start);
  return equals === -1
    ? { part: 'env', prefix, name: line.slice(start), value: '' }
    : { part: 'env', prefix, name: line.slice(start, equals), value: line.slice(equals + 1) };
};

/**
 * An ENV line of a CLIENT or UPDOWN block (a third of a busy server's lines), split at its `=`
 * straight from the line. `ENV,END` and everything else is undefined, for the general parser.
 */
export function parseHotEnvLine(line: string): EnvLine | undefined {
  switch (line.charCodeAt(1)) {
    case CHAR_C:
      return CLIENT_ENV_START.test(line)
        ? envAt('CLIENT', line, CLIENT_ENV_PREFIX.length)
        : undefined;
    case CHAR_U:
      return UPDOWN_ENV_START.test(line)
        ? envAt('UPDOWN', line, UPDOWN_ENV_PREFIX.length)
        : undefined;
    default:
      return undefined;
  }
}
