const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;
const BYTES_PER_KIB = 1024;
const SECONDS_PER_MINUTE = 60;
const SECONDS_PER_HOUR = 3600;
const SECONDS_PER_DAY = 86_400;
const MS_PER_SECOND = 1000;
// Below this, one decimal place says something ("9.5 MiB"); above, it is noise ("950 MiB").
const DECIMAL_BELOW = 10;

/** A byte count in binary units: `512 B`, `1.5 KiB`, `23 MiB`. */
export function formatBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= BYTES_PER_KIB && unit < BYTE_UNITS.length - 1) {
    value /= BYTES_PER_KIB;
    unit++;
  }
  // Rounding can carry into the next unit: 1023.96 KiB must read 1 MiB, not 1024 KiB.
  const rounded =
    unit === 0 || value >= DECIMAL_BELOW ? Math.round(value) : Math.round(value * 10) / 10;
  if (rounded >= BYTES_PER_KIB && unit < BYTE_UNITS.length - 1) return `1 ${BYTE_UNITS[unit + 1]}`;
  return `${rounded} ${BYTE_UNITS[unit]}`;
}

/** A transfer rate: `formatBytes` per second, e.g. `34 KiB/s`. */
export const formatRate = (bytesPerSecond: number): string => `${formatBytes(bytesPerSecond)}/s`;

const twoDigits = (value: number): string => String(value).padStart(2, '0');

/** A duration as a clock: `0:07`, `12:03`, `1:02:03`, `3d 04:05:06`; never negative. */
export function formatElapsed(ms: number): string {
  const total = Math.floor(Math.max(0, ms) / MS_PER_SECOND);
  const days = Math.floor(total / SECONDS_PER_DAY);
  const hours = Math.floor((total % SECONDS_PER_DAY) / SECONDS_PER_HOUR);
  const minutes = Math.floor((total % SECONDS_PER_HOUR) / SECONDS_PER_MINUTE);
  const seconds = total % SECONDS_PER_MINUTE;
  if (days > 0) return `${days}d ${twoDigits(hours)}:${twoDigits(minutes)}:${twoDigits(seconds)}`;
  if (hours > 0) return `${hours}:${twoDigits(minutes)}:${twoDigits(seconds)}`;
  return `${minutes}:${twoDigits(seconds)}`;
}
