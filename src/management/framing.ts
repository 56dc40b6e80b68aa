import { Observable, type OperatorFunction } from 'rxjs';

/** One unit of management socket output. */
export type Frame =
  | { readonly kind: 'line'; readonly text: string }
  | { readonly kind: 'password-prompt' }
  | { readonly kind: 'line-too-long'; readonly bytes: number };

/** Options of {@link createLineDecoder} and {@link decodeFrames}. */
export interface LineDecoderOptions {
  /** Longest line kept, in bytes without its line end. Longer lines become `line-too-long`. */
  readonly maxLineBytes?: number;
}

/** Takes each frame as soon as it is decoded. */
export type FrameSink = (frame: Frame) => void;

/** A streaming splitter from socket chunks to frames. */
export interface LineDecoder {
  /** Consumes one chunk and returns every frame it completes. */
  push(chunk: Uint8Array): Frame[];
  /** Flushes the pending partial line, if any, at end of stream. */
  end(): Frame[];
  /**
   * Like {@link push}, but hands each frame to `sink` as it is decoded instead of collecting
   * them: a busy stream's chunks hold a thousand lines each, and the array cost more than the
   * frames in it. A chunk pushed from inside `sink` is decoded once this one is done. If `sink`
   * throws, the error propagates; the rest of the chunk, and any chunk pushed meanwhile, is lost.
   */
  pushTo(chunk: Uint8Array, sink: FrameSink): void;
  /** Like {@link end}, handing the frames to `sink`. */
  endTo(sink: FrameSink): void;
}

/** Default bound on one line: far above anything openvpn 2.6 sends (status lines, ENV lines). */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

const LF = 0x0a;
const CR = 0x0d;
// openvpn sends the management password prompt without a line end and waits (manage.c man_prompt).
const PROMPT = Buffer.from('ENTER PASSWORD:', 'latin1');
const PROMPT_BYTES = PROMPT.length;
const PROMPT_TEXT = PROMPT.toString('latin1');
const PROMPT_FIRST = PROMPT_TEXT.charCodeAt(0);
const PASSWORD_PROMPT: Frame = Object.freeze({ kind: 'password-prompt' });
// Complete lines are decoded a slab of about this many bytes at a time, cut at a line end: one
// decode per slab instead of one per line. The lines are slices of the slab's string, so a line
// a consumer keeps holds at most one slab, and a non-ASCII character makes only its own slab a
// two-byte string.
const SLAB_BYTES = 1024;
// Room for the partial line most chunks end with; a longer one grows the buffer.
const INITIAL_PARTIAL_BYTES = 1024;

const startsWithPrompt = (bytes: Buffer, start: number, end: number): boolean =>
  end - start >= PROMPT_BYTES &&
  bytes[start] === PROMPT[0] &&
  bytes.compare(PROMPT, 0, PROMPT_BYTES, start, start + PROMPT_BYTES) === 0;

/** True when `bytes[start, end)` could still grow into the prompt. */
const isPromptPrefix = (bytes: Buffer, start: number, end: number): boolean =>
  end - start < PROMPT_BYTES &&
  (end === start ||
    (bytes[start] === PROMPT[0] && bytes.compare(PROMPT, 0, end - start, start, end) === 0));

const asBuffer = (chunk: Uint8Array): Buffer =>
  Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);

/**
 * Creates a decoder that splits management output on LF (dropping a CR before it), decodes UTF-8
 * with replacement characters, reports the `ENTER PASSWORD:` prompt and bounds line length.
 */
