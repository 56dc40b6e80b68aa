import * as t from 'io-ts';

// Intersections and unions add positional keys ("0", "1") that mean nothing to the reader.
const isCombinator = (type: t.Decoder<unknown, unknown>): boolean =>
  type instanceof t.IntersectionType || type instanceof t.UnionType;

function pathOf(context: t.Context): string {
  const keys: string[] = [];
  context.forEach((entry, index) => {
    const parent = index > 0 ? context[index - 1] : undefined;
    if (entry.key === '' || (parent !== undefined && isCombinator(parent.type))) return;
    keys.push(entry.key);
  });
  return keys.length === 0 ? '(root)' : keys.join('.');
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (value === undefined) return 'nothing';
  if (typeof value === 'object')
    return value === null ? 'null' : Array.isArray(value) ? 'a list' : 'an object';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `a ${typeof value}`;
}

/**
 * One line per decoding failure: where, what was expected, what was found. String values are
 * described, never printed, so a secret passed in the wrong field does not reach a log.
 */
export function decodeErrorLines(errors: t.Errors): readonly string[] {
  const lines = errors.map((error) => {
    const last = error.context.at(-1);
    const expected = error.message ?? last?.type.name ?? 'a valid value';
    return `${pathOf(error.context)}: expected ${expected}, got ${describe(error.value)}`;
  });
  return [...new Set(lines)];
}
