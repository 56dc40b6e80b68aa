import { once } from 'node:events';
import { createConnection } from 'node:net';
import { firstValueFrom } from 'rxjs';
import * as command from '../../src/management/command.js';
import type { ManagementSession } from '../../src/management/session.js';
import type { Traffic } from '../../src/state/traffic.js';
import type { Lab, LabServer } from '../../test/integration/lab/lab.js';
import { Fleet, connected } from '../../test/integration/scale/support/fleet.js';
import {
  attachedTo,
  floodableClient,
  sendJunk,
  udpPortOf,
} from '../../test/integration/scale/support/junk-udp.js';
import { profileOf } from '../../test/integration/scale/support/profile.js';
import { load, mb, ms, sampleHeap, sleep, type HeapSamples } from './measure.js';
import { processCpuMs } from '../proc-cpu.js';
import { describe, formatMs, summarize } from '../stats.js';
import type { Report } from './report.js';
import {
  judgeHeapSlope,
  judgeLeftovers,
  judgeNoStateChange,
  judgeTrafficGrew,
} from './verdicts.js';

const PID_GAP_MS = 20;
/** How long one `pid` may wait with the log over management before it counts as unanswered. */
const STARVED_PID_MS = 10_000;
/** Questions asked with the log over management: each unanswered one costs the whole wait. */
const STARVED_PID_QUERIES = 5;
const REJECTED = /Incoming packet rejected/;
const PID_ANSWER = 'SUCCESS: pid=';

/** What the junk-flood part needs. */
export interface JunkFloodOptions {
  readonly lab: Lab;
  /** Extra server lines (the part adds a long keepalive of its own). */
  readonly serverExtra: readonly string[];
  readonly appId: string;
  readonly durationS: number;
  readonly pidQueries: number;
}

/**
 * Junk UDP at a client: openvpn logs one "Incoming packet rejected" line per datagram. First an
 * engine tunnel under the flood (log rate, heap over time, state, traffic, the stop), then the
 * management session on its own against a bare point-to-point client under the same flood,
 * timing `pid` round trips against the same session without the flood: the engine holds the
 * only management link of its openvpn and sends no commands on request, so the session is
 * measured directly, with the notifications the engine turns on for an openvpn it spawned
 * (state, bytecount every second; the log comes from stdout).
 */
export async function junkFlood(options: JunkFloodOptions, report: Report): Promise<void> {
  // The junk fills the client's socket buffer and keepalives get lost with it; on the lab's
  // default 5 s ping-restart openvpn restarts and, with nobind, comes back on a new port the
  // junk no longer reaches. A ping-restart longer than the flood keeps the flood on.
  const server = await options.lab.server({
    kind: 'pull',
    extra: [...options.serverExtra, `keepalive 10 ${String(options.durationS * 2 + 60)}`],
  });
  await engineUnderFlood(server, options, report);
  const p2p = await options.lab.server({
    kind: 'p2p',
    extra: [...options.serverExtra, `keepalive 10 ${String(options.durationS * 2 + 60)}`],
  });
  await pidUnderFlood(p2p, options, report);
}

