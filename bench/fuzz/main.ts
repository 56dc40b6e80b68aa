/**
 * Fuzzes the management codec: framing decoder, notification parser and assembler, reply
 * collector and command encoder, each with generated hostile input. Exits 1 on any finding.
 * Options: --inputs 1000000 (per target), --seed 1, --max-input-ms 500 (the "no hang" bound).
 */
import { parseArgs } from 'node:util';
import { runTarget, type TargetReport } from './run-target.js';
import { FUZZ_TARGETS } from './targets.js';

const { values } = parseArgs({
  options: {
    inputs: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '1' },
    'max-input-ms': { type: 'string', default: '500' },
  },
});
const inputs = Number(values.inputs);
const seed = Number(values.seed);
const maxInputMs = Number(values['max-input-ms']);

const findings = (report: TargetReport): string[] => [
  ...report.throws.map((text) => `threw: ${text}`),
  ...report.violations.map((v) => `broke "${v.property}" with ${v.input}`),
  ...(report.slowestInputMs > maxInputMs
    ? [`one input took ${report.slowestInputMs.toFixed(1)} ms (bound ${maxInputMs} ms)`]
    : []),
];

let failed = false;
process.stdout.write(`fuzz: ${inputs} inputs per target, seed ${seed}\n`);
for (const [index, target] of FUZZ_TARGETS.entries()) {
  // A different seed per target, so adding a target does not change the others' inputs.
  const report = runTarget(target, inputs, seed * 7919 + index);
  const found = findings(report);
  failed ||= found.length > 0;
  process.stdout.write(
    `${report.name.padEnd(34)} ${String(report.inputs).padStart(9)} inputs ` +
      `${(report.elapsedMs / 1000).toFixed(1).padStart(6)} s  ` +
      `slowest ${report.slowestInputMs.toFixed(2).padStart(7)} ms  ` +
      `${found.length === 0 ? 'ok' : `${found.length} finding(s)`}\n`,
  );
  for (const line of found) process.stdout.write(`  ${line}\n`);
}
process.exitCode = failed ? 1 : 0;
