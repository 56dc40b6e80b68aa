import { isDeepStrictEqual } from 'node:util';
import { createLineDecoder, type Frame } from '../../src/management/framing.js';
import { showInput, type FuzzTarget } from './fuzz-target.js';
import type { Random } from './random.js';

const MAX_INPUT_BYTES = 2048;

/** Bytes that make framing interesting: line ends, the prompt, invalid and split UTF-8. */
const SNIPPETS = ['\n', '\r\n', '\r', 'ENTER PASSWORD:', '>INFO:x\n', 'é', '\u00ff', '😀'].map(
  (text) => Buffer.from(text, 'utf8'),
);

const input = (random: Random): Buffer => {
  const target = random.int(0, MAX_INPUT_BYTES);
  const parts: Buffer[] = [];
  let length = 0;
  while (length < target) {
    const part = random.chance(0.4)
      ? random.pick(SNIPPETS as [Buffer, ...Buffer[]])
      : random.bytes(random.int(1, 64));
    parts.push(part);
    length += part.length;
  }
  // A lone 0xC3 or 0xF0 starts a multi-byte character that never completes.
  if (random.chance(0.1)) parts.push(Buffer.from([random.pick([0xc3, 0xf0, 0xe2])]));
  return Buffer.concat(parts);
};

const decode = (chunks: readonly Buffer[], maxLineBytes: number): Frame[] => {
  const decoder = createLineDecoder({ maxLineBytes });
  return [...chunks.flatMap((chunk) => decoder.push(chunk)), ...decoder.end()];
};

// The same through pushTo and endTo, as the session reads its socket.
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

const chunked = (random: Random, bytes: Buffer): Buffer[] => {
  const chunks: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    // Mostly tiny chunks, so splits fall inside CRLF, the prompt and multi-byte characters.
    const size = random.chance(0.5) ? random.int(1, 4) : random.int(1, 512);
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
};

/** Checks one frame against the decoder's promises; returns the broken one. */
const badFrame = (frame: Frame, maxLineBytes: number): string | undefined => {
  if (frame.kind !== 'line') return undefined;
  if (frame.text.includes('\n')) return 'a line frame holds LF';
  // Each byte decodes to at most one UTF-16 unit (replacement characters included).
  if (frame.text.length > maxLineBytes) return 'a line frame is longer than the bound';
  return undefined;
};

/** The framing decoder: any bytes, any chunking, any line bound. */
export const framingTarget: FuzzTarget = {
  name: 'framing decoder',
  runOne: (random) => {
    const bytes = input(random);
    const maxLineBytes = random.chance(0.5) ? random.int(1, 80) : random.int(81, 4096);
    const chunks = chunked(random, bytes);
    const whole = decode([bytes], maxLineBytes);
    const pieces = decode(chunks, maxLineBytes);
    const show = () => showInput({ bytes, maxLineBytes, sizes: chunks.map((c) => c.length) });
    if (!isDeepStrictEqual(whole, pieces)) {
      return { property: 'the same frames whatever the chunking', input: show() };
    }
    if (!isDeepStrictEqual(pieces, decodeTo(chunks, maxLineBytes))) {
      return { property: 'pushTo hands over the frames push returns', input: show() };
    }
    for (const frame of whole) {
      const broken = badFrame(frame, maxLineBytes);
      if (broken !== undefined) return { property: broken, input: show() };
    }
    return undefined;
  },
};
