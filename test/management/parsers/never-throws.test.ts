import { describe, expect, it } from '@jest/globals';
import * as fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import {
  FAILURE_TEXT_MAX_CHARS,
  parseHoldQuery,
  parseLoadStats,
  parseMute,
  parsePid,
  parseRemoteEntries,
  parseRemoteEntryCount,
  parseStateFields,
  parseStateHistory,
  parseStateLine,
  parseStatus,
  parseVerb,
  parseVersion,
} from '../../../src/management/parsers/index.js';

const RUNS = 300;

// Words openvpn prints, so that random lines also reach the paths behind the format checks.
const word = fc.oneof(
  fc.constantFrom(
    '',
    'TITLE',
    'TIME',
    'HEADER',
    'CLIENT_LIST',
    'ROUTING_TABLE',
    'GLOBAL_STATS',
    'OpenVPN STATISTICS',
    'OpenVPN CLIENT LIST',
    'ROUTING TABLE',
    'GLOBAL STATS',
    'Updated',
    'Common Name',
    'Real Address',
    'Bytes Received',
    'Bytes Sent',
    'Virtual Address',
    'Connected Since (time_t)',
    'Peer ID',
    'UNDEF',
    '__proto__',
    'constructor',
    'CONNECTED',
    'AUTH_PENDING',
    'timeout 30',
    'pid=',
    'hold=',
    'nclients=',
    'bytesin=',
    'bytesout=',
    'enabled',
    'disabled',
    'SUCCESS: ',
    '>STATE:',
    'OpenVPN Version: OpenVPN 2.6.14',
    'Management Version: ',
    '2026-12-03 16:12:01',
    '"quoted"',
  ),
  fc.integer().map(String),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.string({ unit: 'binary', maxLength: 12 }),
);
const line = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc
    .tuple(fc.array(word, { maxLength: 15 }), fc.constantFrom(',', '\t', '=', ' '))
    .map(([words, separator]) => words.join(separator)),
);
const lines = fc.oneof(
  fc.array(line, { maxLength: 12 }),
  // A first line that selects a format, then anything.
  fc
    .tuple(
      fc.constantFrom('OpenVPN STATISTICS', 'OpenVPN CLIENT LIST', 'TITLE,x', 'TITLE\tx'),
      fc.array(line, { maxLength: 12 }),
    )
    .map(([first, rest]) => [first, ...rest]),
);

const lineParsers = {
  parseStateHistory,
  parseStatus,
  parseVersion,
  parseRemoteEntryCount,
  parseRemoteEntries,
  parseStateFields,
};
const textParsers = {
  parseStateLine,
  parsePid,
  parseLoadStats,
  parseHoldQuery,
  parseVerb,
  parseMute,
};

// A result is either a value or a well-formed failure: never an exception.
const wellFormed = (result: E.Either<unknown, unknown>): boolean => {
  if (E.isRight(result)) return true;
  const failure = result.left as Record<string, unknown>;
  const text = failure['text'];
  return (
    failure['kind'] === 'parse-failure' &&
    typeof failure['reason'] === 'string' &&
    (text === undefined || (typeof text === 'string' && text.length <= FAILURE_TEXT_MAX_CHARS))
  );
};

describe('every parser on arbitrary input', () => {
  it.each(Object.entries(lineParsers))(
    '%s returns a value or a failure, never throws',
    (_, parse) => {
      fc.assert(
        fc.property(lines, (input) => wellFormed(parse(input))),
        { numRuns: RUNS },
      );
    },
  );

  it.each(Object.entries(textParsers))(
    '%s returns a value or a failure, never throws',
    (_, parse) => {
      fc.assert(
        fc.property(line, (input) => wellFormed(parse(input))),
        { numRuns: RUNS },
      );
    },
  );
});

describe('state lines', () => {
  const field = fc.string({ maxLength: 20 }).filter((f) => !f.includes(','));

  it('read the same from split fields as from the joined line', () => {
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 11 }), (fields) => {
        expect(parseStateFields(fields)).toEqual(parseStateLine(fields.join(',')));
      }),
      { numRuns: RUNS },
    );
  });

  it('give back the time, name and ports of any well-formed line', () => {
    const optionalPort = fc.option(fc.integer({ min: 1, max: 65_535 }), { nil: undefined });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 }),
        fc.stringMatching(/^[A-Z_]{1,12}$/),
        optionalPort,
        optionalPort,
        (time, name, remotePort, localPort) => {
          const text = [time, name, '', '', '', remotePort ?? '', '', localPort ?? '', ''].join(
            ',',
          );

          expect(parseStateLine(text)).toEqual(
            E.right(expect.objectContaining({ time, name, remotePort, localPort })),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });
});
