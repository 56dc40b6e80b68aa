import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { TestScheduler } from 'rxjs/testing';
import { createLineDecoder, decodeFrames, type Frame } from '../../src/management/framing.js';
import { TRANSCRIPT_NAMES, loadTranscript } from './support/transcript.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');
const line = (text: string): Frame => ({ kind: 'line', text });
const PROMPT: Frame = { kind: 'password-prompt' };

const decodeAll = (chunks: readonly Uint8Array[], maxLineBytes?: number): Frame[] => {
  const decoder = createLineDecoder(maxLineBytes === undefined ? {} : { maxLineBytes });
  return [...chunks.flatMap((chunk) => decoder.push(chunk)), ...decoder.end()];
};

const splitAt = (buffer: Buffer, points: readonly number[]): Buffer[] => {
  const sorted = [...new Set(points)].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of sorted) {
    chunks.push(buffer.subarray(from, point));
    from = point;
  }
  chunks.push(buffer.subarray(from));
  return chunks;
};

describe('createLineDecoder', () => {
  it('splits CRLF and LF lines and emits every line of a chunk', () => {
    expect(decodeAll([bytes('SUCCESS: a\r\n>LOG:1,,b\nEND\r\n')])).toEqual([
      line('SUCCESS: a'),
      line('>LOG:1,,b'),
      line('END'),
    ]);
  });

  it('joins a line split over many chunks, including between CR and LF', () => {
    const chunks = ['>STA', 'TE:1,CONN', 'ECTED,SUCCESS,,,,,,\r', '\nEND\r\n'].map(bytes);
    expect(decodeAll(chunks)).toEqual([line('>STATE:1,CONNECTED,SUCCESS,,,,,,'), line('END')]);
  });

  it('keeps empty lines and flushes a partial line at the end', () => {
    expect(decodeAll([bytes('\r\n\npartial')])).toEqual([line(''), line(''), line('partial')]);
  });

  it('decodes a multi-byte character split across chunks', () => {
    const euro = bytes('signal \u20ac\n');
    expect(decodeAll([euro.subarray(0, 8), euro.subarray(8, 9), euro.subarray(9)])).toEqual([
      line('signal \u20ac'),
    ]);
  });

  it('replaces invalid UTF-8 instead of throwing', () => {
    expect(decodeAll([Buffer.from([0x61, 0xff, 0xfe, 0x62, 0x0a])])).toEqual([
      line('a\ufffd\ufffdb'),
    ]);
  });

  it('reports an over-long line once and resynchronises at the next newline', () => {
    const long = 'x'.repeat(50);
    expect(decodeAll([bytes(`ok\r\n${long}\r\nnext\r\n`)], 16)).toEqual([
      line('ok'),
      { kind: 'line-too-long', bytes: 50 },
      line('next'),
    ]);
  });

  it('never buffers more than the bound while an over-long line streams in', () => {
    const decoder = createLineDecoder({ maxLineBytes: 16 });
    const frames: Frame[] = [];
    for (let i = 0; i < 1000; i += 1) frames.push(...decoder.push(bytes('y'.repeat(100))));
    frames.push(...decoder.push(bytes('tail\nnext\n')));
    expect(frames).toEqual([{ kind: 'line-too-long', bytes: 100_004 }, line('next')]);
  });

  it('accepts a line of exactly the bound, with or without CR', () => {
    const exact = 'z'.repeat(16);
    expect(decodeAll([bytes(`${exact}\r\n${exact}\n`)], 16)).toEqual([line(exact), line(exact)]);
  });

  it('holds a line alone in its chunk to the bound, whether or not a CR ends it', () => {
    const exact = 'z'.repeat(16);
    expect(decodeAll([bytes(`${exact}\n`)], 16)).toEqual([line(exact)]);
    expect(decodeAll([bytes(`${exact}\r\n`)], 16)).toEqual([line(exact)]);
    expect(decodeAll([bytes(`${exact}z\n`)], 16)).toEqual([{ kind: 'line-too-long', bytes: 17 }]);
    expect(decodeAll([bytes(`${exact}z\r\n`)], 16)).toEqual([{ kind: 'line-too-long', bytes: 17 }]);
  });

  it('recognises the password prompt that has no line end', () => {
    const decoder = createLineDecoder();
    expect(decoder.push(bytes('ENTER PASS'))).toEqual([]);
    expect(decoder.push(bytes('WORD:'))).toEqual([PROMPT]);
    expect(decoder.push(bytes('SUCCESS: password is correct\r\n'))).toEqual([
      line('SUCCESS: password is correct'),
    ]);
  });

  it('separates prompts and lines that openvpn sends back to back', () => {
    const stream = 'ENTER PASSWORD:ENTER PASSWORD:SUCCESS: password is correct\r\n>INFO:x\r\n';
    expect(decodeAll([bytes(stream)])).toEqual([
      PROMPT,
      PROMPT,
      line('SUCCESS: password is correct'),
      line('>INFO:x'),
    ]);
  });

  it('gives the same frames at ~400 split points of every transcript (every byte of short ones)', () => {
    for (const name of TRANSCRIPT_NAMES) {
      const { received } = loadTranscript(name);
      const whole = decodeAll([received]);
      const step = Math.max(1, Math.floor(received.length / 400));
      for (let point = 0; point <= received.length; point += step) {
        expect(decodeAll(splitAt(received, [point]))).toEqual(whole);
      }
    }
  });

  it('decodes the management-password transcript into prompts and lines', () => {
    const frames = decodeAll([loadTranscript('management-password').received]);
    expect(frames.slice(0, 4)).toEqual([
      PROMPT,
      PROMPT,
      line('SUCCESS: password is correct'),
      line(">INFO:OpenVPN Management Interface Version 5 -- type 'help' for more info"),
    ]);
    expect(frames.filter((frame) => frame.kind === 'password-prompt')).toHaveLength(3);
  });

  it('gives the same frames for any chunking of any bytes, and never throws', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.nat({ max: 300 }), { maxLength: 8 }),
        fc.integer({ min: 1, max: 64 }),
        (data, points, max) => {
          const buffer = Buffer.from(data);
          const cuts = points.map((point) => point % (buffer.length + 1));
          expect(decodeAll(splitAt(buffer, cuts), max)).toEqual(decodeAll([buffer], max));
        },
      ),
    );
  });

  it('keeps every line of random text, whatever the chunking', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc
            .string({ unit: 'grapheme', maxLength: 20 })
            .filter((s) => !/[\r\n]/.test(s) && !s.startsWith('ENTER PASSWORD:')),
        ),
        fc.array(fc.nat(), { maxLength: 6 }),
        (lines, points) => {
          const buffer = bytes(lines.map((text) => `${text}\r\n`).join(''));
          const cuts = points.map((point) => point % (buffer.length + 1));
          expect(decodeAll(splitAt(buffer, cuts))).toEqual(lines.map(line));
        },
      ),
    );
  });
});

