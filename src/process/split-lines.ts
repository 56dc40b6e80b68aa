import type { OperatorFunction } from 'rxjs';
import { endWith, mergeMap, scan } from 'rxjs';

/**
 * Longest line kept, in UTF-16 code units. OpenVPN 2.6 formats a log line in a 10 KiB buffer;
 * anything longer is not a log line, and keeping it whole would let output grow memory freely.
 */
export const MAX_LINE_LENGTH_CHARS = 16_384;

/** The splitter between chunks: the unterminated tail, and whether it is being discarded. */
export interface LineSplitState {
  /** Start of a line whose end has not arrived; never longer than the limit. */
  readonly pending: string;
  /** The current line passed the limit: its head was emitted, the rest is dropped. */
  readonly clipping: boolean;
  /** Lines completed by the last chunk. */
  readonly lines: readonly string[];
}

/** Nothing pending, nothing emitted. */
export const EMPTY_LINE_SPLIT: LineSplitState = { pending: '', clipping: false, lines: [] };

const withoutCarriageReturn = (line: string): string =>
  line.endsWith('\r') ? line.slice(0, -1) : line;

/**
 * Adds a chunk: complete lines come out in `lines` (without `\n` or `\r\n`), each clipped to
 * `maxLength`. A line that outgrows the limit before its end arrives is emitted clipped at
 * once and the rest of it dropped, so the pending text stays bounded.
 */
export function feedLines(state: LineSplitState, chunk: string, maxLength: number): LineSplitState {
  const segments = (state.pending + chunk).split('\n');
  const tail = segments.pop() ?? '';
  const lines: string[] = [];
  let clipping = state.clipping;
  for (const segment of segments) {
    // The first terminated segment ends the line being clipped: its head is already out.
    if (clipping) clipping = false;
    else lines.push(withoutCarriageReturn(segment).slice(0, maxLength));
  }
  if (clipping) return { pending: '', clipping, lines };
  if (tail.length > maxLength)
    return { pending: '', clipping: true, lines: [...lines, tail.slice(0, maxLength)] };
  return { pending: tail, clipping: false, lines };
}

/** Ends the input: an unterminated last line still counts as a line. */
export function flushLines(state: LineSplitState): LineSplitState {
  const last = withoutCarriageReturn(state.pending);
  return { pending: '', clipping: false, lines: state.clipping || last === '' ? [] : [last] };
}

/** Text chunks in, lines out, bounded by `maxLength`; the last partial line on completion. */
export const splitLines =
  (maxLength: number = MAX_LINE_LENGTH_CHARS): OperatorFunction<string, string> =>
  (chunk$) =>
    chunk$.pipe(
      // `undefined` marks the end of input, so that scan can flush the unterminated tail.
      endWith(undefined),
      scan<string | undefined, LineSplitState>(
        (state, chunk) =>
          chunk === undefined ? flushLines(state) : feedLines(state, chunk, maxLength),
        EMPTY_LINE_SPLIT,
      ),
      mergeMap((state) => state.lines),
    );
