/** openvpn's byte counters at one moment (`>BYTECOUNT:<in>,<out>`), stamped when read. */
export interface ByteCountSample {
  /** Epoch ms. */
  readonly at: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
}

/** Tunnel traffic as the status line shows it: totals and the current rates. */
export interface Traffic {
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Bytes per second since the previous sample; 0 when there is none to compare with. */
  readonly inPerSecond: number;
  readonly outPerSecond: number;
}

const MS_PER_SECOND = 1000;

// openvpn counts from 0 again after a restart: a counter that went down restarted.
const rate = (previous: number, current: number, elapsedMs: number): number =>
  current < previous ? 0 : ((current - previous) * MS_PER_SECOND) / elapsedMs;

/** Totals of `current` and the rates since `previous`, the sample before it. */
export function trafficBetween(
  previous: ByteCountSample | undefined,
  current: ByteCountSample,
): Traffic {
  const elapsedMs = previous === undefined ? 0 : current.at - previous.at;
  if (previous === undefined || elapsedMs <= 0) {
    return {
      bytesIn: current.bytesIn,
      bytesOut: current.bytesOut,
      inPerSecond: 0,
      outPerSecond: 0,
    };
  }
  return {
    bytesIn: current.bytesIn,
    bytesOut: current.bytesOut,
    inPerSecond: rate(previous.bytesIn, current.bytesIn, elapsedMs),
    outPerSecond: rate(previous.bytesOut, current.bytesOut, elapsedMs),
  };
}