async function engineUnderFlood(
  server: LabServer,
  options: JunkFloodOptions,
  report: Report,
): Promise<void> {
  const fleet = new Fleet(options.appId);
  try {
    const tunnel = fleet.start(profileOf(server.clientConfig()));
    let lines = 0;
    let rejected = 0;
    tunnel.log$.subscribe((record) => {
      lines += 1;
      if (REJECTED.test(record.text)) rejected += 1;
    });
    const phases: string[] = [];
    tunnel.state$.subscribe((state) => {
      phases.push(state.phase === 'reconnecting' ? `reconnecting(${state.reason})` : state.phase);
    });
    let traffic: Traffic | undefined;
    tunnel.traffic$.subscribe((latest) => (traffic = latest));
    await connected(tunnel);
    const phasesAtConnect = phases.length;
    const trafficAtConnect = await firstValueFrom(tunnel.traffic$);
    const pid = await firstValueFrom(tunnel.pid$);
    report.line(`engine tunnel under junk UDP (openvpn ${pid}); load before: ${load()}`);

    const sender = sendJunk(udpPortOf(pid));
    const started = performance.now();
    const cpu = cpuMeter(pid);
    let sent = 0;
    let heap: HeapSamples;
    try {
      heap = await sampleHeap(
        options.durationS,
        (line) => report.line(line),
        () => `log records ${lines}`,
      );
    } finally {
      sent = await sender.stop();
    }
    report.line(`  ${await cpu.read()}`);
    const elapsedS = (performance.now() - started) / 1000;
    report.line(
      `  junk datagrams sent ${sent}; log$ records ${lines} (${(lines / elapsedS).toFixed(0)}/s), ` +
        `of them rejected-packet lines ${rejected}; load at the end: ${load()}`,
    );
    // The t=0 sample is taken before the first junk arrives; the socket and parser buffers a
    // flood fills once are a step, not growth, so the slope starts at the first flooded sample.
    const flooded = { minutes: heap.minutes.slice(1), bytes: heap.bytes.slice(1) };
    report.line(
      `  heap before the flood ${mb(heap.bytes[0] ?? 0)}; under it ` +
        `${mb(Math.min(...flooded.bytes))} to ${mb(Math.max(...flooded.bytes))}`,
    );
    judgeHeapSlope(report, 'heap slope under the junk flood', flooded);
    judgeNoStateChange(report, 'state changes under the flood', phases, phasesAtConnect);
    // openvpn counts every datagram it reads, junk included, in the link bytes it reports.
    judgeTrafficGrew(report, 'traffic counters during the flood', trafficAtConnect, traffic);
    const stopStarted = performance.now();
    await fleet.stopAll();
    report.line(`  stop after the flood took ${ms(performance.now() - stopStarted)}`);
    judgeLeftovers(report, options.appId, 'after the stop');
  } finally {
    await fleet.stopAll();
  }
}

async function pidUnderFlood(
  server: LabServer,
  options: JunkFloodOptions,
  report: Report,
): Promise<void> {
  const { openvpn: client, session, socketPath } = await floodableClient(options.lab, server);
  let bare: BareReader | undefined;
  let logging: ManagementSession | undefined;
  try {
    let bytesIn = 0;
    session.notification$.subscribe((n) => {
      if (n.type === 'bytecount') bytesIn = n.bytesIn;
    });
    const ask = (): Promise<unknown> => firstValueFrom(session.send(command.pid()));

    const quiet = await roundTrips(ask, options.pidQueries);
    report.line(`pid round trips, bare client ${client.pid}, no flood: ${summary(quiet)}`);
    const bytesBefore = bytesIn;
    const flooded = await underJunk(client.pid, report, () => roundTrips(ask, options.pidQueries));
    report.line(
      `pid round trips under the flood: ${summary(flooded)}; link bytes read meanwhile ` +
        `${mb(bytesIn - bytesBefore)} (junk included)`,
    );
    report.judge(
      'pid answered every time under the flood',
      String(flooded.length),
      `${options.pidQueries}`,
      flooded.length === options.pidQueries,
    );

    // The same questions from a reader that only looks for the answer in the bytes: what
    // openvpn itself takes to answer under the flood, without rx-openvpn's parsing.
    session.close();
    bare = await bareReader(socketPath, 'state on\nbytecount 1\n');
    const bareAsk = bare.pid;
    const bareFlooded = await underJunk(client.pid, report, () =>
      roundTrips(bareAsk, options.pidQueries),
    );
    report.line(`pid round trips under the flood, bare socket reader: ${summary(bareFlooded)}`);
    report.line(
      `  pid p99 under the flood: rx-openvpn ${formatMs(summarize(flooded).p99)}, bare reader ` +
        `${formatMs(summarize(bareFlooded).p99)} (quiet: ${formatMs(summarize(quiet).p99)})`,
    );

    // Why the engine keeps openvpn's log off the management link by default: with `log on`,
    // openvpn queues every junk line for the management client, and reads no command while
    // anything is queued; whether the queue ever empties depends on how fast the client reads.
    bare.close();
    bare = undefined;
    logging = await attachedTo(socketPath);
    const withLog = logging;
    await firstValueFrom(withLog.send(command.logRealtime(true)));
    await firstValueFrom(withLog.send(command.bytecount(1)));
    const starved = await underJunk(client.pid, report, () =>
      answeredWithin(
        () => firstValueFrom(withLog.send(command.pid())),
        STARVED_PID_QUERIES,
        STARVED_PID_MS,
      ),
    );
    report.line(
      `  rx-openvpn session with the log over management too (log on): ${starved.length} of ` +
        `${STARVED_PID_QUERIES} pid answered within ${formatMs(STARVED_PID_MS)} each` +
        (starved.length === 0 ? '' : ` (${starved.map(formatMs).join(', ')})`),
    );
  } finally {
    session.close();
    bare?.close();
    logging?.close();
    await client.stop();
  }
}

