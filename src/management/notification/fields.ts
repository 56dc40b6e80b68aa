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

const UNSIGNED_INTEGER = /^\d{1,16}$/;

/** A non-negative decimal integer as openvpn prints it (`%u`, `%lu`, counters), else undefined. */
export const parseUnsigned = (text: string | undefined): number | undefined =>
  text !== undefined && UNSIGNED_INTEGER.test(text) ? Number(text) : undefined;

/** Empty optional fields (`,,`) become undefined. */
export const optional = (text: string | undefined): string | undefined =>
  text === undefined || text === '' ? undefined : text;
