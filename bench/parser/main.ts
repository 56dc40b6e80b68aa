/**
 * The management parser benchmark: throughput of (a) plain line splitting, (b) rx-openvpn's
 * framing and notification parser and (c) telnet-openvpn's data handler on one generated
 * 100 MB management stream, then the heap (b) keeps over a million notifications.
 * Run it with bench/parser/run.sh; see bench/README.md.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { Contender, Counts } from './contender.js';
import { floorSplitter } from './floor-splitter.js';
import { measureHeap, type HeapReport } from './heap.js';
import { feedAll, measureThroughput, median, megabytesPerSecond } from './measure.js';
import { createRandom } from './random.js';
import { createRxOpenvpnFeed, rxOpenvpnParser } from './rx-openvpn-parser.js';
import {
  fixedChunks,
  generateStream,
  randomChunks,
  streamChunks,
  type GeneratedStream,
} from './stream.js';
import { telnetOpenvpnHandler } from './telnet-openvpn-handler.js';
import { createTraffic } from './traffic.js';

const MEGABYTE = 1e6;
const KIBIBYTE = 1024;
const SOCKET_CHUNK_BYTES = 64 * KIBIBYTE;
// Small reads as a client sees when openvpn writes a line or two at a time; 1460 is one
// Ethernet-sized TCP segment.
const SMALL_CHUNK_MIN_BYTES = 1;
const SMALL_CHUNK_MAX_BYTES = 1460;
const FLOOR_RATIO_TARGET = 0.5;
const TELNET_RATIO_TARGET = 10;
const HEAP_GROWTH_TARGET_BYTES = 5 * MEGABYTE;
const HEAP_CHECKPOINT_CHUNKS = 256;

const { values: options } = parseArgs({
  options: {
    megabytes: { type: 'string', default: '100' },
    runs: { type: 'string', default: '9' },
    warmup: { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
    'heap-notifications': { type: 'string', default: '1000000' },
    contenders: { type: 'string', default: 'abc' },
  },
});

const integerOption = (name: string, text: string, min: number): number => {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new Error(`--${name} wants an integer >= ${min}`);
  }
  return value;
};

const streamBytes = integerOption('megabytes', options.megabytes, 1) * MEGABYTE;
const runs = integerOption('runs', options.runs, 1);
const warmup = integerOption('warmup', options.warmup, 0);
const seed = integerOption('seed', options.seed, 0);
const heapNotifications = integerOption('heap-notifications', options['heap-notifications'], 0);
const contenders = [floorSplitter, rxOpenvpnParser, telnetOpenvpnHandler].filter((contender) =>
  options.contenders.includes(contender.label.charAt(1)),
);

const maybeGc = globalThis.gc;
if (maybeGc === undefined) throw new Error('run node with --expose-gc (bench/parser/run.sh does)');
const gc = (): void => {
  maybeGc();
};

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const percent = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(1)}%`;
const megabytes = (bytes: number): string => `${(bytes / MEGABYTE).toFixed(2)} MB`;
const verdict = (met: boolean): string => (met ? 'met' : 'MISSED');

const printMachine = (): void => {
  const cpus = os.cpus();
  const load = os.loadavg().map((value) => value.toFixed(2));
  console.log('rx-openvpn management parser benchmark');
  console.log(
    `machine: ${os.availableParallelism()} CPUs (${cpus[0]?.model ?? 'unknown'}), ` +
      `node ${process.version}, ${process.platform} ${process.arch}, load average ${load.join(' ')}`,
  );
};

const printMix = (stream: GeneratedStream): void => {
  console.log(
    `stream: ${megabytes(stream.bytes.length)} (seed ${seed}), ${integer.format(stream.lines)} ` +
      `lines, ${integer.format(stream.notifications)} notifications, ` +
      `${integer.format(stream.replyLines)} reply lines`,
  );
  console.log('  kind                   events      lines   bytes');
  const kinds = [...stream.mix.entries()].sort(([, a], [, b]) => b.bytes - a.bytes);
  for (const [kind, share] of kinds) {
    console.log(
      `  ${kind.padEnd(20)} ${integer.format(share.events).padStart(8)} ` +
        `${percent(share.lines, stream.lines).padStart(10)} ` +
        percent(share.bytes, stream.bytes.length).padStart(7),
    );
  }
};

// A benchmark of wrong answers is worthless: (a) and (b) must see every line and (b) must type
// every notification. (c) is not held to it; its counts are shown instead.
const check = (stream: GeneratedStream, contender: Contender, counts: Counts): string[] => {
  const want = (name: string, actual: number | undefined, expected: number): string[] =>
    actual === expected ? [] : [`${contender.label}: ${name} ${String(actual)}, want ${expected}`];
  if (contender === floorSplitter) return want('lines', counts.lines, stream.lines);
  if (contender !== rxOpenvpnParser) return [];
  return [
    ...want('notifications', counts.notifications, stream.notifications),
    ...want('unknown notifications', counts.unknown, 0),
    ...want('incomplete blocks', counts.incomplete, 0),
    ...want('reply lines', counts.replyLines, stream.replyLines),
    ...want('other frames', counts.otherFrames, 0),
  ];
};

const describeCounts = (counts: Counts): string =>
  Object.entries(counts)
    .map(([name, value]) => `${name} ${integer.format(value)}`)
    .join(', ');

// Which typed notifications (b) made, shown once so the reader sees the parse is complete.
const printTypes = (chunks: readonly Buffer[]): void => {
  const types = new Map<string, number>();
  const samples: string[] = [];
  const feed = createRxOpenvpnFeed((notification) => {
    types.set(notification.type, (types.get(notification.type) ?? 0) + 1);
    if (notification.type === 'unknown' && samples.length < 5) {
      samples.push(`${notification.raw} (${notification.reason ?? 'no reason'})`);
    }
  });
  for (const chunk of chunks) feed.push(chunk);
  feed.end();
  const list = [...types.entries()].sort(([, a], [, b]) => b - a);
  console.log(`  (b) typed: ${list.map(([type, n]) => `${type} ${integer.format(n)}`).join(', ')}`);
  for (const sample of samples) console.log(`  (b) unknown: ${sample}`);
};

// The verdict is on wall time, as asked; the CPU-time ratio shows how much is machine load.
const printRatio = (
  name: string,
  over: Contender,
  under: Contender,
  target: number,
  wall: ReadonlyMap<Contender, number>,
  cpu: ReadonlyMap<Contender, number>,
): void => {
  const [wallOver, wallUnder] = [wall.get(over), wall.get(under)];
  const [cpuOver, cpuUnder] = [cpu.get(over), cpu.get(under)];
  if (wallOver === undefined || wallUnder === undefined) return;
  if (cpuOver === undefined || cpuUnder === undefined) return;
  const ratio = wallOver / wallUnder;
  console.log(
    `  ${name} = ${ratio.toFixed(2)} (by CPU time ${(cpuOver / cpuUnder).toFixed(2)})  ` +
      `target >= ${target}: ${verdict(ratio >= target)}`,
  );
};

const benchChunking = (stream: GeneratedStream, name: string, chunks: Buffer[]): boolean => {
  console.log(
    `\nchunks: ${name}, ${integer.format(chunks.length)} chunks; ` +
      `median of ${runs} timed runs after ${warmup} warm-up runs, order rotated per round`,
  );
  const problems: string[] = [];
  for (const contender of contenders) {
    const counts = feedAll(contender, chunks);
    problems.push(...check(stream, contender, counts));
    console.log(`  ${contender.label} output: ${describeCounts(counts)}`);
  }
  if (contenders.includes(rxOpenvpnParser)) printTypes(chunks);
  for (const problem of problems) console.log(`  WRONG ${problem}`);
  if (problems.length > 0) return false;

  const results = measureThroughput(gc, contenders, chunks, warmup, runs);
  const rate = (ms: number): number => megabytesPerSecond(stream.bytes.length, ms);
  const wall = new Map<Contender, number>();
  const cpu = new Map<Contender, number>();
  for (const { contender, samples } of results) {
    const wallRates = samples.map((sample) => rate(sample.wallMs));
    wall.set(contender, rate(median(samples.map((sample) => sample.wallMs))));
    cpu.set(contender, rate(median(samples.map((sample) => sample.cpuMs))));
    console.log(
      `  ${contender.label.padEnd(19)} ${decimal.format(wall.get(contender) ?? 0).padStart(7)} ` +
        `MB/s (${decimal.format(Math.min(...wallRates))}-${decimal.format(Math.max(...wallRates))}), ` +
        `by CPU time ${decimal.format(cpu.get(contender) ?? 0).padStart(7)} MB/s` +
        `  ${contender.description}`,
    );
  }
  printRatio('(b)/(a)', rxOpenvpnParser, floorSplitter, FLOOR_RATIO_TARGET, wall, cpu);
  printRatio('(b)/(c)', rxOpenvpnParser, telnetOpenvpnHandler, TELNET_RATIO_TARGET, wall, cpu);
  return true;
};

const printHeap = (report: HeapReport): void => {
  const growth = report.afterBytes - report.beforeBytes;
  console.log(
    `\nheap: ${integer.format(report.counts.notifications ?? 0)} notifications ` +
      `(${integer.format(report.chunks)} chunks of ${SOCKET_CHUNK_BYTES / KIBIBYTE} KiB) through (b)`,
  );
  console.log(
    `  heapUsed after gc: before ${megabytes(report.beforeBytes)}, ` +
      `after ${megabytes(report.afterBytes)}, growth ${megabytes(growth)}; ` +
      `highest at a checkpoint ${megabytes(report.peakRetainedBytes)}`,
  );
  console.log(
    `  target growth < ${megabytes(HEAP_GROWTH_TARGET_BYTES)}: ` +
      verdict(growth < HEAP_GROWTH_TARGET_BYTES),
  );
};

// The throughput part in its own scope, so its 100 MB stream and chunk lists are garbage
// before the heap is measured.
const benchThroughput = (): boolean => {
  const stream = generateStream(createTraffic(seed), streamBytes);
  printMix(stream);
  const small = randomChunks(
    stream.bytes,
    createRandom(seed + 1),
    SMALL_CHUNK_MIN_BYTES,
    SMALL_CHUNK_MAX_BYTES,
  );
  return (
    benchChunking(
      stream,
      `${SOCKET_CHUNK_BYTES / KIBIBYTE} KiB`,
      fixedChunks(stream.bytes, SOCKET_CHUNK_BYTES),
    ) && benchChunking(stream, `random ${SMALL_CHUNK_MIN_BYTES}-${SMALL_CHUNK_MAX_BYTES} B`, small)
  );
};

printMachine();
if (!benchThroughput()) {
  process.exitCode = 1;
} else if (heapNotifications > 0) {
  const chunks = streamChunks(createTraffic(seed + 2), SOCKET_CHUNK_BYTES, heapNotifications);
  printHeap(measureHeap(gc, () => createRxOpenvpnFeed(), chunks, HEAP_CHECKPOINT_CHUNKS));
}
