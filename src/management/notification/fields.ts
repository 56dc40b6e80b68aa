/** Splits `text` at the first `limit - 1` separators; the last field keeps any further ones. */
export const splitFields = (text: string, separator: string, limit: number): string[] => {
  const fields: string[] = [];
  let from = 0;
  while (fields.length < limit - 1) {
    const at = text.indexOf(separator, from);
    if (at === -1) break;
    fields.push(text.slice(from, at));
    from = at + separator.length;
  }
  fields.push(text.slice(from));
  return fields;
};

const MAX_UNSIGNED_DIGITS = 16;
const DIGIT_0 = 0x30;

/** A non-negative decimal integer as openvpn prints it (`%u`, `%lu`, counters), else undefined. */
export const parseUnsigned = (text: string | undefined): number | undefined => {
  if (text === undefined || text.length === 0 || text.length > MAX_UNSIGNED_DIGITS) {
    return undefined;
  }
  // A digit loop rather than a regular expression and Number(): every BYTECOUNT line has two
  // or three counters, the hottest path of a busy management stream.
  let value = 0;
  for (let index = 0; index < text.length; index += 1) {
    const digit = text.charCodeAt(index) - DIGIT_0;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  // Up to 15 digits the sum is exact; 16 can pass 2^53, where Number() rounds as JavaScript does.
  return text.length < MAX_UNSIGNED_DIGITS ? value : Number(text);
};

/** Empty optional fields (`,,`) become undefined. */
export const optional = (text: string | undefined): string | undefined =>
  text === undefined || text === '' ? undefined : text;
