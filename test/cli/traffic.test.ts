import { describe, expect, it } from '@jest/globals';
import { trafficBetween } from '../../src/cli/traffic.js';

describe('trafficBetween', () => {
  it('has totals and no rate for the first sample', () => {
    expect(trafficBetween(undefined, { at: 1000, bytesIn: 10, bytesOut: 20 })).toEqual({
      bytesIn: 10,
      bytesOut: 20,
      inPerSecond: 0,
      outPerSecond: 0,
    });
  });

  it('gives bytes per second since the previous sample', () => {
    expect(
      trafficBetween(
        { at: 1000, bytesIn: 1000, bytesOut: 500 },
        { at: 3000, bytesIn: 5000, bytesOut: 700 },
      ),
    ).toEqual({ bytesIn: 5000, bytesOut: 700, inPerSecond: 2000, outPerSecond: 100 });
  });

  it('reads a counter that went down as a restart of openvpn, not a negative rate', () => {
    expect(
      trafficBetween(
        { at: 1000, bytesIn: 9000, bytesOut: 9000 },
        { at: 2000, bytesIn: 100, bytesOut: 9100 },
      ),
    ).toEqual({ bytesIn: 100, bytesOut: 9100, inPerSecond: 0, outPerSecond: 100 });
  });

  it('gives no rate when no time passed between the samples', () => {
    expect(
      trafficBetween(
        { at: 1000, bytesIn: 0, bytesOut: 0 },
        { at: 1000, bytesIn: 50, bytesOut: 50 },
      ),
    ).toMatchObject({ inPerSecond: 0, outPerSecond: 0 });
  });
});
