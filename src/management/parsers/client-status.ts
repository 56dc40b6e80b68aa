import * as E from 'fp-ts/lib/Either.js';
import { parseLocalTime } from './local-time.js';
import { parseFailure, type ParseFailure } from './parse-failure.js';
import { readStatistic, statisticsRecords, type Statistic } from './statistics.js';
import type { ClientStatus } from './status-report.js';

/** First line of the client (and point-to-point) status block: `PACKAGE_NAME STATISTICS`. */
export const CLIENT_STATUS_TITLE = 'OpenVPN STATISTICS';
const UPDATED = 'Updated';

/**
 * Reads the client-mode status block: the title line, then `name,value` lines, `Updated`
 * first. Called by `parseStatus` once the title line is recognised.
 */
export const parseClientStatus = (
  lines: readonly string[],
): E.Either<ParseFailure, ClientStatus> => {
  let updatedAt: number | undefined;
  const read: Statistic[] = [];
  for (const [index, line] of lines.entries()) {
    if (index === 0) continue;
    const at = { line: index + 1, text: line };
    const comma = line.indexOf(',');
    if (comma < 0) return E.left(parseFailure('status', 'expected name,value', at));
    const name = line.slice(0, comma);
    const value = line.slice(comma + 1);
    if (name === UPDATED) {
      updatedAt = parseLocalTime(value);
      continue;
    }
    const statistic = readStatistic(name, value);
    if (E.isLeft(statistic)) return E.left(parseFailure('status', statistic.left, at));
    read.push(statistic.right);
  }
  return E.right({ kind: 'client', updatedAt, ...statisticsRecords(read) });
};
