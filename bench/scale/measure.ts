import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadavg } from 'node:os';

/** Resolution of the event-loop delay histogram, as the brief asks. */
const LAG_RESOLUTION_MS = 10;
const NS_PER_MS = 1e6;
const BYTES_PER_MB = 1024 * 1024;
/** Full collections before a heap reading: weak references and finalizers need more than one. */
const GC_PASSES = 3;

/**
 * Event-loop delay over one stretch of work, in ms. Node's histogram records the interval
 * between its timer's firings, so an idle loop reads the resolution (10 ms); these figures
 * have the resolution taken off: the time the loop was late.
 */
export interface Lag {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

const lateMs = (intervalNs: number): number =>
  Math.max(0, intervalNs / NS_PER_MS - LAG_RESOLUTION_MS);

/** Runs `work` while a delay histogram samples the event loop; returns both. */
export async function withLag<T>(work: () => Promise<T>): Promise<{ result: T; lag: Lag }> {
  const histogram = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  histogram.enable();
  try {
    const result = await work();
    return {
      result,
      lag: {
        p50Ms: lateMs(histogram.percentile(50)),
        p99Ms: lateMs(histogram.percentile(99)),
        maxMs: lateMs(histogram.max),
      },
    };
  } finally {
    histogram.disable();
  }
}

/** Heap in use after full collections, in bytes; needs node --expose-gc. */
export async function settledHeapBytes(): Promise<number> {
  const gc = globalThis.gc;
  if (gc === undefined) throw new Error('run node with --expose-gc (bench/scale/run.sh does)');
  for (let i = 0; i < GC_PASSES; i += 1) {
    gc();
    // Let finalizers and pending I/O callbacks run between passes.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

/** Bytes as MB with two decimals. */
export const mb = (bytes: number): string => `${(bytes / BYTES_PER_MB).toFixed(2)} MB`;

/** Milliseconds with one decimal. */
export const ms = (value: number): string => `${value.toFixed(1)} ms`;

/** Load averages (1, 5, 15 min), as `uptime` prints them. */
export const load = (): string =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(', ');

/** Resolves after `durationMs`. */
export const sleep = (durationMs: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, durationMs));

/** Least-squares slope of `ys` over `xs`. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return Number.NaN;
  const mean = (values: readonly number[]): number =>
    values.slice(0, n).reduce((sum, v) => sum + v, 0) / n;
  const mx = mean(xs);
  const my = mean(ys);
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i += 1) {
    const dx = (xs[i] ?? 0) - mx;
    num += dx * ((ys[i] ?? 0) - my);
    den += dx * dx;
  }
  return num / den;
}

const HEAP_SAMPLE_EVERY_MS = 5_000;
const MS_PER_MIN = 60_000;

/** Settled heap readings over a stretch of time: when (in minutes from the start) and how much. */
export interface HeapSamples {
  readonly minutes: readonly number[];
  readonly bytes: readonly number[];
}

/**
 * Reads the settled heap at once and then every 5 s for `durationS`, printing each reading
 * with `note()` (what else to show beside it).
 */
export async function sampleHeap(
  durationS: number,
  print: (line: string) => void,
  note: () => string,
): Promise<HeapSamples> {
  const minutes: number[] = [];
  const bytes: number[] = [];
  const started = performance.now();
  for (let at = 0; at <= durationS * 1000; at += HEAP_SAMPLE_EVERY_MS) {
    if (at > 0) await sleep(started + at - performance.now());
    bytes.push(await settledHeapBytes());
    minutes.push((performance.now() - started) / MS_PER_MIN);
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    print(`  t=${seconds} s heap ${mb(bytes.at(-1) ?? 0)} ${note()}`);
  }
  return { minutes, bytes };
}
