import type { Random } from './random.js';
import type { Traffic, TrafficEvent, TrafficKind } from './traffic.js';

/** openvpn ends every management line with CRLF (manage.c). */
const CRLF = '\r\n';

/** How much of a stream one kind of event makes up. */
export interface KindShare {
  events: number;
  lines: number;
  bytes: number;
}

/** A generated stream held in memory, with the counts a correct parser must reproduce. */
export interface GeneratedStream {
  readonly bytes: Buffer;
  readonly lines: number;
  readonly notifications: number;
  /** Lines that are not real-time notifications (command replies). */
  readonly replyLines: number;
  readonly mix: ReadonlyMap<TrafficKind, KindShare>;
}

const encode = (event: TrafficEvent): string => event.lines.join(CRLF) + CRLF;

/** Generates events until the stream holds at least `targetBytes`; whole events only. */
export const generateStream = (traffic: Traffic, targetBytes: number): GeneratedStream => {
  // Headroom for the last event, which may run past the target (a status reply is a few KiB).
  const buffer = Buffer.allocUnsafe(targetBytes + 1024 * 1024);
  const mix = new Map<TrafficKind, KindShare>();
  let offset = 0;
  let lines = 0;
  let notifications = 0;
  let replyLines = 0;
  while (offset < targetBytes) {
    const event = traffic.next();
    const written = buffer.write(encode(event), offset, 'utf8');
    offset += written;
    lines += event.lines.length;
    notifications += event.notifications;
    if (event.notifications === 0) replyLines += event.lines.length;
    const share = mix.get(event.kind) ?? { events: 0, lines: 0, bytes: 0 };
    share.events += 1;
    share.lines += event.lines.length;
    share.bytes += written;
    mix.set(event.kind, share);
  }
  return { bytes: buffer.subarray(0, offset), lines, notifications, replyLines, mix };
};

/** Views of `bytes` in slices of `size` bytes, as a socket read with that buffer size gives. */
export const fixedChunks = (bytes: Buffer, size: number): Buffer[] => {
  const chunks: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += size) {
    chunks.push(bytes.subarray(start, start + size));
  }
  return chunks;
};

/** Views of `bytes` in slices of random size between `min` and `max` bytes. */
export const randomChunks = (bytes: Buffer, random: Random, min: number, max: number): Buffer[] => {
  const chunks: Buffer[] = [];
  for (let start = 0; start < bytes.length;) {
    const end = start + random.int(min, max);
    chunks.push(bytes.subarray(start, end));
    start = end;
  }
  return chunks;
};

/**
 * Generates chunks of exactly `chunkBytes` (the last may be shorter), cut anywhere like socket
 * reads, lazily until `notifications` notifications were sent: a long feed needs no stream
 * held in memory.
 */
export function* streamChunks(
  traffic: Traffic,
  chunkBytes: number,
  notifications: number,
): Generator<Buffer, void, undefined> {
  let sent = 0;
  let carry: Buffer = Buffer.alloc(0);
  let pending: string[] = [];
  let pendingChars = 0;
  const take = (): Buffer => {
    const bytes = Buffer.concat([carry, Buffer.from(pending.join(''), 'utf8')]);
    pending = [];
    pendingChars = 0;
    return bytes;
  };
  while (sent < notifications) {
    const event = traffic.next();
    const text = encode(event);
    pending.push(text);
    pendingChars += text.length;
    sent += event.notifications;
    if (carry.length + pendingChars < chunkBytes) continue;
    let bytes = take();
    while (bytes.length >= chunkBytes) {
      yield bytes.subarray(0, chunkBytes);
      bytes = bytes.subarray(chunkBytes);
    }
    carry = bytes;
  }
  const rest = take();
  if (rest.length > 0) yield rest;
}
