import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { firstValueFrom } from 'rxjs';
import type { Lab } from '../../test/integration/lab/lab.js';
import { parseOvpn } from '../../src/profile/parse-ovpn.js';
import { msBetween, sleep, stamp, within } from './clock.js';
import { BareOpenvpns } from './bare-openvpn.js';
import { EngineTunnels } from './engine-tunnels.js';
import { processCpuMs } from '../proc-cpu.js';

/** How the idle CPU part runs. */
export interface IdleOptions {
  readonly seconds: number;
  readonly appId: string;
  /** The engine's `status` poll interval; its default when undefined. */
  readonly statusPollMs: number | undefined;
  readonly signal: AbortSignal;
}

/** CPU used over one window, as a percentage of one core. */
export interface IdleResult {
  readonly windowMs: number;
  /** This Node process, running one connected engine tunnel. */
  readonly enginePercent: number;
  /** The engine's openvpn. */
  readonly engineOpenvpnPercent: number;
  /** A bare openvpn connected to the same server in the same window, for comparison. */
  readonly bareOpenvpnPercent: number;
  /** The engine process, per {@link SLICE_S} s slice of the window. */
  readonly slicePercents: readonly number[];
  /** `>BYTECOUNT` samples the engine handled in the window (proves the 1 s updates ran). */
  readonly trafficSamples: number;
  /** Log records (`>LOG` and stdout) the engine handled in the window. */
  readonly logRecords: number;
}

const CONNECT_TIMEOUT_MS = 20_000;
// Lets the start-up chatter (pushed options, key exchange logs) and the garbage and background
// compilation it leaves pass before the window: the window is for the steady state.
const SETTLE_MS = 5_000;
// V8's memory reducer answers a full collection with two or three more ("Mark-Compact (reduce)"
// with --trace-gc), 8 to 30 s later, then stays quiet while the process idles. That one-off
// burst (about 60 ms of CPU) belongs to the start-up, not to the idle cost.
const REDUCER_WAIT_MAX_MS = 40_000;
const REDUCER_TAIL_MS = 3_000;
const GC_POLL_MS = 100;
const LOG_POLL_MS = 20;
/** The idle window is also reported in slices this long. */
export const SLICE_S = 10;
const MS_PER_SECOND = 1000;
const US_PER_MS = 1000;

/**
 * Collects the garbage of the start-up, then waits for the memory reducer's follow-up
 * collections (or {@link REDUCER_WAIT_MAX_MS}), so neither is charged to the idle window.
 */
async function settleHeap(signal: AbortSignal): Promise<void> {
  const gc = globalThis.gc;
  if (gc === undefined) throw new Error('run node with --expose-gc (bench/engine/run.sh does)');
  let major = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      // A `gc` entry carries `detail.kind`; the base type does not declare it.
      const detail: unknown = 'detail' in entry ? entry.detail : undefined;
      const kind =
        typeof detail === 'object' && detail !== null && 'kind' in detail ? detail.kind : undefined;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) major += 1;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  try {
    gc();
    const deadline = Date.now() + REDUCER_WAIT_MAX_MS;
    // The forced collection is the first major one; the reducer's come after it.
    while (major < 2 && Date.now() < deadline) await sleep(GC_POLL_MS, signal);
    if (major >= 2) await sleep(REDUCER_TAIL_MS, signal);
  } finally {
    observer.disconnect();
  }
}

const percentOf = (cpuMs: number, windowMs: number): number => (100 * cpuMs) / windowMs;

/**
 * CPU while connected and idle: one engine tunnel and one bare openvpn, both connected to a
 * loopback pull server, then nothing for `seconds`. The bare openvpn logs to a file, so this
 * process does no work for it.
 */
export async function measureIdleCpu(lab: Lab, options: IdleOptions): Promise<IdleResult> {
  const { signal } = options;
  const bares = new BareOpenvpns();
  const engines = new EngineTunnels(options.appId, options.statusPollMs);
  try {
    const dir = await lab.tempDir();
    const server = await lab.server({ kind: 'pull' });
    const parsed = parseOvpn(server.clientConfig());
    if (parsed._tag === 'Left') throw new Error(parsed.left.message);
    const engine = engines.start(parsed.right);
    // The engine polls `status` only while the tunnel device's counters are read: with a poll
    // interval given, the window includes that poll, as for an application showing them.
    if (options.statusPollMs !== undefined) engine.tunnel.tunTraffic$.subscribe(() => undefined);
    await within(engine.connected, CONNECT_TIMEOUT_MS, 'the engine tunnel', signal);
    const enginePid = await firstValueFrom(engine.tunnel.pid$);

    const config = join(dir, 'client.conf');
    const log = join(dir, 'client.log');
    await writeFile(config, server.clientConfig(), { mode: 0o600 });
    const bare = await bares.start(['--config', config, '--log', log]);
    const deadline = Date.now() + CONNECT_TIMEOUT_MS;
    const logged = (): Promise<string> => readFile(log, 'utf8').catch(() => '');
    while (!/Initialization Sequence Completed/.test(await logged())) {
      if (Date.now() > deadline)
        throw new Error(`the bare openvpn did not connect:\n${await logged()}`);
      await sleep(LOG_POLL_MS, signal);
    }
    await sleep(SETTLE_MS, signal);
    await settleHeap(signal);

    let trafficSamples = 0;
    let logRecords = 0;
    const traffic = engine.tunnel.traffic$.subscribe(() => (trafficSamples += 1));
    const logs = engine.tunnel.log$.subscribe(() => (logRecords += 1));
    // traffic$ replays its latest value on subscription: that one is not from the window.
    trafficSamples = 0;
    const started = stamp();
    const cpuBefore = process.cpuUsage();
    const engineOpenvpnBefore = await processCpuMs(enginePid);
    const bareBefore = await processCpuMs(bare.pid);
    // The window in slices, to tell a steady cost from a one-off burst (a collection).
    const slicePercents: number[] = [];
    let sliceCpu = cpuBefore;
    let sliceStarted = started;
    for (let left = options.seconds; left > 0; left -= SLICE_S) {
      await sleep(Math.min(SLICE_S, left) * MS_PER_SECOND, signal);
      const sliceUsed = process.cpuUsage(sliceCpu);
      const now = stamp();
      slicePercents.push(
        percentOf((sliceUsed.user + sliceUsed.system) / US_PER_MS, msBetween(sliceStarted, now)),
      );
      sliceCpu = process.cpuUsage();
      sliceStarted = now;
    }
    const cpu = process.cpuUsage(cpuBefore);
    const engineOpenvpnMs = (await processCpuMs(enginePid)) - engineOpenvpnBefore;
    const bareMs = (await processCpuMs(bare.pid)) - bareBefore;
    const windowMs = msBetween(started, stamp());
    traffic.unsubscribe();
    logs.unsubscribe();
    return {
      windowMs,
      enginePercent: percentOf((cpu.user + cpu.system) / US_PER_MS, windowMs),
      engineOpenvpnPercent: percentOf(engineOpenvpnMs, windowMs),
      bareOpenvpnPercent: percentOf(bareMs, windowMs),
      slicePercents,
      trafficSamples,
      logRecords,
    };
  } finally {
    await engines.stopAll();
    await bares.stopAll();
  }
}
