import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import type { Lab } from '../../test/integration/lab/lab.js';
import { parseOvpn } from '../../src/profile/parse-ovpn.js';
import { msBetween, sleep, stamp, within } from './clock.js';
import { BareOpenvpns } from './bare-openvpn.js';
import { EngineTunnels } from './engine-tunnels.js';

/** How the idle CPU part runs. */
export interface IdleOptions {
  readonly seconds: number;
  readonly appId: string;
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
  /** `>BYTECOUNT` samples the engine handled in the window (proves the 1 s updates ran). */
  readonly trafficSamples: number;
  /** Log records (`>LOG` and stdout) the engine handled in the window. */
  readonly logRecords: number;
}

const CONNECT_TIMEOUT_MS = 20_000;
// Lets the start-up chatter (pushed options, key exchange logs) and the garbage and background
// compilation it leaves pass before the window: the window is for the steady state.
const SETTLE_MS = 5_000;
const LOG_POLL_MS = 20;
// USER_HZ: the unit of utime and stime in /proc/<pid>/stat (fixed at 100 on Linux).
const TICKS_PER_SECOND = 100;
const MS_PER_SECOND = 1000;
const US_PER_MS = 1000;
// proc(5): utime and stime are fields 14 and 15; fields are counted from the one after `(comm)`.
const UTIME_INDEX = 14 - 3;
const STIME_INDEX = 15 - 3;

/** CPU time of a process so far, in ms, from /proc/<pid>/stat. */
async function processCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // `(comm)` may hold spaces and parentheses itself: count the fields from the last `)`.
  const fields = stat
    .slice(stat.lastIndexOf(')') + 1)
    .trim()
    .split(/\s+/);
  const ticks = Number(fields[UTIME_INDEX]) + Number(fields[STIME_INDEX]);
  if (!Number.isFinite(ticks)) throw new Error(`no utime and stime in /proc/${pid}/stat: ${stat}`);
  return (ticks / TICKS_PER_SECOND) * MS_PER_SECOND;
}

// Collects the garbage of the start-up, so it is not charged to the idle window.
const collectGarbage = (): void => {
  const gc = globalThis.gc;
  if (gc === undefined) throw new Error('run node with --expose-gc (bench/engine/run.sh does)');
  gc();
};

const percentOf = (cpuMs: number, windowMs: number): number => (100 * cpuMs) / windowMs;

/**
 * CPU while connected and idle: one engine tunnel and one bare openvpn, both connected to a
 * loopback pull server, then nothing for `seconds`. The bare openvpn logs to a file, so this
 * process does no work for it.
 */
export async function measureIdleCpu(lab: Lab, options: IdleOptions): Promise<IdleResult> {
  const { signal } = options;
  const bares = new BareOpenvpns();
  const engines = new EngineTunnels(options.appId);
  try {
    const dir = await lab.tempDir();
    const server = await lab.server({ kind: 'pull' });
    const parsed = parseOvpn(server.clientConfig());
    if (parsed._tag === 'Left') throw new Error(parsed.left.message);
    const engine = engines.start(parsed.right);
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
    collectGarbage();

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
    await sleep(options.seconds * MS_PER_SECOND, signal);
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
      trafficSamples,
      logRecords,
    };
  } finally {
    await engines.stopAll();
    await bares.stopAll();
  }
}
