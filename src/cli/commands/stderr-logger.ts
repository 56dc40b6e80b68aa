import type { LogFields, Logger } from '../../core/logger.js';
import { sanitizeForTerminal } from '../sanitize.js';
import type { TextOutput } from './cli-io.js';

/** Options of {@link createStderrLogger}. */
export interface StderrLoggerOptions {
  /**
   * How many `-v` were given: 0 writes warnings and errors, 1 adds info, 2 or more debug
   * (openvpn's own log lines included).
   */
  readonly verbosity: number;
  /** Runs before each line: clears a status line drawn on the same terminal. */
  readonly beforeWrite?: () => void;
  /** Runs after each line: draws that status line again. */
  readonly afterWrite?: () => void;
}

type Level = keyof Logger;

const LEVEL_RANK: Readonly<Record<Level, number>> = { error: 0, warn: 0, info: 1, debug: 2 };

// JSON.stringify writes an Error as `{}` and throws on a bigint.
const replacer = (_key: string, value: unknown): unknown => {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === 'bigint') return value.toString();
  return value;
};

const formatFields = (fields: LogFields | undefined): string => {
  if (fields === undefined || Object.keys(fields).length === 0) return '';
  try {
    return ` ${JSON.stringify(fields, replacer)}`;
  } catch {
    // A cycle: the message alone still says what happened.
    return ' {unprintable fields}';
  }
};

/**
 * The CLI's log sink: one `level message {fields}` line per record on stderr. The whole line
 * is sanitised, since messages and fields carry openvpn's words; a `Secret` in the fields
 * prints as `[redacted]`.
 */
export function createStderrLogger(output: TextOutput, options: StderrLoggerOptions): Logger {
  const log =
    (level: Level) =>
    (message: string, fields?: LogFields): void => {
      if (LEVEL_RANK[level] > options.verbosity) return;
      options.beforeWrite?.();
      output.write(`${sanitizeForTerminal(`${level} ${message}${formatFields(fields)}`)}\n`);
      options.afterWrite?.();
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
