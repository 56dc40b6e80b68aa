import * as E from 'fp-ts/lib/Either.js';
import { parseLocalTime } from './local-time.js';
import { parseFailure, type ParseFailure } from './parse-failure.js';
import { readStatistic, statisticsRecords, type Statistic } from './statistics.js';
import type { ServerStatus, StatusClient, StatusRoute } from './status-report.js';
import { decodeClientRow, decodeRouteRow } from './status-rows.js';

/** First line of server status format 1. */
export const SERVER_STATUS_V1_TITLE = 'OpenVPN CLIENT LIST';
const ROUTING_TABLE_TITLE = 'ROUTING TABLE';
const GLOBAL_STATS_TITLE = 'GLOBAL STATS';
const UPDATED = 'Updated';
const SEPARATOR = ',';

type Section = 'clients' | 'routes' | 'stats';

/**
 * Reads server status format 1: three titled sections. The clients and routes sections each
 * start with an untagged column header line, which names the columns as in formats 2 and 3.
 */
export const parseServerStatusV1 = (
  lines: readonly string[],
): E.Either<ParseFailure, ServerStatus> => {
  let section: Section = 'clients';
  let header: readonly string[] | undefined;
  let updatedAt: number | undefined;
  const clients: StatusClient[] = [];
  const routes: StatusRoute[] = [];
  const statistics: Statistic[] = [];
  for (const [index, line] of lines.entries()) {
    if (index === 0) continue;
    const fail = (reason: string): E.Either<ParseFailure, never> =>
      E.left(parseFailure('status', reason, { line: index + 1, text: line }));
    if (line === ROUTING_TABLE_TITLE || line === GLOBAL_STATS_TITLE) {
      section = line === ROUTING_TABLE_TITLE ? 'routes' : 'stats';
      header = undefined;
      continue;
    }
    const [first = '', ...rest] = line.split(SEPARATOR);
    if (section === 'stats') {
      const statistic = readStatistic(first, rest.join(SEPARATOR));
      if (E.isLeft(statistic)) return fail(statistic.left);
      statistics.push(statistic.right);
    } else if (section === 'clients' && header === undefined && first === UPDATED) {
      updatedAt = parseLocalTime(rest.join(SEPARATOR));
    } else if (header === undefined) {
      header = [first, ...rest];
    } else if (section === 'clients') {
      const client = decodeClientRow(header, [first, ...rest]);
      if (E.isLeft(client)) return fail(client.left);
      clients.push(client.right);
    } else {
      const route = decodeRouteRow(header, [first, ...rest]);
      if (E.isLeft(route)) return fail(route.left);
      routes.push(route.right);
    }
  }
  return E.right({
    kind: 'server',
    format: 1,
    title: undefined,
    updatedAt,
    clients,
    routes,
    ...statisticsRecords(statistics),
    otherRows: [],
  });
};
