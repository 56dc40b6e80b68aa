import type { Traffic } from '../../src/state/traffic.js';
import { leftoversOf } from '../../test/integration/scale/support/leftovers.js';
import { mb, slope, type HeapSamples } from './measure.js';
import type { Report } from './report.js';

/** Flat: less than this growth per minute, by least squares over the samples. */
const HEAP_SLOPE_TARGET_BYTES_PER_MIN = 256 * 1024;

/** Judges what the tunnels of `appId` left behind `when` they were stopped: nothing, or a fail. */
export function judgeLeftovers(report: Report, appId: string, when: string): void {
  const left = leftoversOf(appId);
  report.judge(
    `left behind ${when} (openvpn, runtime dirs, sockets)`,
    `${left.openvpnPids.length}, ${left.runtimeDirs.length}, ${left.sockets.length}`,
    '0, 0, 0',
    left.openvpnPids.length + left.runtimeDirs.length + left.sockets.length === 0,
  );
}

/** Judges that a connected tunnel's phases since `from` are none, and it is still connected. */
export function judgeNoStateChange(
  report: Report,
  what: string,
  phases: readonly string[],
  from: number,
): void {
  const changes = phases.slice(from);
  report.judge(
    what,
    changes.length === 0 ? 'none' : changes.join(' -> '),
    'stays connected',
    changes.length === 0 && phases.at(-1) === 'connected',
  );
}

/** Judges that both traffic counters grew between two totals. */
export function judgeTrafficGrew(
  report: Report,
  what: string,
  before: Traffic,
  after: Traffic | undefined,
): void {
  const inGrew = (after?.bytesIn ?? 0) - before.bytesIn;
  const outGrew = (after?.bytesOut ?? 0) - before.bytesOut;
  report.judge(
    `${what} (in, out)`,
    `+${inGrew} B, +${outGrew} B`,
    'both increase',
    inGrew > 0 && outGrew > 0,
  );
}

/** Judges the least-squares slope of `samples` against the flat-heap target. */
export function judgeHeapSlope(report: Report, what: string, samples: HeapSamples): void {
  const { minutes, bytes } = samples;
  const perMin = slope(minutes, bytes);
  report.judge(
    `${what} (first ${mb(bytes[0] ?? 0)}, last ${mb(bytes.at(-1) ?? 0)})`,
    `${mb(perMin)}/min`,
    `< ${mb(HEAP_SLOPE_TARGET_BYTES_PER_MIN)}/min`,
    perMin < HEAP_SLOPE_TARGET_BYTES_PER_MIN,
  );
}
