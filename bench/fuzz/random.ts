/** A seeded pseudo-random source: the same seed gives the same inputs, so findings replay. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both ends included. */
  int(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly [T, ...T[]]): T;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** `length` random bytes. */
  bytes(length: number): Buffer;
}

const UINT32_RANGE = 2 ** 32;

/** SFC32 seeded through a splitmix step; fast, and plenty for generating test input. */
export const createRandom = (seed: number): Random => {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const step = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Discard the first outputs: they still show the constant start state.
  for (let i = 0; i < 16; i += 1) step();
  const next = (): number => step() / UINT32_RANGE;
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: (items) => items[int(0, items.length - 1)] ?? items[0],
    chance: (p) => next() < p,
    bytes: (length) => {
      const out = Buffer.allocUnsafe(length);
      for (let i = 0; i < length; i += 1) out[i] = step() & 0xff;
      return out;
    },
  };
};
