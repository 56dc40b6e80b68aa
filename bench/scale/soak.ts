import type { LabServer } from '../../test/integration/lab/lab.js';
import { Fleet, connected } from '../../test/integration/scale/support/fleet.js';
import { openFdCount } from '../../test/integration/scale/support/leftovers.js';
import { profileOf } from '../../test/integration/scale/support/profile.js';
import { load, mb, ms, settledHeapBytes } from './measure.js';
import type { Report } from './report.js';
import { judgeLeftovers } from './verdicts.js';

const HEAP_GROWTH_TARGET_BYTES = 5 * 1024 * 1024;
const PROGRESS_EVERY_CYCLES = 100;

/** What the soak part needs. */
export interface SoakOptions {
  readonly server: LabServer;
  readonly appId: string;
  readonly cycles: number;
  /** Stop early once this much time has gone by, and say so. */
  readonly budgetS: number;
}

/** Connect/stop cycles in one process; then leftovers, descriptors and heap against the start. */
export async function soak(options: SoakOptions, report: Report): Promise<void> {
  const fleet = new Fleet(options.appId);
  const profile = profileOf(options.server.clientConfig());
  const cycle = async (): Promise<void> => {
    const tunnel = fleet.start(profile);
    await connected(tunnel);
    const final = await fleet.stop(tunnel);
    if (final.phase !== 'stopped') throw new Error(`cycle ended ${JSON.stringify(final)}`);
  };
  try {
    await cycle();
    const fdsBefore = openFdCount();
    const heapBefore = await settledHeapBytes();
    const outputBefore = options.server.output().length;
    report.line(`load before the soak: ${load()}`);
    const started = performance.now();
    const deadline = started + options.budgetS * 1000;
    let done = 0;
    while (done < options.cycles && performance.now() < deadline) {
      await cycle();
      done += 1;
      if (done % PROGRESS_EVERY_CYCLES === 0) {
        const elapsedS = (performance.now() - started) / 1000;
        report.line(`  ${done} cycles, ${(done / elapsedS).toFixed(1)}/s, fds ${openFdCount()}`);
      }
    }
    const elapsedMs = performance.now() - started;
    report.line(
      `${done} of ${options.cycles} cycles in ${ms(elapsedMs)} ` +
        `(${(done / (elapsedMs / 1000)).toFixed(1)} cycles/s, ${ms(elapsedMs / done)} each)` +
        (done < options.cycles ? `: stopped by the ${options.budgetS} s budget` : ''),
    );
    report.line(`load at the end of the soak: ${load()}`);

    judgeLeftovers(report, options.appId, 'after the soak');
    const fdsAfter = openFdCount();
    report.judge(
      'open descriptors, before -> after',
      `${fdsBefore} -> ${fdsAfter}`,
      'no growth',
      fdsAfter <= fdsBefore,
    );
    const heapAfter = await settledHeapBytes();
    const labBytes = options.server.output().length - outputBefore;
    const growth = heapAfter - heapBefore - labBytes;
    report.line(
      `heap: before ${mb(heapBefore)}, after ${mb(heapAfter)}, ` +
        `lab server output ${mb(labBytes)} subtracted`,
    );
    report.judge(
      'heap growth over the soak',
      mb(growth),
      `within ${mb(HEAP_GROWTH_TARGET_BYTES)}`,
      Math.abs(growth) <= HEAP_GROWTH_TARGET_BYTES,
    );
  } finally {
    await fleet.stopAll();
  }
}
