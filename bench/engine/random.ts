const UINT32_RANGE = 2 ** 32;

/**
 * A seeded source of floats in [0, 1) (mulberry32), so every run picks the same "random"
 * moments for the polling baseline. Not for anything secret.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let bits = Math.imul(state ^ (state >>> 15), 1 | state);
    bits = (bits + Math.imul(bits ^ (bits >>> 7), 61 | bits)) ^ bits;
    return ((bits ^ (bits >>> 14)) >>> 0) / UINT32_RANGE;
  };
}
