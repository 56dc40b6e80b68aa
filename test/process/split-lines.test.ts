import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { splitLines } from '../../src/process/split-lines.js';

const linesOf = (chunks: readonly string[], maxLength = 16): Promise<string[]> =>
  lastValueFrom(from(chunks).pipe(splitLines(maxLength), toArray()));

// Cuts `text` into chunks at the given offsets, as a pipe might deliver it.
const chunked = (text: string, cuts: readonly number[]): string[] => {
  const offsets = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  return [...offsets, text.length].map((end, index) => text.slice(offsets[index - 1] ?? 0, end));
};

describe('splitLines', () => {
  it('splits on \\n and \\r\\n and keeps an unterminated last line', async () => {
    expect(await linesOf(['one\r\ntw', 'o\n', '\nthr', 'ee'])).toEqual(['one', 'two', '', 'three']);
  });

  it('yields the same lines however the output is chunked', async () => {
    const line$ = fc.stringMatching(/^[a-z \r]{0,16}$/).filter((line) => !line.includes('\r'));
    await fc.assert(
      fc.asyncProperty(
        fc.array(line$, { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (lines, cuts) => {
          const text = lines.map((line) => `${line}\n`).join('');
          expect(await linesOf(chunked(text, cuts))).toEqual(lines);
        },
      ),
    );
  });

  it('clips a long line to the limit and drops its rest, however it is chunked', async () => {
    const long = 'x'.repeat(40);
    expect(await linesOf([`${long}\nshort\n`], 16)).toEqual(['x'.repeat(16), 'short']);
    expect(await linesOf(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(20), '\nshort'], 16)).toEqual([
      'x'.repeat(16),
      'short',
    ]);
  });

  it('never holds more than the limit, nor emits longer lines', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.stringMatching(/^[ab\n]{0,40}$/), { maxLength: 10 }),
        async (chunks) => {
          const lines = await linesOf(chunks, 8);
          expect(lines.every((line) => line.length <= 8)).toBe(true);
          const whole = chunks.join('');
          const expected = whole.split('\n').map((line) => line.slice(0, 8));
          if (whole.endsWith('\n') || whole === '') expected.pop();
          expect(lines).toEqual(expected);
        },
      ),
    );
  });
});
