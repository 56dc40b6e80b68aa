import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';

/** Largest value of a C `unsigned int` / `uint32_t`, as openvpn prints with `%u`. */
export const UINT32_MAX = 0xffff_ffff;

const DECIMAL = /^\d+$/;
const SIGNED_DECIMAL = /^-?\d+$/;

/**
 * An io-ts codec from a decimal string to an integer in `[min, max]`. Only what openvpn's
 * `%u`/`%d` formats produce is accepted: no blanks, `+`, exponent or hex; values beyond
 * `Number.MAX_SAFE_INTEGER` are out of range rather than silently rounded.
 */
export const integerFromString = (
  name: string,
  min: number,
  max: number,
): t.Type<number, string> => {
  const pattern = min < 0 ? SIGNED_DECIMAL : DECIMAL;
  const inRange = (n: number): boolean => Number.isSafeInteger(n) && n >= min && n <= max;
  return new t.Type<number, string>(
    name,
    (u): u is number => typeof u === 'number' && inRange(u),
    (u, c) => {
      if (typeof u !== 'string' || !pattern.test(u)) return t.failure(u, c, `expected ${name}`);
      const value = Number(u);
      return inRange(value) ? t.success(value) : t.failure(u, c, `${name} out of range`);
    },
    String,
  );
};

/** Byte and packet counters: openvpn's 64-bit `counter_format`, limited to safe integers. */
export const CountFromString = integerFromString('count', 0, Number.MAX_SAFE_INTEGER);
/** A TCP/UDP port number. */
export const PortFromString = integerFromString('port (1-65535)', 1, 65_535);
/** Unix time in seconds. */
export const EpochSecondsFromString = integerFromString(
  'epoch seconds',
  0,
  Number.MAX_SAFE_INTEGER,
);
/** A value printed with `%u`: ids, timeouts. */
export const Uint32FromString = integerFromString('unsigned 32-bit integer', 0, UINT32_MAX);
/** A signed statistic such as a queue length printed with `%d`. */
export const IntegerFromString = integerFromString(
  'integer',
  Number.MIN_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER,
);

/** Wraps `codec` so that an empty field decodes to `undefined`: openvpn leaves unknowns blank. */
export const blankAsUndefined = <A>(codec: t.Type<A, string>): t.Type<A | undefined, string> =>
  new t.Type<A | undefined, string>(
    `${codec.name} or blank`,
    (u): u is A | undefined => u === undefined || codec.is(u),
    (u, c) => (u === '' ? t.success(undefined) : codec.validate(u, c)),
    (a) => (a === undefined ? '' : codec.encode(a)),
  );

/** A free-text field where blank means "not known". */
export const OptionalText = blankAsUndefined(t.string);

/**
 * One readable sentence for the first io-ts error: the column (when there is one), what was
 * expected and what was found.
 */
export const describeErrors = (errors: t.Errors): string => {
  const [first] = errors;
  if (first === undefined) return 'invalid value';
  const last = first.context[first.context.length - 1];
  const key = last?.key ?? '';
  const where = key === '' || /^\d+$/.test(key) ? '' : `"${key}": `;
  if (first.value === undefined) return `missing ${where === '' ? 'value' : `column ${key}`}`;
  const expected = first.message ?? `expected ${last?.type.name ?? 'a valid value'}`;
  return `${where}${expected}, got ${quote(first.value)}`;
};

const QUOTED_VALUE_MAX_CHARS = 60;

// Reasons end up in logs: a hostile or garbled cell must not make them huge.
const quote = (value: unknown): string => {
  const text = JSON.stringify(typeof value === 'string' ? value : String(value));
  return text.length > QUOTED_VALUE_MAX_CHARS
    ? `${text.slice(0, QUOTED_VALUE_MAX_CHARS)}...`
    : text;
};

/** Decodes one field; the failure is the readable reason. */
export const decodeField = <A>(codec: t.Type<A, string>, text: string): E.Either<string, A> =>
  E.mapLeft(describeErrors)(codec.decode(text));
