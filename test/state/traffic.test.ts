import { describe, expect, it } from '@jest/globals';
import {
  addByteCount,
  emptyTraffic,
  type ByteCountSample,
  type Traffic,
} from '../../src/state/traffic.js';

const sample = (at: number, bytesIn: number, bytesOut: number): ByteCountSample => ({
  at,
  bytesIn,
  bytesOut,
});

const accumulate = (samples: readonly ByteCountSample[], windowSeconds?: number): Traffic =>
  samples.reduce((traffic, s) => addByteCount(traffic, s, windowSeconds), emptyTraffic);

describe('addByteCount', () => {
  it('reports totals and no rate from a single sample', () => {
    expect(accumulate([sample(1000, 4647, 4510)])).toMatchObject({
      bytesIn: 4647,
      bytesOut: 4510,
      inBytesPerSecond: 0,
      outBytesPerSecond: 0,
    });
  });

  it('computes rates in bytes per second over the samples in the window', () => {
    const traffic = accumulate([
      sample(1000, 0, 0),
      sample(2000, 1000, 100),
      sample(3000, 3000, 300),
    ]);
    expect(traffic).toMatchObject({
      bytesIn: 3000,
      bytesOut: 300,
      inBytesPerSecond: 1500,
      outBytesPerSecond: 150,
    });
  });

  it('slides the window: samples older than N seconds stop counting', () => {
    const traffic = accumulate(
      [sample(0, 0, 0), sample(1000, 10_000, 0), sample(2000, 10_500, 0), sample(3000, 11_000, 0)],
      2,
    );
    expect(traffic.window.map((p) => p.at)).toEqual([1000, 2000, 3000]);
    expect(traffic.inBytesPerSecond).toBe(500);
  });

  it('keeps totals growing when openvpn restarts its counters', () => {
    const traffic = accumulate([
      sample(1000, 5000, 4000),
      sample(2000, 6000, 4500),
      sample(3000, 200, 100),
      sample(4000, 1200, 600),
    ]);
    expect(traffic).toMatchObject({ bytesIn: 7200, bytesOut: 5100 });
    expect(traffic.window.map((p) => p.bytesIn)).toEqual([5000, 6000, 6200, 7200]);
    expect(traffic.inBytesPerSecond).toBeCloseTo(2200 / 3);
  });

  it.each([
    ['an older sample', sample(500, 9, 9)],
    ['a sample at the same time', sample(1000, 9, 9)],
    ['a negative count', sample(2000, -1, 9)],
    ['a non-finite count', sample(2000, Number.NaN, 9)],
  ])('returns the same traffic for %s', (_title, next) => {
    const traffic = accumulate([sample(1000, 5, 5)]);
    expect(addByteCount(traffic, next)).toBe(traffic);
  });

  it('uses a 5 second window by default', () => {
    const traffic = accumulate([0, 1000, 2000, 3000, 4000, 5000, 6000].map((t) => sample(t, t, t)));
    expect(traffic.window.map((p) => p.at)).toEqual([1000, 2000, 3000, 4000, 5000, 6000]);
  });
});