/** Runs `measure` with junk flooding openvpn `pid` (from 1 s before), with its CPU reported. */
async function underJunk<T>(pid: number, report: Report, measure: () => Promise<T>): Promise<T> {
  const sender = sendJunk(udpPortOf(pid));
  const cpu = cpuMeter(pid);
  try {
    await sleep(1_000);
    return await measure();
  } finally {
    await sender.stop();
    report.line(`  ${await cpu.read()}`);
  }
}

/** A management client that only writes commands and looks for `SUCCESS: pid=` in the bytes. */
interface BareReader {
  readonly pid: () => Promise<void>;
  readonly close: () => void;
}

async function bareReader(socketPath: string, setup: string): Promise<BareReader> {
  const socket = createConnection(socketPath);
  await once(socket, 'connect');
  let tail = '';
  let waiting: (() => void) | undefined;
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    // Keep enough of the previous chunk for an answer cut in two.
    const text = tail + chunk;
    tail = text.slice(-PID_ANSWER.length);
    if (waiting !== undefined && text.includes(PID_ANSWER)) {
      const done = waiting;
      waiting = undefined;
      tail = '';
      done();
    }
  });
  socket.write(setup);
  return {
    pid: () =>
      new Promise<void>((resolve) => {
        waiting = resolve;
        socket.write('pid\n');
      }),
    close: () => socket.destroy(),
  };
}

/**
 * Asks up to `count` times, each ask given `waitMs`, and resolves with the round trips of those
 * answered before the first that was not (no later ask is made: its answer could be the late
 * one's).
 */
async function answeredWithin(
  ask: () => Promise<unknown>,
  count: number,
  waitMs: number,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const sentAt = performance.now();
    const outcome = await Promise.race([ask().then(() => 'answered'), sleep(waitMs)]);
    if (outcome !== 'answered') break;
    times.push(performance.now() - sentAt);
    await sleep(PID_GAP_MS);
  }
  return times;
}

async function roundTrips(ask: () => Promise<unknown>, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const sentAt = performance.now();
    await ask();
    times.push(performance.now() - sentAt);
    await sleep(PID_GAP_MS);
  }
  return times;
}

/** `median …, p99 …, N …` and the maximum, the tail a flood makes. */
const summary = (values: readonly number[]): string => {
  const figures = summarize(values);
  return `${describe(figures)}, max ${formatMs(figures.max)}`;
};

/**
 * CPU used from now on by this Node process and by openvpn `pid`, as shares of one core: which
 * of the two a flood saturates.
 */
function cpuMeter(pid: number): { read: () => Promise<string> } {
  const startedAt = performance.now();
  const nodeBefore = process.cpuUsage();
  const openvpnBefore = processCpuMs(pid);
  return {
    read: async () => {
      const wallMs = performance.now() - startedAt;
      const node = process.cpuUsage(nodeBefore);
      const openvpnMs = (await processCpuMs(pid)) - (await openvpnBefore);
      const share = (ms: number): string => `${((ms / wallMs) * 100).toFixed(0)}%`;
      return (
        `CPU over ${(wallMs / 1000).toFixed(0)} s, as a share of one core: this Node process ` +
        `${share((node.user + node.system) / 1000)}, openvpn ${share(openvpnMs)}`
      );
    },
  };
}
