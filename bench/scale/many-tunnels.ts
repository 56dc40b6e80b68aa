import { firstValueFrom } from 'rxjs';
import type { LabServer } from '../../test/integration/lab/lab.js';
import { Fleet, connected } from '../../test/integration/scale/support/fleet.js';
import { profileOf } from '../../test/integration/scale/support/profile.js';
import { coalescedTable } from './coalesced-table.js';
import { load, mb, ms, settledHeapBytes, sleep, withLag } from './measure.js';
import type { Report } from './report.js';
import { judgeLeftovers } from './verdicts.js';

const LAG_P99_TARGET_MS = 20;
const HEAP_PER_TUNNEL_TARGET_BYTES = 2 * 1024 * 1024;
const BASELINE_S = 5;

/** What the many-tunnels part needs. */
export interface ManyTunnelsOptions {
  readonly server: LabServer;
  readonly appId: string;
  readonly tunnels: number;
  readonly connectedS: number;
  /** Try {@link coalescedTable}: one `ps` run shared by concurrent starts. */
  readonly coalesceList: boolean;
}

/**
 * N tunnels in this process against one server: event-loop lag while they all connect and
 * while they stay connected, and the engine's heap per tunnel.
 */
export async function manyTunnels(options: ManyTunnelsOptions, report: Report): Promise<void> {
  const { server, tunnels: count } = options;
  const fleet = new Fleet(options.appId, options.coalesceList ? coalescedTable : undefined);
  if (options.coalesceList) report.line('experiment: concurrent starts share one process listing');
  const profile = profileOf(server.clientConfig());
  try {
    // One tunnel first: module initialisation and lazily built caches are not per tunnel.
    const warmup = fleet.start(profile);
    await connected(warmup);
    await fleet.stop(warmup);

    // The same loop with no tunnel: what the machine's load alone costs.
    const baseline = await withLag(() => sleep(BASELINE_S * 1000));
    report.line(
      `event-loop lag with no tunnel over ${BASELINE_S} s: p50 ${ms(baseline.lag.p50Ms)}, ` +
        `p99 ${ms(baseline.lag.p99Ms)}, max ${ms(baseline.lag.maxMs)}`,
    );
    const heapBefore = await settledHeapBytes();
    const outputBefore = server.output().length;
    report.line(`load before connect-all: ${load()}`);
    const connect = await withLag(async () => {
      const started = performance.now();
      const tunnels = Array.from({ length: count }, () => fleet.start(profile));
      await Promise.all(tunnels.map((tunnel) => connected(tunnel)));
      return { tunnels, elapsedMs: performance.now() - started };
    });
    const { tunnels } = connect.result;
    report.line(`${count} tunnels connected in ${ms(connect.result.elapsedMs)}`);
    report.judge(
      `event-loop lag p99 during connect-all (p50 ${ms(connect.lag.p50Ms)}, max ${ms(connect.lag.maxMs)})`,
      ms(connect.lag.p99Ms),
      `< ${LAG_P99_TARGET_MS} ms`,
      connect.lag.p99Ms < LAG_P99_TARGET_MS,
    );

    const heapConnected = await settledHeapBytes();
    // The lab keeps the server's output in this process: not the engine's memory.
    const labBytes = server.output().length - outputBefore;
    const perTunnel = (heapConnected - heapBefore - labBytes) / count;
    report.line(
      `heap: before ${mb(heapBefore)}, all connected ${mb(heapConnected)}, ` +
        `lab server output ${mb(labBytes)} subtracted`,
    );
    report.judge(
      'engine heap per connected tunnel',
      mb(perTunnel),
      `< ${mb(HEAP_PER_TUNNEL_TARGET_BYTES)}`,
      perTunnel < HEAP_PER_TUNNEL_TARGET_BYTES,
    );

    report.line(`load before ${options.connectedS} s connected: ${load()}`);
    const idle = await withLag(() => sleep(options.connectedS * 1000));
    report.judge(
      `event-loop lag p99 over ${options.connectedS} s connected (p50 ${ms(idle.lag.p50Ms)}, max ${ms(idle.lag.maxMs)})`,
      ms(idle.lag.p99Ms),
      `< ${LAG_P99_TARGET_MS} ms`,
      idle.lag.p99Ms < LAG_P99_TARGET_MS,
    );
    // state$ replays the latest state: the first value is the current one.
    const phases = await Promise.all(
      tunnels.map(async (tunnel) => (await firstValueFrom(tunnel.state$)).phase),
    );
    const stillUp = phases.filter((phase) => phase === 'connected').length;
    report.line(`still connected after ${options.connectedS} s: ${stillUp}/${count}`);
    report.line(`load at the end: ${load()}`);

    const stop = await withLag(async () => {
      const started = performance.now();
      await fleet.stopAll();
      return performance.now() - started;
    });
    report.line(`stop-all took ${ms(stop.result)}, lag p99 ${ms(stop.lag.p99Ms)}`);
    report.line(`heap after stop-all: ${mb(await settledHeapBytes())}`);
    judgeLeftovers(report, options.appId, 'after stop-all');
  } finally {
    await fleet.stopAll();
  }
}
