import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as t from 'io-ts';
import {
  CountFromString,
  EpochSecondsFromString,
  OptionalText,
  UINT32_MAX,
  Uint32FromString,
  blankAsUndefined,
  describeErrors,
} from './field-codecs.js';
import { parseLocalTime } from './local-time.js';
import type { StatusClient, StatusRoute } from './status-report.js';

// Column names exactly as openvpn 2.6 prints them in its HEADER rows (multi.c). Only the
// first four client columns exist in every format; the rest are read when present.
const ClientRowCodec = t.intersection([
  t.type({
    'Common Name': t.string,
    'Real Address': t.string,
    'Bytes Received': CountFromString,
    'Bytes Sent': CountFromString,
  }),
  t.partial({
    'Virtual Address': OptionalText,
    'Virtual IPv6 Address': OptionalText,
    'Connected Since': t.string,
    'Connected Since (time_t)': blankAsUndefined(EpochSecondsFromString),
    Username: t.string,
    // %lu in openvpn, blank in builds without management support.
    'Client ID': blankAsUndefined(CountFromString),
    'Peer ID': blankAsUndefined(Uint32FromString),
    'Data Channel Cipher': OptionalText,
  }),
]);

const RouteRowCodec = t.intersection([
  t.type({
    'Virtual Address': t.string,
    'Common Name': t.string,
    'Real Address': t.string,
  }),
  t.partial({
    'Last Ref': t.string,
    'Last Ref (time_t)': blankAsUndefined(EpochSecondsFromString),
  }),
]);

// openvpn's placeholder for a common name or username it does not know.
const UNDEF = 'UNDEF';
// The route flag openvpn appends to cached host routes (MULTI_ROUTE_CACHE).
const CACHED_SUFFIX = 'C';

const known = (text: string | undefined): string | undefined =>
  text === undefined || text === '' || text === UNDEF ? undefined : text;

const epochOrLocal = (epoch: number | undefined, local: string | undefined): number | undefined =>
  epoch ?? (local === undefined ? undefined : parseLocalTime(local));

/**
 * Pairs a row's cells with the header names. The counts must match: a row longer or shorter
 * than its header means a field held the separator and every column after it is misplaced.
 */
export const zipRow = (
  header: readonly string[],
  cells: readonly string[],
): E.Either<string, Readonly<Record<string, string>>> =>
  header.length === cells.length
    ? E.right(Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])))
    : E.left(`expected ${header.length} columns as in the header, got ${cells.length}`);

/** Decodes one client row against its header. */
export const decodeClientRow = (
  header: readonly string[],
  cells: readonly string[],
): E.Either<string, StatusClient> =>
  pipe(
    zipRow(header, cells),
    E.chain((columns) =>
      pipe(
        ClientRowCodec.decode(columns),
        E.mapLeft(describeErrors),
        E.map((row): StatusClient => ({
          commonName: known(row['Common Name']),
          realAddress: row['Real Address'],
          virtualAddress: row['Virtual Address'],
          virtualIpv6Address: row['Virtual IPv6 Address'],
          bytesReceived: row['Bytes Received'],
          bytesSent: row['Bytes Sent'],
          connectedSince: epochOrLocal(row['Connected Since (time_t)'], row['Connected Since']),
          username: known(row.Username),
          clientId: row['Client ID'],
          peerId: row['Peer ID'] === UINT32_MAX ? undefined : row['Peer ID'],
          cipher: row['Data Channel Cipher'],
          columns,
        })),
      ),
    ),
  );

/** Decodes one routing table row against its header. */
export const decodeRouteRow = (
  header: readonly string[],
  cells: readonly string[],
): E.Either<string, StatusRoute> =>
  pipe(
    zipRow(header, cells),
    E.chain((columns) =>
      pipe(
        RouteRowCodec.decode(columns),
        E.mapLeft(describeErrors),
        E.chain((row) => {
          const printed = row['Virtual Address'];
          const cached = printed.endsWith(CACHED_SUFFIX);
          const virtualAddress = cached ? printed.slice(0, -CACHED_SUFFIX.length) : printed;
          if (virtualAddress === '') return E.left('"Virtual Address" is blank');
          return E.right({
            virtualAddress,
            cached,
            commonName: known(row['Common Name']),
            realAddress: row['Real Address'],
            lastRef: epochOrLocal(row['Last Ref (time_t)'], row['Last Ref']),
            columns,
          });
        }),
      ),
    ),
  );
