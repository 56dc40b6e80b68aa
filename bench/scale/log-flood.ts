import { firstValueFrom } from 'rxjs';
import type { LabServer } from '../../test/integration/lab/lab.js';
import type { Traffic } from '../../src/state/traffic.js';
import { Fleet, connected } from '../../test/integration/scale/support/fleet.js';
import { profileOf } from '../../test/integration/scale/support/profile.js';
import { load, mb, sampleHeap } from './measure.js';
import type { Report } from './report.js';
import {
  judgeHeapSlope,
  judgeLeftovers,
  judgeNoStateChange,
  judgeTrafficGrew,
} from './verdicts.js';

/** What the log-flood part needs. */
export interface LogFloodOptions {
  readonly server: LabServer;
  readonly appId: string;
  readonly durationS: number;
  readonly verb: number;
}

/**
 * One connected tunnel with a very verbose log, over management and stdout: heap over time,
 * state, traffic, log lines.
 */
export async function logFlood(options: LogFloodOptions, report: Report): Promise<void> {
  const fleet = new Fleet(options.appId);
  try {
    // With the log over management too: at verb 9 each line sent there wakes openvpn again,
    // which is what makes the flood (stdout alone stays quiet on an idle tunnel).
    const tunnel = fleet.start(profileOf(options.server.clientConfig([`verb ${options.verb}`])), {
      managementLog: true,
    });
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

    const started = performance.now();
    const linesAtStart = lines;
    const heap = await sampleHeap(
      options.durationS,
      (line) => report.line(line),
      () => `lines ${lines - linesAtStart}`,
    );
    const elapsedS = (performance.now() - started) / 1000;
    const flooded = lines - linesAtStart;
    report.line(
      `log$: ${flooded} lines in ${elapsedS.toFixed(0)} s (${(flooded / elapsedS).toFixed(0)}/s, ` +
        `${mb(bytes)} of text in total) at verb ${options.verb}`,
    );
    report.line(`load at the end of the flood: ${load()}`);
    judgeHeapSlope(report, `heap slope over ${options.durationS} s`, heap);
    judgeNoStateChange(report, 'state changes during the flood', phases, phasesAtConnect);
    judgeTrafficGrew(report, 'traffic counters during the flood', trafficAtConnect, traffic);
    report.judge('log$ delivered lines', String(flooded), '> 0', flooded > 0);

    await fleet.stopAll();
    judgeLeftovers(report, options.appId, 'after the stop');
  } finally {
    await fleet.stopAll();
  }
}
