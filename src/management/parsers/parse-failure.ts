/** Names of the parsers in this folder, as they appear in {@link ParseFailure.parser}. */
export type ParserName =
  | 'state'
  | 'status'
  | 'version'
  | 'pid'
  | 'load-stats'
  | 'remote-entry-count'
  | 'remote-entries'
  | 'hold'
  | 'verb'
  | 'mute';

/**
 * Why a management reply could not be read. Parsers return it in a `Left`; they never throw.
 * `line` is the 1-based position in the reply's lines, `text` the offending line or value
 * (shortened to {@link FAILURE_TEXT_MAX_CHARS}).
 */
export interface ParseFailure {
  readonly kind: 'parse-failure';
  readonly parser: ParserName;
  readonly line?: number;
  readonly text?: string;
  readonly reason: string;
}

/** Longest `text` a failure carries: enough to recognise the line, never a whole reply. */
export const FAILURE_TEXT_MAX_CHARS = 200;

/** Where a failure happened: both parts optional. */
export interface FailureLocation {
  readonly line?: number;
  readonly text?: string;
}

/** Builds a {@link ParseFailure}, leaving out the location parts that are not known. */
export const parseFailure = (
  parser: ParserName,
  reason: string,
  at: FailureLocation = {},
): ParseFailure => ({
  kind: 'parse-failure',
  parser,
  reason,
  ...(at.line === undefined ? {} : { line: at.line }),
  ...(at.text === undefined ? {} : { text: at.text.slice(0, FAILURE_TEXT_MAX_CHARS) }),
});
