import { firstValueFrom } from 'rxjs';
import type { LabServer } from '../../test/integration/lab/lab.js';
import type { Traffic } from '../../src/state/traffic.js';
import { Fleet, connected } from '../../test/integration/scale/support/fleet.js';
import { profileOf } from '../../test/integration/scale/support/profile.js';
import { load, mb, settledHeapBytes, sleep, slope } from './measure.js';
import type { Report } from './report.js';
import { judgeLeftovers, judgeNoStateChange, judgeTrafficGrew } from './verdicts.js';

const SAMPLE_EVERY_MS = 5_000;
/** Flat: less than this growth per minute, by least squares over the samples. */
const HEAP_SLOPE_TARGET_BYTES_PER_MIN = 256 * 1024;
const MS_PER_MIN = 60_000;

/** What the log-flood part needs. */
export interface LogFloodOptions {
  readonly server: LabServer;
  readonly appId: string;
  readonly durationS: number;
  readonly verb: number;
}

/** One connected tunnel with a very verbose log: heap over time, state, traffic, log lines. */
export async function logFlood(options: LogFloodOptions, report: Report): Promise<void> {
  const fleet = new Fleet(options.appId);
  try {
    const tunnel = fleet.start(profileOf(options.server.clientConfig([`verb ${options.verb}`])));
    let lines = 0;
    let bytes = 0;
    tunnel.log$.subscribe((record) => {
      lines += 1;
      bytes += record.text.length;
    });
    const phases: string[] = [];
    tunnel.state$.subscribe((state) => phases.push(state.phase));
    let traffic: Traffic | undefined;
    tunnel.traffic$.subscribe((latest) => (traffic = latest));
    await connected(tunnel);
    const phasesAtConnect = phases.length;
    const trafficAtConnect = await firstValueFrom(tunnel.traffic$);
    report.line(`load before the flood: ${load()}`);

    const times: number[] = [];
    const heaps: number[] = [];
    const started = performance.now();
    const linesAtStart = lines;
    for (let at = 0; at <= options.durationS * 1000; at += SAMPLE_EVERY_MS) {
      if (at > 0) await sleep(started + at - performance.now());
      heaps.push(await settledHeapBytes());
      times.push((performance.now() - started) / MS_PER_MIN);
      report.line(
        `  t=${((performance.now() - started) / 1000).toFixed(0)} s heap ${mb(heaps.at(-1) ?? 0)}` +
          ` lines ${lines - linesAtStart}`,
      );
    }
    const elapsedS = (performance.now() - started) / 1000;
    const flooded = lines - linesAtStart;
    report.line(
      `log$: ${flooded} lines in ${elapsedS.toFixed(0)} s (${(flooded / elapsedS).toFixed(0)}/s, ` +
        `${mb(bytes)} of text in total) at verb ${options.verb}`,
    );
    report.line(`load at the end of the flood: ${load()}`);
    const perMin = slope(times, heaps);
    report.judge(
      `heap slope over ${options.durationS} s (first ${mb(heaps[0] ?? 0)}, last ${mb(heaps.at(-1) ?? 0)})`,
      `${mb(perMin)}/min`,
      `< ${mb(HEAP_SLOPE_TARGET_BYTES_PER_MIN)}/min`,
      perMin < HEAP_SLOPE_TARGET_BYTES_PER_MIN,
    );
    judgeNoStateChange(report, 'state changes during the flood', phases, phasesAtConnect);
    judgeTrafficGrew(report, 'traffic counters during the flood', trafficAtConnect, traffic);
    report.judge('log$ delivered lines', String(flooded), '> 0', flooded > 0);

    await fleet.stopAll();
    judgeLeftovers(report, options.appId, 'after the stop');
  } finally {
    await fleet.stopAll();
  }
}
