import * as E from 'fp-ts/lib/Either.js';
import { parseFailure, type ParseFailure } from './parse-failure.js';
import { parseStateLine, type StateEntry } from './state-line.js';

/**
 * Reads the reply of `state`, `state all` or `state N`: one state line each, oldest first.
 * An empty reply is an empty history. The first bad line fails the whole reply.
 */
export const parseStateHistory = (
  lines: readonly string[],
): E.Either<ParseFailure, readonly StateEntry[]> => {
  const entries: StateEntry[] = [];
  for (const [index, line] of lines.entries()) {
    const entry = parseStateLine(line);
    if (E.isLeft(entry)) {
      return E.left(parseFailure('state', entry.left.reason, { line: index + 1, text: line }));
    }
    entries.push(entry.right);
  }
  return E.right(entries);
};
