/** One `>BYTECOUNT:<in>,<out>` notification, stamped by the engine's clock. */
export interface ByteCountSample {
  /** Epoch ms when the sample arrived. */
  readonly at: number;
  /** openvpn's counter of bytes received from the server in this connection. */
  readonly bytesIn: number;
  /** openvpn's counter of bytes sent to the server in this connection. */
  readonly bytesOut: number;
}

/** Totals at one sample, for the rate window. */
export interface TrafficPoint {
  readonly at: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
}

/** Traffic of a session: totals and rates over a sliding window. */
export interface Traffic {
  /** Bytes received since the accumulator started, across openvpn restarts. */
  readonly bytesIn: number;
  /** Bytes sent since the accumulator started, across openvpn restarts. */
  readonly bytesOut: number;
  /** Receive rate over the window, bytes per second. */
  readonly inBytesPerSecond: number;
  /** Send rate over the window, bytes per second. */
  readonly outBytesPerSecond: number;
  /** The samples inside the window, oldest first, as running totals. */
  readonly window: readonly TrafficPoint[];
  /** openvpn's raw counters at the last sample, to detect their reset on restart. */
  readonly counters?: { readonly bytesIn: number; readonly bytesOut: number };
}

/** Default width of the rate window. */
export const TRAFFIC_WINDOW_SECONDS = 5;

const MS_PER_SECOND = 1000;

/** Traffic before any sample. */
export const emptyTraffic: Traffic = Object.freeze({
  bytesIn: 0,
  bytesOut: 0,
  inBytesPerSecond: 0,
  outBytesPerSecond: 0,
  window: Object.freeze([]),
});

const isCount = (value: number): boolean => Number.isFinite(value) && value >= 0;

/** Bytes per second between the first and last point. */
const rate = (
  first: TrafficPoint,
  last: TrafficPoint,
  pick: (p: TrafficPoint) => number,
): number => {
  const elapsedMs = last.at - first.at;
  return elapsedMs <= 0 ? 0 : ((pick(last) - pick(first)) * MS_PER_SECOND) / elapsedMs;
};

/**
 * Adds one sample: pure, returns new traffic. openvpn's counters restart from zero when it
 * restarts (they live in its per-connection context), so a counter that goes down starts a new
 * run and the totals keep growing. A sample that is not newer than the last one, or carries a
 * negative or non-finite count, returns `traffic` unchanged.
 */
export const addByteCount = (
  traffic: Traffic,
  sample: ByteCountSample,
  windowSeconds: number = TRAFFIC_WINDOW_SECONDS,
): Traffic => {
  if (!isCount(sample.bytesIn) || !isCount(sample.bytesOut) || !Number.isFinite(sample.at)) {
    return traffic;
  }
  const previous = traffic.window[traffic.window.length - 1];
  if (previous !== undefined && sample.at <= previous.at) return traffic;
  const counters = traffic.counters ?? { bytesIn: 0, bytesOut: 0 };
  const reset = sample.bytesIn < counters.bytesIn || sample.bytesOut < counters.bytesOut;
  const base = reset ? { bytesIn: 0, bytesOut: 0 } : counters;
  const point: TrafficPoint = {
    at: sample.at,
    bytesIn: traffic.bytesIn + sample.bytesIn - base.bytesIn,
    bytesOut: traffic.bytesOut + sample.bytesOut - base.bytesOut,
  };
  const since = sample.at - windowSeconds * MS_PER_SECOND;
  const window = [...traffic.window.filter((p) => p.at >= since), point];
  const first = window[0] ?? point;
  return {
    bytesIn: point.bytesIn,
    bytesOut: point.bytesOut,
    inBytesPerSecond: rate(first, point, (p) => p.bytesIn),
    outBytesPerSecond: rate(first, point, (p) => p.bytesOut),
    window,
    counters: { bytesIn: sample.bytesIn, bytesOut: sample.bytesOut },
  };
};
