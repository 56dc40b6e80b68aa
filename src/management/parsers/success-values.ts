import type * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { UINT32_MAX, integerFromString } from './field-codecs.js';
import type { ParseFailure } from './parse-failure.js';
import { singleValueParser } from './success-text.js';

/** Highest `--verb` level the management notes document (`COMMAND -- verb`). */
export const VERB_MAX = 15;

const ProcessIdFromString = integerFromString('process id', 1, UINT32_MAX);
const VerbFromString = integerFromString(`verb level (0-${VERB_MAX})`, 0, VERB_MAX);
// openvpn prints the mute cutoff with %d of an int.
const MuteFromString = integerFromString('mute count', 0, 0x7fff_ffff);

// The hold flag prints as %d of a bool: exactly 0 or 1.
const FlagFromString = new t.Type<boolean, string>(
  'flag (0 or 1)',
  (u): u is boolean => typeof u === 'boolean',
  (u, c) => (u === '1' ? t.success(true) : u === '0' ? t.success(false) : t.failure(u, c)),
  (flag) => (flag ? '1' : '0'),
);

/** Reads the reply of `pid`: `SUCCESS: pid=1234` (with or without `SUCCESS: `) → 1234. */
export const parsePid: (text: string) => E.Either<ParseFailure, number> = singleValueParser(
  'pid',
  'pid',
  ProcessIdFromString,
);

/** Reads the reply of `hold` without argument: `SUCCESS: hold=1` → `true` (hold flag set). */
export const parseHoldQuery: (text: string) => E.Either<ParseFailure, boolean> = singleValueParser(
  'hold',
  'hold',
  FlagFromString,
);

/** Reads the reply of `verb` without argument: `SUCCESS: verb=3` → 3. */
export const parseVerb: (text: string) => E.Either<ParseFailure, number> = singleValueParser(
  'verb',
  'verb',
  VerbFromString,
);

/** Reads the reply of `mute` without argument: `SUCCESS: mute=0` → 0. */
export const parseMute: (text: string) => E.Either<ParseFailure, number> = singleValueParser(
  'mute',
  'mute',
  MuteFromString,
);
