/** The figures reported for one set of samples, in milliseconds. */
export interface Summary {
  readonly n: number;
  readonly median: number;
  /** Nearest-rank 99th percentile. */
  readonly p99: number;
  readonly max: number;
  readonly min: number;
}

/** Below this many samples the 99th percentile is just the maximum, and is reported as such. */
const P99_MIN_SAMPLES = 100;
const P99 = 0.99;

// Nearest rank: the smallest sample with at least `fraction` of all samples at or below it.
const rank = (sorted: readonly number[], fraction: number): number =>
  sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;

/** Median (mean of the middle two for an even count), p99 and max of `samples`. */
export const summarize = (samples: readonly number[]): Summary => {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] ?? Number.NaN)
      : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
  return {
    n: sorted.length,
    median,
    p99: rank(sorted, P99),
    max: sorted.at(-1) ?? Number.NaN,
    min: sorted[0] ?? Number.NaN,
  };
};

/** Milliseconds with a precision that suits their size. */
export const formatMs = (ms: number): string => {
  if (!Number.isFinite(ms)) return 'n/a';
  if (Math.abs(ms) < 10) return `${ms.toFixed(3)} ms`;
  if (Math.abs(ms) < 1000) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(0)} ms`;
};

/** `median …, p99 …, N …`; with few samples min and max instead of p99, to show the spread. */
export const describe = (summary: Summary): string => {
  const tail =
    summary.n >= P99_MIN_SAMPLES
      ? `p99 ${formatMs(summary.p99)}`
      : `min ${formatMs(summary.min)}, max ${formatMs(summary.max)}`;
  return `median ${formatMs(summary.median)}, ${tail}, N ${summary.n}`;
};

/** The tail figure a target is judged on: p99, or max when N is small. */
export const tailOf = (summary: Summary): number =>
  summary.n >= P99_MIN_SAMPLES ? summary.p99 : summary.max;

/** Pairwise differences `a[i] - b[i]` of two equally long sample lists. */
export const differences = (a: readonly number[], b: readonly number[]): number[] =>
  a.map((value, index) => value - (b[index] ?? Number.NaN));

/** `met` or `MISSED`, for a target line. */
export const verdict = (met: boolean): string => (met ? 'met' : 'MISSED');
