import type { StateEntry } from '../management/parsers/index.js';
import type { OpenvpnStateChanged } from '../state/engine-event.js';
import { stateChanged } from './management-driver.js';

// What identifies a state entry: everything openvpn printed, not when the engine saw it.
const keyOf = (event: OpenvpnStateChanged): string => {
  const { at: _at, ...printed } = event;
  return JSON.stringify(printed, Object.keys(printed).sort());
};

/**
 * The entries of a `state on all` history that a consumer who last saw `lastSeen` has missed,
 * oldest first: those after the last entry equal to it. With nothing seen yet, only the current
 * (last) entry, since older ones describe the past. When `lastSeen` has aged out of openvpn's
 * history, the entries stamped later than it, or the current one if none is.
 */
export function missedStates(
  history: readonly StateEntry[],
  lastSeen: OpenvpnStateChanged | undefined,
): readonly StateEntry[] {
  const current = history.at(-1);
  if (current === undefined) return [];
  if (lastSeen === undefined) return [current];
  const seenKey = keyOf(lastSeen);
  const keys = history.map((entry) => keyOf(stateChanged(entry, 0)));
  const at = keys.lastIndexOf(seenKey);
  if (at >= 0) return history.slice(at + 1);
  const later = history.filter((entry) => entry.time > lastSeen.time);
  return later.length > 0 ? later : [current];
}
