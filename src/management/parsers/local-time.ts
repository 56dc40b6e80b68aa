// openvpn 2.5+ prints `2026-12-03 16:12:01`; 2.4 and older printed ctime's
// `Thu Dec  3 16:12:01 2026`.
const ISO_LIKE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const CTIME_LIKE = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const MS_PER_SECOND = 1000;

/**
 * Reads a time that openvpn formatted with `localtime()` and returns epoch seconds, or
 * `undefined` when the text is not such a time. The text carries no zone: it is read in this
 * process's local zone, which is right when openvpn runs on the same machine. Prefer the
 * `(time_t)` columns of status format 2 and 3 where they exist.
 */
export const parseLocalTime = (text: string): number | undefined => {
  const iso = ISO_LIKE.exec(text);
  if (iso !== null) {
    const [, year, month, day, hour, minute, second] = iso.map(Number);
    return localEpochSeconds(year, month, day, hour, minute, second);
  }
  const ctime = CTIME_LIKE.exec(text);
  if (ctime !== null) {
    const [, monthName, day, hour, minute, second, year] = ctime;
    const month = MONTHS.indexOf(monthName ?? '') + 1;
    if (month === 0) return undefined;
    return localEpochSeconds(
      Number(year),
      month,
      Number(day),
      Number(hour),
      Number(minute),
      Number(second),
    );
  }
  return undefined;
};

const localEpochSeconds = (
  year = NaN,
  month = NaN,
  day = NaN,
  hour = NaN,
  minute = NaN,
  second = NaN,
): number | undefined => {
  const date = new Date(year, month - 1, day, hour, minute, second);
  // Date rolls 2026-02-30 over into March; a time that does not read back is not a time.
  const readsBack =
    date.getFullYear() === year &&
    date.getMonth() === month - 1 &&
    date.getDate() === day &&
    date.getHours() === hour &&
    date.getMinutes() === minute &&
    date.getSeconds() === second;
  return readsBack ? Math.floor(date.getTime() / MS_PER_SECOND) : undefined;
};
