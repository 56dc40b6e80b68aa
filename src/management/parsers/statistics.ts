import * as E from 'fp-ts/lib/Either.js';
import { IntegerFromString, decodeField } from './field-codecs.js';

/** One `name,value` statistic line, read. */
export type Statistic =
  | { readonly kind: 'number'; readonly name: string; readonly value: number }
  | { readonly kind: 'text'; readonly name: string; readonly value: string };

const LOOKS_NUMERIC = /^-?\d+$/;
const QUOTED = /^"(.*)"$/s;

/**
 * Reads one statistic. Integers are numbers, and an integer too large to hold exactly is a
 * failure reason, never a rounded number; anything else is text, without the quotes openvpn
 * puts around some values (Windows' `TAP-WIN32 driver status,"..."`).
 */
export const readStatistic = (name: string, value: string): E.Either<string, Statistic> => {
  if (name === '') return E.left('statistic name is blank');
  if (!LOOKS_NUMERIC.test(value)) {
    return E.right({ kind: 'text', name, value: QUOTED.exec(value)?.[1] ?? value });
  }
  const decoded = decodeField(IntegerFromString, value);
  return E.isLeft(decoded)
    ? E.left(`"${name.slice(0, 40)}": ${decoded.left}`)
    : E.right({ kind: 'number', name, value: decoded.right });
};

/** Statistics as the two records of a status report. */
export interface StatisticsRecords {
  readonly statistics: Readonly<Record<string, number>>;
  readonly statisticTexts: Readonly<Record<string, string>>;
}

/** Splits read statistics into numbers and texts; a repeated name keeps its last value. */
export const statisticsRecords = (read: readonly Statistic[]): StatisticsRecords => ({
  // fromEntries defines own properties, so a statistic named `__proto__` stays plain data.
  statistics: Object.fromEntries(
    read.flatMap((s) => (s.kind === 'number' ? [[s.name, s.value] as const] : [])),
  ),
  statisticTexts: Object.fromEntries(
    read.flatMap((s) => (s.kind === 'text' ? [[s.name, s.value] as const] : [])),
  ),
});
