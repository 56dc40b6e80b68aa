import type { Random } from './random.js';

/**
 * Pieces that break naive encoders and parsers: separators of the management protocol, quotes
 * and escapes of its lexer, bytes openvpn drops, multi-byte UTF-8, lone surrogates and the
 * words that would start a second command.
 */
const PIECES = [
  ' ',
  '"',
  "'",
  '\\',
  '\\"',
  '\\\\',
  '\n',
  '\r',
  '\r\n',
  '\t',
  '\u0000',
  '\u001b[31m',
  '\u007f',
  ',',
  ':',
  '>',
  'END',
  'SUCCESS:',
  'ERROR:',
  'signal SIGUSR2',
  'ENTER PASSWORD:',
  'ü',
  '€',
  '😀',
  '\ud800',
  '\udfff',
  '\u2028',
  '\ufeff',
] as const;

const PRINTABLE_FIRST = 0x20;
const PRINTABLE_LAST = 0x7e;

/** One random UTF-16 code unit from the whole range, surrogates included. */
const anyUnit = (random: Random): string => String.fromCharCode(random.int(0, 0xffff));

const printable = (random: Random): string =>
  String.fromCharCode(random.int(PRINTABLE_FIRST, PRINTABLE_LAST));

/** Lengths that matter to openvpn 2.6: around the 256-byte parameter and 1023-byte line limits. */
const EDGE_LENGTHS = [0, 1, 254, 255, 256, 257, 258, 500, 1000, 1020, 1023, 1024, 1030] as const;

/** A string built from hostile pieces, printable ASCII and arbitrary code units. */
export const hostileText = (random: Random, maxUnits = 64): string => {
  if (random.chance(0.08)) {
    const length = random.pick(EDGE_LENGTHS);
    const fill = random.chance(0.5) ? 'a' : random.pick(['é', '"', '\\', '€']);
    return fill.repeat(Math.ceil(length / fill.length)).slice(0, length);
  }
  const target = random.int(0, maxUnits);
  let text = '';
  while (text.length < target) {
    const roll = random.next();
    if (roll < 0.3) text += random.pick(PIECES);
    else if (roll < 0.85) text += printable(random);
    else text += anyUnit(random);
  }
  return text;
};

/** Numbers for count and port arguments, valid and not. */
export const hostileNumber = (random: Random): number =>
  random.pick([
    0,
    1,
    random.int(0, 65_535),
    -1,
    -0,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 2,
    2 ** 31,
  ]);
