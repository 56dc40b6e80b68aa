import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { PortFromString, Uint32FromString, decodeField } from './field-codecs.js';
import { parseFailure, type ParseFailure } from './parse-failure.js';

/** One `--remote` connection entry, from `remote-entry-get` (openvpn 2.6+). */
export interface RemoteEntry {
  /** 0-based position in the connection list. */
  readonly index: number;
  /** Host name or address as configured; IPv6 literals are not bracketed. */
  readonly host: string;
  readonly port: number;
  /** openvpn's protocol name: `udp`, `udp4`, `udp6`, `tcp-client`, `tcp4-client`, ... */
  readonly protocol: string;
  /** False when openvpn skips the entry because of protocol or proxy restrictions. */
  readonly enabled: boolean;
}

const ENTRY_FIELDS_MIN = 5;
const ENABLED = 'enabled';
const DISABLED = 'disabled';

/** Reads the reply of `remote-entry-count`: one line holding the number of entries. */
export const parseRemoteEntryCount = (lines: readonly string[]): E.Either<ParseFailure, number> => {
  const [line, ...rest] = lines;
  if (line === undefined) return E.left(parseFailure('remote-entry-count', 'empty reply'));
  if (rest.length > 0) {
    return E.left(parseFailure('remote-entry-count', `expected one line, got ${lines.length}`));
  }
  return E.mapLeft((reason: string) =>
    parseFailure('remote-entry-count', reason, { line: 1, text: line }),
  )(decodeField(Uint32FromString, line));
};

/**
 * Reads one `remote-entry-get` line. openvpn 2.6 prints `%u,%s,%s,%s,%s` with
 * index, host, port, protocol, status and escapes nothing, so the index is taken from the
 * front and port, protocol and status from the back: whatever lies between is the host, even
 * if it holds a comma.
 */
export const parseRemoteEntryLine = (text: string): E.Either<string, RemoteEntry> => {
  const fields = text.split(',');
  if (fields.length < ENTRY_FIELDS_MIN) {
    return E.left(`expected index,host,port,protocol,status, got ${fields.length} fields`);
  }
  const [indexText = ''] = fields;
  const [portText = '', protocol = '', status = ''] = fields.slice(-3);
  const host = fields.slice(1, -3).join(',');
  if (host === '') return E.left('host is blank');
  if (protocol === '') return E.left('protocol is blank');
  if (status !== ENABLED && status !== DISABLED) {
    return E.left(`status must be "${ENABLED}" or "${DISABLED}", got "${status.slice(0, 40)}"`);
  }
  return pipe(
    E.Do,
    E.bind('index', () => decodeField(Uint32FromString, indexText)),
    E.bind('port', () => decodeField(PortFromString, portText)),
    E.map(({ index, port }) => ({ index, host, port, protocol, enabled: status === ENABLED })),
  );
};

/**
 * Reads the reply of `remote-entry-get <i> [<j>]` or `remote-entry-get all`. An empty reply
 * (a range past the end) is an empty list; the first bad line fails the whole reply.
 */
export const parseRemoteEntries = (
  lines: readonly string[],
): E.Either<ParseFailure, readonly RemoteEntry[]> => {
  const entries: RemoteEntry[] = [];
  for (const [index, line] of lines.entries()) {
    const entry = parseRemoteEntryLine(line);
    if (E.isLeft(entry)) {
      return E.left(parseFailure('remote-entries', entry.left, { line: index + 1, text: line }));
    }
    entries.push(entry.right);
  }
  return E.right(entries);
};
