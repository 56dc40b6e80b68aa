import type { Contender, Feed } from './contender.js';

const LF = 0x0a;
const CR = 0x0d;

/**
 * (a) The floor: the least any line-oriented consumer must do. Split on LF with
 * `Buffer.indexOf`, drop the CR, decode each line with `toString`, carry a partial line over to
 * the next chunk. No classification, no parsing.
 */
export const floorSplitter: Contender = {
  label: '(a) floor',
  description: 'Buffer.indexOf(0x0a) + toString per line',
  create(): Feed {
    let lines = 0;
    let chars = 0;
    let partial: Buffer | undefined;
    const emit = (bytes: Buffer, start: number, end: number): void => {
      const to = end > start && bytes[end - 1] === CR ? end - 1 : end;
      // The length keeps the decoded string observable, so the work cannot be optimised away.
      chars += bytes.toString('utf8', start, to).length;
      lines += 1;
    };
    return {
      push(chunk) {
        let start = 0;
        let newline = chunk.indexOf(LF);
        if (partial !== undefined && newline !== -1) {
          const line = Buffer.concat([partial, chunk.subarray(0, newline)]);
          emit(line, 0, line.length);
          partial = undefined;
          start = newline + 1;
          newline = chunk.indexOf(LF, start);
        }
        while (newline !== -1) {
          emit(chunk, start, newline);
          start = newline + 1;
          newline = chunk.indexOf(LF, start);
        }
        if (start < chunk.length) {
          const rest = chunk.subarray(start);
          // Copy: a socket may reuse the chunk's memory once the handler returns.
          partial = partial === undefined ? Buffer.from(rest) : Buffer.concat([partial, rest]);
        }
      },
      end() {
        if (partial !== undefined) emit(partial, 0, partial.length);
        partial = undefined;
        return { lines, chars };
      },
    };
  },
};
