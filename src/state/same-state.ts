import type { VpnState } from './vpn-state.js';

/** Deep equality of JSON-like values; an absent key equals an undefined one. */
const jsonEqual = (a: unknown, b: unknown): boolean => {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const left = a as Readonly<Record<string, unknown>>;
  const right = b as Readonly<Record<string, unknown>>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) {
    if (!jsonEqual(left[key], right[key])) return false;
  }
  return true;
};

/**
 * True when two states say the same thing: equal in every field except `at`, which only
 * records which event produced the state. The engine uses it so that `vpnState$` never
 * repeats an unchanged state.
 */
export const sameState = (a: VpnState, b: VpnState): boolean => {
  if (a === b) return true;
  const { at: _atA, ...restA } = a;
  const { at: _atB, ...restB } = b;
  return jsonEqual(restA, restB);
};
