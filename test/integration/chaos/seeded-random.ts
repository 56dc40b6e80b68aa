/** The seed used when `CHAOS_SEED` is not set: runs are reproducible by default. */
export const DEFAULT_CHAOS_SEED = 20_240_611;

/** The chaos seed: `CHAOS_SEED` from the environment when it is an integer, else the default. */
export function chaosSeed(): number {
  const raw = process.env['CHAOS_SEED'];
  const parsed = raw === undefined ? NaN : Number.parseInt(raw, 10);
  return Number.isSafeInteger(parsed) ? parsed : DEFAULT_CHAOS_SEED;
}

/** A small deterministic random source; the same seed gives the same sequence. */
export interface SeededRandom {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both ends included. */
  int(min: number, max: number): number;
  pick<T>(choices: readonly T[]): T;
}

/** A seeded generator (mulberry32: 32-bit state, good enough to shuffle test steps). */
export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 0x1_0000_0000;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    seed,
    next,
    int,
    pick: <T>(choices: readonly T[]): T => {
      const choice = choices[int(0, choices.length - 1)];
      if (choice === undefined) throw new Error('pick from an empty list');
      return choice;
    },
  };
}

/**
 * Runs `body`; a failure is rethrown with the seed in front, so the run can be replayed with
 * `CHAOS_SEED=<seed>`.
 */
export async function withSeed<T>(seed: number, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`chaos run failed; replay with CHAOS_SEED=${seed}\n${message}`, {
      cause: error,
    });
  }
}
