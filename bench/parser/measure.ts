import type { Contender, Counts } from './contender.js';

/** One timed run: wall-clock time, and the CPU time the whole process used meanwhile. */
export interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** Timed runs of one contender over one chunking. */
export interface Throughput {
  readonly contender: Contender;
  readonly samples: Sample[];
}

/** Forces a full collection so garbage left by one run is not charged to the next. */
export type CollectGarbage = () => void;

/** Feeds every chunk to a fresh consumer and ends it, returning its counts. */
export const feedAll = (contender: Contender, chunks: readonly Buffer[]): Counts => {
  const feed = contender.create();
  for (const chunk of chunks) feed.push(chunk);
  return feed.end();
};

// CPU time is kept beside wall time because this machine is shared: while other processes
// compete for the CPUs, wall time also counts the waits, CPU time does not.
const timeOnce = (gc: CollectGarbage, contender: Contender, chunks: readonly Buffer[]): Sample => {
  gc();
  const cpuStarted = process.cpuUsage();
  const started = performance.now();
  feedAll(contender, chunks);
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuStarted);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
};

/**
 * Runs every contender `warmup` times untimed, then `runs` timed rounds. Each round rotates
 * the order, so drift in machine load is spread over all contenders instead of one.
 */
export const measureThroughput = (
  gc: CollectGarbage,
  contenders: readonly Contender[],
  chunks: readonly Buffer[],
  warmup: number,
  runs: number,
): Throughput[] => {
  for (let round = 0; round < warmup; round += 1) {
    for (const contender of contenders) timeOnce(gc, contender, chunks);
  }
  const results = contenders.map((contender): Throughput => ({ contender, samples: [] }));
  for (let round = 0; round < runs; round += 1) {
    for (let turn = 0; turn < results.length; turn += 1) {
      const result = results[(round + turn) % results.length];
      result?.samples.push(timeOnce(gc, result.contender, chunks));
    }
  }
  return results;
};

/** The middle value; the mean of the two middle ones for an even count. */
export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? Number.NaN) + upper) / 2;
};

/** Decimal megabytes per second for `bytes` handled in `milliseconds`. */
export const megabytesPerSecond = (bytes: number, milliseconds: number): number =>
  bytes / 1e6 / (milliseconds / 1000);