// Byte by byte, every line goes through the partial-line path and is decoded on its own: the
// reference for the path that decodes many complete lines of a chunk at once.
const decodeByteByByte = (buffer: Buffer, maxLineBytes?: number): Frame[] =>
  decodeAll(
    Array.from({ length: buffer.length }, (_, at) => buffer.subarray(at, at + 1)),
    maxLineBytes,
  );

// Pieces that make framing interesting: line ends, the prompt, multi-byte, invalid and
// truncated UTF-8, long ASCII runs.
const framingPiece = fc.oneof(
  fc.constantFrom('\n', '\r\n', '\r', 'ENTER PASSWORD:', '>LOG:1,,x', 'é', '€', '😀').map(bytes),
  fc.constantFrom([0xff], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0x80]).map(Buffer.from),
  fc.string({ unit: 'grapheme', maxLength: 30 }).map(bytes),
  fc.integer({ min: 1, max: 3000 }).map((length) => bytes('a'.repeat(length))),
  fc.uint8Array({ maxLength: 40 }).map(Buffer.from),
);

describe('createLineDecoder on chunks of many lines', () => {
  it('gives the frames of a byte-by-byte feed for any bytes, chunking and bound', () => {
    fc.assert(
      fc.property(
        fc.array(framingPiece, { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.oneof(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 81, max: 5000 })),
        (pieces, points, max) => {
          const buffer = Buffer.concat(pieces);
          const cuts = points.map((point) => point % (buffer.length + 1));
          const expected = decodeByteByByte(buffer, max);
          expect(decodeAll(splitAt(buffer, cuts), max)).toStrictEqual(expected);
          expect(decodeAll([buffer], max)).toStrictEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('decodes a 2, 3 or 4 byte character split between chunks at every offset', () => {
    for (const character of ['é', '€', '😀']) {
      const before = '>LOG:1,,'.padEnd(3000, 'x');
      const stream = bytes(`${before}\r\n>CLIENT:ENV,common_name=${character}z\r\nEND\r\n`);
      const at = stream.indexOf(bytes(character));
      for (let offset = 0; offset <= bytes(character).length; offset += 1) {
        expect(decodeAll(splitAt(stream, [at + offset]))).toStrictEqual([
          line(before),
          line(`>CLIENT:ENV,common_name=${character}z`),
          line('END'),
        ]);
      }
    }
  });

  it('drops the CR of a CRLF split between two chunks of many lines', () => {
    const stream = bytes(
      `${'>LOG:1,,a\r\n'.repeat(400)}>LOG:2,,b\r\n${'>LOG:3,,c\r\n'.repeat(400)}`,
    );
    const cut = stream.indexOf(bytes('>LOG:2,,b')) + '>LOG:2,,b\r'.length;
    const frames = decodeAll(splitAt(stream, [cut]));
    expect(frames).toHaveLength(801);
    expect(frames[400]).toStrictEqual(line('>LOG:2,,b'));
    expect(frames.every((frame) => frame.kind === 'line' && !frame.text.includes('\r'))).toBe(true);
  });

  it('reports an over-long line among short ones in one large chunk, and one across chunks', () => {
    const long = 'y'.repeat(5000);
    const stream = bytes(`${'ok\r\n'.repeat(1000)}${long}\r\n${'ok\n'.repeat(1000)}`);
    const expected = [
      ...Array.from({ length: 1000 }, () => line('ok')),
      { kind: 'line-too-long', bytes: 5000 },
      ...Array.from({ length: 1000 }, () => line('ok')),
    ];
    expect(decodeAll([stream], 4096)).toStrictEqual(expected);
    const middle = stream.indexOf(bytes(long)) + 2500;
    expect(decodeAll(splitAt(stream, [middle, middle + 1200]), 4096)).toStrictEqual(expected);
  });

  it('recognises prompts at the start of lines of a large chunk, and one left without newline', () => {
    const stream = bytes(
      `${'>INFO:x\r\n'.repeat(500)}ENTER PASSWORD:SUCCESS: ok\r\nENTER PASSWORD:`,
    );
    const decoder = createLineDecoder();
    const frames = decoder.push(stream);
    expect(frames.slice(-3)).toStrictEqual([PROMPT, line('SUCCESS: ok'), PROMPT]);
    expect(decoder.end()).toStrictEqual([]);
  });
});

describe('LineDecoder.pushTo', () => {
  const decodeTo = (chunks: readonly Buffer[], maxLineBytes: number): Frame[] => {
    const decoder = createLineDecoder({ maxLineBytes });
    const frames: Frame[] = [];
    const sink = (frame: Frame): void => {
      frames.push(frame);
    };
    for (const chunk of chunks) decoder.pushTo(chunk, sink);
    decoder.endTo(sink);
    return frames;
  };

  it('hands the sink the frames push returns, for any bytes and chunking', () => {
    fc.assert(
      fc.property(
        fc.array(framingPiece, { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.integer({ min: 1, max: 4000 }),
        (pieces, points, max) => {
          const buffer = Buffer.concat(pieces);
          const chunks = splitAt(
            buffer,
            points.map((point) => point % (buffer.length + 1)),
          );
          expect(decodeTo(chunks, max)).toStrictEqual(decodeAll(chunks, max));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('decodes a chunk pushed from inside the sink after the current one, in stream order', () => {
    const decoder = createLineDecoder();
    const seen: string[] = [];
    const sink = (frame: Frame): void => {
      if (frame.kind !== 'line') return;
      seen.push(frame.text);
      // As a fake socket that answers a command at once would.
      if (frame.text === 'b') decoder.pushTo(bytes('d\r\ne'), sink);
    };
    decoder.pushTo(bytes('a\r\nb\r\nc\r\npart'), sink);
    decoder.pushTo(bytes('ial\r\n'), sink);
    decoder.endTo(sink);
    expect(seen).toEqual(['a', 'b', 'c', 'partd', 'eial']);
  });
});

describe('decodeFrames', () => {
  it('emits frames per chunk, flushes on completion and unsubscribes from the source', () => {
    const scheduler = new TestScheduler((actual, expected) => {
      expect(actual).toEqual(expected);
    });
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const chunk$ = cold('  a-b-c|', {
        a: bytes('one\r\ntw'),
        b: bytes('o\r\n'),
        c: bytes('end'),
      });
      const expected = '    a-b--(c|)';
      const frames = { a: line('one'), b: line('two'), c: line('end') };
      expectObservable(chunk$.pipe(decodeFrames())).toBe(expected, frames);
      expectSubscriptions(chunk$.subscriptions).toBe('^----!');
    });
  });

  it('passes errors through and tears down the source', () => {
    const scheduler = new TestScheduler((actual, expected) => {
      expect(actual).toEqual(expected);
    });
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const chunk$ = cold('  a-#', { a: bytes('x\r\npartial') });
      expectObservable(chunk$.pipe(decodeFrames())).toBe('a-#', { a: line('x') });
      expectSubscriptions(chunk$.subscriptions).toBe('^-!');
    });
  });
});
