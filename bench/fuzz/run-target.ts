import { performance } from 'node:perf_hooks';
import type { FuzzTarget, Violation } from './fuzz-target.js';
import { createRandom } from './random.js';

/** What one target did over a run. */
export interface TargetReport {
  readonly name: string;
  readonly inputs: number;
  readonly elapsedMs: number;
  /** The slowest single input: the "no hang" bound is checked against it. */
  readonly slowestInputMs: number;
  readonly violations: readonly Violation[];
  /** Inputs that threw: the message and the input number, to replay with the same seed. */
  readonly throws: readonly string[];
}

/** Kept per target so a systematic bug does not fill the report. */
const MAX_KEPT_FINDINGS = 5;

/**
 * Runs `inputs` generated inputs through `target` with its own seeded source, timing each one.
 * A throw is a finding, not the end of the run.
 */
export const runTarget = (target: FuzzTarget, inputs: number, seed: number): TargetReport => {
  const random = createRandom(seed);
  const violations: Violation[] = [];
  const throws: string[] = [];
  let slowestInputMs = 0;
  const started = performance.now();
  for (let i = 0; i < inputs; i += 1) {
    const before = performance.now();
    try {
      const violation = target.runOne(random);
      if (violation !== undefined && violations.length < MAX_KEPT_FINDINGS) {
        violations.push(violation);
      }
    } catch (error) {
      if (throws.length < MAX_KEPT_FINDINGS) throws.push(`input ${i}: ${String(error)}`);
    }
    slowestInputMs = Math.max(slowestInputMs, performance.now() - before);
  }
  return {
    name: target.name,
    inputs,
    elapsedMs: performance.now() - started,
    slowestInputMs,
    violations,
    throws,
  };
};
