import { describe, expect, it } from '@jest/globals';
import { formatBytes, formatElapsed, formatRate } from '../../src/cli/human-units.js';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [1023, '1023 B'],
    [1024, '1 KiB'],
    [1536, '1.5 KiB'],
    [9.96 * 1024, '10 KiB'],
    [23.4 * 1024 * 1024, '23 MiB'],
    [1023.7 * 1024, '1 MiB'],
    [3 * 1024 ** 3, '3 GiB'],
    [2 * 1024 ** 6, '2048 PiB'],
    [-5, '0 B'],
  ])('shows %d bytes as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('gives rates per second', () => {
    expect(formatRate(2048)).toBe('2 KiB/s');
  });
});

describe('formatElapsed', () => {
  it.each([
    [0, '0:00'],
    [999, '0:00'],
    [7_000, '0:07'],
    [723_000, '12:03'],
    [3_723_000, '1:02:03'],
    [3 * 86_400_000 + 4 * 3_600_000 + 5 * 60_000 + 6_000, '3d 04:05:06'],
    [-3_000, '0:00'],
  ])('shows %d ms as %s', (ms, text) => {
    expect(formatElapsed(ms)).toBe(text);
  });
});
