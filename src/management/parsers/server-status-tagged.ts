import * as E from 'fp-ts/lib/Either.js';
import { EpochSecondsFromString, decodeField } from './field-codecs.js';
import { parseLocalTime } from './local-time.js';
import { parseFailure, type ParseFailure } from './parse-failure.js';
import { readStatistic, statisticsRecords, type Statistic } from './statistics.js';
import type { ServerStatus, StatusClient, StatusOtherRow, StatusRoute } from './status-report.js';
import { decodeClientRow, decodeRouteRow } from './status-rows.js';

/** Field separator of server status format 2 (comma) and 3 (tab). */
export const TAGGED_SEPARATORS = { 2: ',', 3: '\t' } as const;

/**
 * Reads server status format 2 or 3: every line starts with a tag. `HEADER` rows name the
 * columns of the rows carrying the tag they describe, so rows are read by column name and
 * columns added by newer openvpn releases do not move the known ones.
 */
export const parseServerStatusTagged = (
  lines: readonly string[],
  format: 2 | 3,
): E.Either<ParseFailure, ServerStatus> => {
  const separator = TAGGED_SEPARATORS[format];
  const headers = new Map<string, readonly string[]>();
  let title: string | undefined;
  let updatedAt: number | undefined;
  const clients: StatusClient[] = [];
  const routes: StatusRoute[] = [];
  const statistics: Statistic[] = [];
  const otherRows: StatusOtherRow[] = [];
  for (const [index, line] of lines.entries()) {
    const fail = (reason: string): E.Either<ParseFailure, never> =>
      E.left(parseFailure('status', reason, { line: index + 1, text: line }));
    const [tag = '', ...cells] = line.split(separator);
    const headerOf = (name: string): E.Either<string, readonly string[]> => {
      const header = headers.get(name);
      return header === undefined ? E.left(`${name} row before its HEADER`) : E.right(header);
    };
    switch (tag) {
      case 'TITLE':
        title = cells.join(separator);
        break;
      case 'TIME': {
        const [localText = '', epochText] = cells;
        if (epochText === undefined) {
          updatedAt = parseLocalTime(localText);
          break;
        }
        const epoch = decodeField(EpochSecondsFromString, epochText);
        if (E.isLeft(epoch)) return fail(epoch.left);
        updatedAt = epoch.right;
        break;
      }
      case 'HEADER': {
        const [name, ...columns] = cells;
        if (name === undefined || name === '') return fail('HEADER without a row name');
        headers.set(name, columns);
        break;
      }
      case 'CLIENT_LIST': {
        const client = E.chain((h: readonly string[]) => decodeClientRow(h, cells))(headerOf(tag));
        if (E.isLeft(client)) return fail(client.left);
        clients.push(client.right);
        break;
      }
      case 'ROUTING_TABLE': {
        const route = E.chain((h: readonly string[]) => decodeRouteRow(h, cells))(headerOf(tag));
        if (E.isLeft(route)) return fail(route.left);
        routes.push(route.right);
        break;
      }
      case 'GLOBAL_STATS': {
        const [name = '', ...value] = cells;
        const statistic = readStatistic(name, value.join(separator));
        if (E.isLeft(statistic)) return fail(statistic.left);
        statistics.push(statistic.right);
        break;
      }
      default:
        otherRows.push({ line: index + 1, tag, cells });
    }
  }
  return E.right({
    kind: 'server',
    format,
    title,
    updatedAt,
    clients,
    routes,
    ...statisticsRecords(statistics),
    otherRows,
  });
};
