import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { CountFromString } from './field-codecs.js';
import { parseFailure, type ParseFailure } from './parse-failure.js';
import { decodeKey, parseKeyValues, successBody } from './success-text.js';

/** The reply of `load-stats`. Client mode answers too, with `clients: 0`. */
export interface LoadStats {
  /** Connected clients (server mode). */
  readonly clients: number;
  /** Bytes received on the TCP/UDP link. */
  readonly bytesIn: number;
  /** Bytes sent on the TCP/UDP link. */
  readonly bytesOut: number;
}

/**
 * Reads `SUCCESS: nclients=0,bytesin=0,bytesout=0` (with or without `SUCCESS: `). Keys beyond
 * the three known ones are allowed, so a newer openvpn adding one does not break the reply.
 */
export const parseLoadStats = (text: string): E.Either<ParseFailure, LoadStats> =>
  pipe(
    parseKeyValues(successBody(text)),
    E.chain((pairs) =>
      pipe(
        E.Do,
        E.bind('clients', () => decodeKey(pairs, 'nclients', CountFromString)),
        E.bind('bytesIn', () => decodeKey(pairs, 'bytesin', CountFromString)),
        E.bind('bytesOut', () => decodeKey(pairs, 'bytesout', CountFromString)),
      ),
    ),
    E.mapLeft((reason) => parseFailure('load-stats', reason, { text })),
  );
