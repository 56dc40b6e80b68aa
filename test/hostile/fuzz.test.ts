import { describe, expect, it } from '@jest/globals';
import { runTarget } from '../../bench/fuzz/run-target.js';
import { FUZZ_TARGETS } from '../../bench/fuzz/targets.js';

/** The full run (bench/fuzz/run.sh) does 1,000,000 per target; this keeps `npm test` quick. */
const INPUTS_PER_TARGET = 20_000;
/** Far above any real input (well under 1 ms), low enough to catch a hang or a blow-up. */
const MAX_INPUT_MS = 1_000;
const SEED = 20_261_203;
const TEST_TIMEOUT_MS = 120_000;

describe('the management codec under generated hostile input', () => {
  it.each(FUZZ_TARGETS.map((target, index) => [target.name, target, index] as const))(
    '%s never throws, never hangs and keeps its promises',
    (_name, target, index) => {
      const report = runTarget(target, INPUTS_PER_TARGET, SEED + index);
      expect(report.throws).toEqual([]);
      expect(report.violations).toEqual([]);
      expect(report.inputs).toBe(INPUTS_PER_TARGET);
      expect(report.slowestInputMs).toBeLessThan(MAX_INPUT_MS);
    },
    TEST_TIMEOUT_MS,
  );
});
