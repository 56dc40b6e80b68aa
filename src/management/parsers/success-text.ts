import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { decodeField } from './field-codecs.js';
import { parseFailure, type ParseFailure, type ParserName } from './parse-failure.js';

const SUCCESS_PREFIX = /^SUCCESS:\s*/;

/**
 * The body of a one-line `SUCCESS: ...` reply. Callers may pass the text after `SUCCESS: ` or
 * the whole line; surrounding blanks are ignored.
 */
export const successBody = (text: string): string => text.trim().replace(SUCCESS_PREFIX, '');

/**
 * Reads `key=value,key=value` (as in `nclients=0,bytesin=0,bytesout=0`). A pair without `=`,
 * a blank key or a repeated key is a failure reason.
 */
export const parseKeyValues = (body: string): E.Either<string, ReadonlyMap<string, string>> => {
  const pairs = new Map<string, string>();
  for (const pair of body.split(',')) {
    const equals = pair.indexOf('=');
    if (equals <= 0) return E.left(`expected key=value, got "${pair.slice(0, 40)}"`);
    const key = pair.slice(0, equals);
    if (pairs.has(key)) return E.left(`key "${key.slice(0, 40)}" appears twice`);
    pairs.set(key, pair.slice(equals + 1));
  }
  return E.right(pairs);
};

/** Decodes the value of `key` in a key=value body with `codec`. */
export const decodeKey = <A>(
  pairs: ReadonlyMap<string, string>,
  key: string,
  codec: t.Type<A, string>,
): E.Either<string, A> => {
  const value = pairs.get(key);
  if (value === undefined) return E.left(`missing "${key}"`);
  return E.mapLeft((reason: string) => `${key}: ${reason}`)(decodeField(codec, value));
};

/**
 * Builds the parser of a reply that is exactly one `key=value` pair, like `SUCCESS: pid=1234`
 * or `SUCCESS: verb=3`.
 */
export const singleValueParser =
  <A>(parser: ParserName, key: string, codec: t.Type<A, string>) =>
  (text: string): E.Either<ParseFailure, A> => {
    const body = successBody(text);
    const fail = (reason: string): ParseFailure => parseFailure(parser, reason, { text });
    const pairs = parseKeyValues(body);
    if (E.isLeft(pairs)) return E.left(fail(pairs.left));
    if (pairs.right.size !== 1) return E.left(fail(`expected only "${key}=..."`));
    return E.mapLeft(fail)(decodeKey(pairs.right, key, codec));
  };
