const DIGIT_0 = 0x30;
// Up to 15 digits a decimal sum is exact; longer numbers take the general path.
const MAX_FAST_DIGITS = 15;

/** The decimal number in line[from, to), or -1 when it is not 1 to 15 plain digits. */
export const digitsAt = (line: string, from: number, to: number): number => {
  if (to <= from || to - from > MAX_FAST_DIGITS) return -1;
  let value = 0;
  for (let index = from; index < to; index += 1) {
    const digit = line.charCodeAt(index) - DIGIT_0;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
};