export const createLineDecoder = (options: LineDecoderOptions = {}): LineDecoder => {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  // The partial line, copied out of its chunks into one buffer that grows as needed.
  let partial = Buffer.allocUnsafeSlow(INITIAL_PARTIAL_BYTES);
  let partBytes = 0;
  // While > 0 we are skipping an over-long line up to its LF; the count is its length so far.
  let discarded = 0;
  // Whether the skipped bytes so far end in CR: its LF may come at the start of the next chunk.
  let discardedEndsInCr = false;
  // Whether the start of the partial line is settled (prompt stripped or known not to be one).
  let headSettled = false;
  // Whether prompts were stripped from the start of the current line: the rest of that line,
  // if empty, carries nothing, however the bytes were chunked.
  let afterPrompt = false;

  const emitLine = (
    sink: FrameSink,
    bytes: Buffer,
    start: number,
    end: number,
    prompted = false,
  ): void => {
    let from = start;
    while (startsWithPrompt(bytes, from, end)) {
      sink(PASSWORD_PROMPT);
      from += PROMPT_BYTES;
    }
    const to = end > from && bytes[end - 1] === CR ? end - 1 : end;
    // A line that was only prompts carries nothing more.
    if ((prompted || from > start) && to === from) return;
    if (to - from > maxLineBytes) {
      sink({ kind: 'line-too-long', bytes: to - from });
    } else {
      sink({ kind: 'line', text: bytes.toString('utf8', from, to) });
    }
  };

  // The line text[start, end) of a decoded slab: the same frames emitLine makes of its bytes,
  // since an LF or CR byte always decodes on its own and the prompt is ASCII.
  const emitText = (sink: FrameSink, text: string, start: number, end: number): void => {
    let from = start;
    while (text.charCodeAt(from) === PROMPT_FIRST && text.startsWith(PROMPT_TEXT, from)) {
      sink(PASSWORD_PROMPT);
      from += PROMPT_BYTES;
    }
    const to = end > from && text.charCodeAt(end - 1) === CR ? end - 1 : end;
    if (from > start && to === from) return;
    sink({ kind: 'line', text: text.slice(from, to) });
  };

  // Every line of bytes[start, last], where `last` is an LF.
  const emitLines = (sink: FrameSink, bytes: Buffer, start: number, last: number): void => {
    let from = start;
    while (from <= last) {
      const end = last - from <= SLAB_BYTES ? last : bytes.indexOf(LF, from + SLAB_BYTES);
      if (end - from <= maxLineBytes) {
        // No line of the slab can pass the bound, so its byte length need not be known.
        const text = bytes.toString('utf8', from, end);
        let lineStart = 0;
        let newline = text.indexOf('\n');
        while (newline !== -1) {
          emitText(sink, text, lineStart, newline);
          lineStart = newline + 1;
          newline = text.indexOf('\n', lineStart);
        }
        emitText(sink, text, lineStart, text.length);
      } else {
        let lineStart = from;
        let newline = bytes.indexOf(LF, from);
        while (newline !== -1 && newline <= end) {
          emitLine(sink, bytes, lineStart, newline);
          lineStart = newline + 1;
          newline = bytes.indexOf(LF, lineStart);
        }
      }
      from = end + 1;
    }
  };

  const settleHead = (sink: FrameSink): void => {
    let from = 0;
    while (startsWithPrompt(partial, from, partBytes)) {
      sink(PASSWORD_PROMPT);
      from += PROMPT_BYTES;
      afterPrompt = true;
    }
    if (from > 0) {
      partial.copyWithin(0, from, partBytes);
      partBytes -= from;
    }
    headSettled = partBytes > 0 && !isPromptPrefix(partial, 0, partBytes);
  };

  // Copy: the caller may reuse the chunk's memory once push returns.
  const appendPartial = (bytes: Buffer, start: number, end: number): void => {
    const needed = partBytes + end - start;
    if (needed > partial.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(needed, 2 * partial.length));
      partial.copy(grown, 0, 0, partBytes);
      partial = grown;
    }
    bytes.copy(partial, partBytes, start, end);
    partBytes = needed;
  };

  // Forgets the partial line; a buffer grown for a long line is not kept for the short ones.
  const clearPartial = (): void => {
    partBytes = 0;
    if (partial.length > INITIAL_PARTIAL_BYTES) {
      partial = Buffer.allocUnsafeSlow(INITIAL_PARTIAL_BYTES);
    }
  };

  const keepPartial = (sink: FrameSink, bytes: Buffer, start: number): void => {
    const length = bytes.length - start;
    if (discarded > 0) {
      discarded += length;
      discardedEndsInCr = bytes[bytes.length - 1] === CR;
      return;
    }
    appendPartial(bytes, start, bytes.length);
    if (!headSettled) settleHead(sink);
    // One spare byte for the CR of a line that is exactly maxLineBytes long. A head that may
    // still become the prompt (under its 15 bytes) is kept whatever the bound.
    if (headSettled && partBytes > maxLineBytes + 1) {
      discarded = partBytes;
      discardedEndsInCr = bytes[bytes.length - 1] === CR;
      clearPartial();
    }
  };

  const finishPartial = (sink: FrameSink, bytes: Buffer, end: number): void => {
    if (discarded > 0) {
      const endsInCr = end > 0 ? bytes[end - 1] === CR : discardedEndsInCr;
      const total = discarded + end - (endsInCr ? 1 : 0);
      sink({ kind: 'line-too-long', bytes: total });
      discarded = 0;
    } else {
      appendPartial(bytes, 0, end);
      emitLine(sink, partial, 0, partBytes, afterPrompt);
    }
    clearPartial();
    headSettled = false;
    afterPrompt = false;
  };

  const decodeChunk = (bytes: Buffer, sink: FrameSink): void => {
    const newline = bytes.indexOf(LF);
    if (newline === -1) {
      if (bytes.length > 0) keepPartial(sink, bytes, 0);
      return;
    }
    let start = 0;
    if (partBytes > 0 || discarded > 0 || afterPrompt) {
      finishPartial(sink, bytes, newline);
      start = newline + 1;
    }
    const last = bytes.lastIndexOf(LF);
    if (last >= start) emitLines(sink, bytes, start, last);
    if (last + 1 < bytes.length) keepPartial(sink, bytes, last + 1);
  };

  const decodeEnd = (sink: FrameSink): void => {
    if (discarded > 0) {
      sink({ kind: 'line-too-long', bytes: discarded });
    } else if (partBytes > 0) {
      emitLine(sink, partial, 0, partBytes, afterPrompt);
    }
    clearPartial();
    discarded = 0;
    headSettled = false;
    afterPrompt = false;
  };

  // A sink may feed the decoder again (a fake socket answering a write at once): such chunks
  // wait until the one being decoded is done, so frames keep stream order and state stays whole.
  let busy = false;
  const waiting: { readonly bytes: Buffer | undefined; readonly sink: FrameSink }[] = [];
  const run = (bytes: Buffer | undefined, sink: FrameSink): void => {
    if (busy) {
      // Copy: the caller may reuse the chunk's memory once push returns.
      waiting.push({ bytes: bytes === undefined ? undefined : Buffer.from(bytes), sink });
      return;
    }
    busy = true;
    try {
      for (let next = { bytes, sink }; ;) {
        if (next.bytes === undefined) decodeEnd(next.sink);
        else decodeChunk(next.bytes, next.sink);
        const queued = waiting.shift();
        if (queued === undefined) break;
        next = queued;
      }
    } finally {
      busy = false;
      waiting.length = 0;
    }
  };
  const pushTo = (chunk: Uint8Array, sink: FrameSink): void => {
    run(asBuffer(chunk), sink);
  };
  const endTo = (sink: FrameSink): void => {
    run(undefined, sink);
  };

  return {
    push(chunk) {
      const frames: Frame[] = [];
      pushTo(chunk, (frame) => frames.push(frame));
      return frames;
    },
    end() {
      const frames: Frame[] = [];
      endTo((frame) => frames.push(frame));
      return frames;
    },
    pushTo,
    endTo,
  };
};

/**
 * Splits a stream of socket chunks into frames. Each subscription has its own decoder; on
 * completion the pending partial line is flushed, on error it is dropped with the error.
 */
export const decodeFrames =
  (options?: LineDecoderOptions): OperatorFunction<Uint8Array, Frame> =>
  (chunk$) =>
    new Observable<Frame>((subscriber) => {
      const decoder = createLineDecoder(options);
      const next = (frame: Frame): void => {
        subscriber.next(frame);
      };
      return chunk$.subscribe({
        next: (chunk) => {
          decoder.pushTo(chunk, next);
        },
        error: (error: unknown) => {
          subscriber.error(error);
        },
        complete: () => {
          decoder.endTo(next);
          subscriber.complete();
        },
      });
    });
