import { describe, expect, it } from '@jest/globals';
import { parseLocalTime } from '../../../src/management/parsers/index.js';

const local = (y: number, mo: number, d: number, h: number, mi: number, s: number): number =>
  new Date(y, mo - 1, d, h, mi, s).getTime() / 1000;

describe('parseLocalTime', () => {
  it('reads the 2.5+ format in the local zone', () => {
    expect(parseLocalTime('2026-12-03 16:12:01')).toBe(local(2026, 12, 3, 16, 12, 1));
  });

  it('reads the ctime format of 2.4 and older, one- and two-digit days', () => {
    expect(parseLocalTime('Thu Dec  3 16:12:01 2026')).toBe(local(2026, 12, 3, 16, 12, 1));
    expect(parseLocalTime('Fri Feb 19 08:00:59 2016')).toBe(local(2016, 2, 19, 8, 0, 59));
  });

  it.each([
    '',
    '2026-02-30 10:00:00',
    '2026-12-03 24:00:00',
    '2026-12-03T16:12:01',
    'Thu Foo  3 16:12:01 2026',
    '1796314321',
  ])('gives undefined for "%s"', (text) => {
    expect(parseLocalTime(text)).toBeUndefined();
  });
});
