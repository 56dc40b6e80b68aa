import * as E from 'fp-ts/lib/Either.js';
import { CLIENT_STATUS_TITLE, parseClientStatus } from './client-status.js';
import { parseFailure, type ParseFailure } from './parse-failure.js';
import { SERVER_STATUS_V1_TITLE, parseServerStatusV1 } from './server-status-v1.js';
import { TAGGED_SEPARATORS, parseServerStatusTagged } from './server-status-tagged.js';
import type { StatusReport } from './status-report.js';

const TITLE_TAG = 'TITLE';

/**
 * Reads the reply of `status`, `status 2` or `status 3` (lines without the final `END`), in
 * client or server mode. The first line tells the format apart: `OpenVPN STATISTICS` (client
 * mode, which ignores the requested version), `OpenVPN CLIENT LIST` (server, format 1), or a
 * `TITLE` row with a comma (format 2) or a tab (format 3).
 */
export const parseStatus = (lines: readonly string[]): E.Either<ParseFailure, StatusReport> => {
  const [first] = lines;
  if (first === undefined) return E.left(parseFailure('status', 'empty reply'));
  if (first === CLIENT_STATUS_TITLE) return parseClientStatus(lines);
  if (first === SERVER_STATUS_V1_TITLE) return parseServerStatusV1(lines);
  if (first.startsWith(TITLE_TAG + TAGGED_SEPARATORS[2])) return parseServerStatusTagged(lines, 2);
  if (first.startsWith(TITLE_TAG + TAGGED_SEPARATORS[3])) return parseServerStatusTagged(lines, 3);
  return E.left(parseFailure('status', 'not a status reply', { line: 1, text: first }));
};
