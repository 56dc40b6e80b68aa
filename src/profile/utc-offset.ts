const HOURS_PER_DAY = 24;

// "+2", "-5", "1", "+5:30", "5.75": sign, hours, then minutes or a decimal fraction.
const OFFSET_TEXT = /^([+-]?)([0-9]{1,2})(?::([0-5][0-9])|(\.[0-9]+))?$/;

/**
 * Folds an offset onto -12…+12. UTC+13 and UTC+14 (Tonga, Kiribati) share the clock face of
 * UTC-11 and UTC-10 one day apart, which is what the original LEAP client meant by treating
 * 13 and 14 as -11 and -10.
 */
export const normalizeUtcOffset = (hours: number): number =>
  hours > 12 ? hours - HOURS_PER_DAY : hours;

/** Reads a LEAP location `timezone` in hours east of UTC, or `undefined` when unreadable. */
export function parseUtcOffset(timezone: string | number): number | undefined {
  if (typeof timezone === 'number') {
    return Number.isFinite(timezone) && timezone >= -12 && timezone <= 14
      ? normalizeUtcOffset(timezone)
      : undefined;
  }
  const match = OFFSET_TEXT.exec(timezone.trim());
  if (match === null) return undefined;
  const [, sign = '', hours = '0', minutes, fraction] = match;
  const magnitude =
    Number(hours) + (minutes === undefined ? 0 : Number(minutes) / 60) + Number(fraction ?? 0);
  return parseUtcOffset(sign === '-' ? -magnitude : magnitude);
}

/** Hours between two UTC offsets, the short way round a 24-hour clock: 0 to 12. */
export function timezoneDistanceHours(a: number, b: number): number {
  const apart = Math.abs(normalizeUtcOffset(a) - normalizeUtcOffset(b)) % HOURS_PER_DAY;
  return Math.min(apart, HOURS_PER_DAY - apart);
}
