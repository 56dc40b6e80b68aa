/**
 * The engine benchmark: state-change latency against a 1 s polling supervisor, connect and stop
 * times against bare openvpn, and CPU while idle. Run it with bench/engine/run.sh; see
 * bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Lab, OPENVPN_BIN } from '../../test/integration/lab/lab.js';
import { SLICE_S, measureIdleCpu, type IdleResult } from './idle-cpu.js';
import { seededRandom } from './random.js';
import { measureStateLatency, type LatencyResult } from './state-latency.js';
import { describe, differences, formatMs, summarize, tailOf, verdict } from '../stats.js';
import {
  measureTunnels,
  type EngineRun,
  type StartPhases,
  type TunnelResult,
} from './tunnel-runs.js';

const LATENCY_P99_TARGET_MS = 1;
const P2P_OVERHEAD_TARGET_MS = 30;
const PULL_OVERHEAD_TARGET_MS = 5;
const STOP_OVERHEAD_TARGET_MS = 30;
const IDLE_CPU_TARGET_PERCENT = 0.1;
const PARTS = ['latency', 'tunnels', 'cpu'] as const;
type Part = (typeof PARTS)[number];

const { values: options } = parseArgs({
  options: {
    parts: { type: 'string', default: PARTS.join(',') },
    samples: { type: 'string', default: '2000' },
    'poll-samples': { type: 'string', default: '30' },
    'spacing-ms': { type: 'string', default: '2' },
    warmup: { type: 'string', default: '200' },
    reps: { type: 'string', default: '30' },
    'idle-s': { type: 'string', default: '60' },
    seed: { type: 'string', default: '1' },
    'status-poll-ms': { type: 'string' },
  },
});

const integerOption = (name: keyof typeof options, min: number): number => {
  const value = Number(options[name]);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new Error(`--${name} wants an integer >= ${min}`);
  }
  return value;
};

const parts = options.parts.split(',').map((part) => {
  if (!(PARTS as readonly string[]).includes(part)) {
    throw new Error(`--parts takes a list of ${PARTS.join(', ')}; got ${part}`);
  }
  return part as Part;
});
const appId = `bench-engine-${process.pid}`;
const targets: string[] = [];

const judge = (what: string, value: string, met: boolean): void => {
  const line = `${what}: ${value}: ${verdict(met)}`;
  targets.push(line);
  console.log(`  target ${line}`);
};

const row = (label: string, samples: readonly number[]): void => {
  console.log(`  ${label.padEnd(60)} ${describe(summarize(samples))}`);
};

const median = (samples: readonly number[]): number => summarize(samples).median;

function printMachine(): void {
  const openvpn = execFileSync(OPENVPN_BIN, ['--version'], { encoding: 'utf8' }).split('\n')[0];
  const load = os.loadavg().map((value) => value.toFixed(2));
  console.log('rx-openvpn engine benchmark');
  console.log(
    `machine: nproc ${os.availableParallelism()} (${os.cpus()[0]?.model ?? 'unknown'}), ` +
      `node ${process.version}, ${openvpn ?? 'openvpn ?'}`,
  );
  console.log(`load average at start: ${load.join(' ')}`);
  console.log(`arguments: ${process.argv.slice(2).join(' ') || '(defaults)'}`);
}

function printLatency(result: LatencyResult): void {
  console.log('\n1. State-change latency: management line written -> seen');
  row('rx-openvpn: socket -> session -> driver -> VpnState', result.ours);
  row('bare socket reader: `data` event (same writes)', result.bareReader);
  row(
    'pipeline cost per write (the two above, paired)',
    differences(result.ours, result.bareReader),
  );
  row('baseline: 1 s polling supervisor (`state` + compare)', result.poller);
  console.log(`  stray state emissions: ${result.strayStates} (must be 0)`);
  const ours = summarize(result.ours);
  const ratio = median(result.poller) / ours.median;
  console.log(`  the poller is ${ratio.toFixed(0)}x slower at the median`);
  judge(
    `state latency p99 < ${LATENCY_P99_TARGET_MS} ms`,
    formatMs(ours.p99),
    ours.p99 < LATENCY_P99_TARGET_MS && result.strayStates === 0,
  );
}

const PHASE_LABELS: Readonly<Record<keyof StartPhases, string>> = {
  beforeOpenvpn: 'startTunnel -> spawn returned (all of the below up to it)',
  beforeProcessList: 'start -> process listing (binary lookup, own start time)',
  processList: 'process listing (/proc scan)',
  instances: 'openvpn instances: argv and start times (procfs)',
  setup: 'sweep, runtime dir, profile, listener, command line',
  spawnCall: 'spawn call (execa)',
  spawnToAttach: 'spawned -> openvpn dialled in, banner read',
  attachToHoldRelease: 'attach -> hold release queued (>HOLD, setup replies)',
  holdReleaseToConnected: 'hold release -> connected (openvpn, server)',
};

function printPhases(runs: readonly EngineRun[]): void {
  console.log('  engine start, where the time goes (median of each phase on its own):');
  for (const [key, label] of Object.entries(PHASE_LABELS)) {
    const phase = key as keyof StartPhases;
    row(
      `    ${label}`,
      runs.map((r) => r.phases[phase]),
    );
  }
}

function printTunnels(result: TunnelResult): void {
  const { p2p, pull } = result;
  console.log('\n2a. Connect time, point-to-point server (fresh server each run)');
  const p2pBare = p2p.bare.map((r) => r.connectMs);
  const p2pEngine = p2p.engine.map((r) => r.connectMs);
  row('bare: spawn -> "Initialization Sequence Completed"', p2pBare);
  row('engine: startTunnel -> connected', p2pEngine);
  printPhases(p2p.engine);
  const p2pOverhead = median(p2pEngine) - median(p2pBare);
  judge(
    `p2p engine overhead at the median < ${P2P_OVERHEAD_TARGET_MS} ms`,
    formatMs(p2pOverhead),
    p2pOverhead < P2P_OVERHEAD_TARGET_MS,
  );
  // openvpn ends a p2p connect on a once-a-second timer: its log shows the TLS handshake done
  // within a few ms and "Initialization Sequence Completed" about 1.1 s later, with a spread of
  // a quarter second. The difference of medians above is mostly that spread; the time the
  // engine itself adds is measured on its own: everything before openvpn runs, and from
  // openvpn's >HOLD to the release.
  const ownShare = p2p.engine.map((r) => r.phases.beforeOpenvpn + r.phases.attachToHoldRelease);
  row('engine own share: before openvpn runs + >HOLD to release', ownShare);
  judge(
    `p2p engine own share at the median < ${P2P_OVERHEAD_TARGET_MS} ms`,
    formatMs(median(ownShare)),
    median(ownShare) < P2P_OVERHEAD_TARGET_MS,
  );

  console.log('\n2b. Connect time, pull server: hold release -> CONNECTED');
  const pullBare = pull.bare.map((r) => r.holdToConnectedMs ?? Number.NaN);
  const pullEngine = pull.engine.map((r) => r.phases.holdReleaseToConnected);
  row('bare: `hold release` written -> >STATE CONNECTED', pullBare);
  row('engine: `hold "release"` queued -> connected', pullEngine);
  const pullOverhead = median(pullEngine) - median(pullBare);
  judge(
    `pull engine overhead at the median < ${PULL_OVERHEAD_TARGET_MS} ms`,
    formatMs(pullOverhead),
    pullOverhead < PULL_OVERHEAD_TARGET_MS,
  );
  console.log('  full start, pull server:');
  row(
    '  bare: spawn -> >STATE CONNECTED',
    pull.bare.map((r) => r.connectMs),
  );
  row(
    '  bare: spawn -> >HOLD read',
    pull.bare.map((r) => r.spawnToHoldMs ?? Number.NaN),
  );
  row(
    '  engine: startTunnel -> connected',
    pull.engine.map((r) => r.connectMs),
  );
  printPhases(pull.engine);

  console.log('\n3. Stop time: connected openvpn -> gone');
  const stops = (runs: readonly { stopMs: number }[]) => runs.map((r) => r.stopMs);
  row('p2p bare: kill(pid, SIGTERM) -> exit', stops(p2p.bare));
  row('p2p engine: tunnel.stop() -> tunnel.done', stops(p2p.engine));
  row('pull bare: kill(pid, SIGTERM) -> exit', stops(pull.bare));
  row('pull engine: tunnel.stop() -> tunnel.done', stops(pull.engine));
  const bareStops = [...stops(p2p.bare), ...stops(pull.bare)];
  const engineStops = [...stops(p2p.engine), ...stops(pull.engine)];
  const stopOverhead = median(engineStops) - median(bareStops);
  console.log(
    `  all runs: bare ${describe(summarize(bareStops))}; engine ${describe(summarize(engineStops))}`,
  );
  judge(
    `stop overhead at the median (all runs) < ${STOP_OVERHEAD_TARGET_MS} ms`,
    formatMs(stopOverhead),
    stopOverhead < STOP_OVERHEAD_TARGET_MS,
  );
  const worst = tailOf(summarize(engineStops)) - tailOf(summarize(bareStops));
  console.log(`  (max against max: ${formatMs(worst)})`);
}

function printIdle(result: IdleResult, statusPollMs: number | undefined): void {
  const seconds = (result.windowMs / 1000).toFixed(1);
  const status =
    statusPollMs === undefined
      ? 'no status poll: nothing reads the tun counters'
      : `status every ${statusPollMs} ms, tun counters read`;
  console.log(
    `\n4. CPU while connected and idle (${seconds} s window, bytecount every 1 s, ${status})`,
  );
  console.log(
    `  engine process (Node, one tunnel): ${result.enginePercent.toFixed(4)}% of one core ` +
      `(${result.trafficSamples} bytecount samples, ${result.logRecords} log records)`,
  );
  const slices = result.slicePercents.map((percent) => percent.toFixed(3)).join(' ');
  console.log(`  engine process per ${SLICE_S} s slice: ${slices} (%)`);
  console.log(`  its openvpn: ${result.engineOpenvpnPercent.toFixed(3)}% of one core`);
  console.log(
    `  a bare openvpn on the same server, same window: ${result.bareOpenvpnPercent.toFixed(3)}%`,
  );
  judge(
    `engine idle CPU < ${IDLE_CPU_TARGET_PERCENT}% of a core`,
    `${result.enginePercent.toFixed(4)}%`,
    result.enginePercent < IDLE_CPU_TARGET_PERCENT,
  );
}

async function main(): Promise<void> {
  printMachine();
  const aborter = new AbortController();
  // `on`, not `once`: execa's exit handler re-raises a signal nobody else listens to, which
  // would kill this process before the clean-up ran. A second signal gives up on the clean-up.
  const abort = (signal: NodeJS.Signals): void => {
    if (aborter.signal.aborted) process.exit(130);
    console.error(`${signal}: stopping; openvpn processes and temp dirs are being removed`);
    aborter.abort();
  };
  process.on('SIGINT', abort);
  process.on('SIGTERM', abort);
  const signal = aborter.signal;
  // Each part has its own lab: its servers and temp dirs are gone before the next part starts.
  const withLab = async <T>(measure: (lab: Lab) => Promise<T>): Promise<T> => {
    const lab = new Lab();
    try {
      return await measure(lab);
    } finally {
      await lab.cleanup();
    }
  };
  try {
    if (parts.includes('latency')) {
      const result = await withLab((lab) =>
        measureStateLatency(lab, {
          samples: integerOption('samples', 1),
          pollSamples: integerOption('poll-samples', 1),
          spacingMs: integerOption('spacing-ms', 0),
          warmup: integerOption('warmup', 0),
          random: seededRandom(integerOption('seed', 0)),
          signal,
        }),
      );
      printLatency(result);
    }
    if (parts.includes('tunnels')) {
      const reps = integerOption('reps', 1);
      printTunnels(await withLab((lab) => measureTunnels(lab, { reps, appId, signal })));
    }
    if (parts.includes('cpu')) {
      const seconds = integerOption('idle-s', 1);
      const statusPollMs =
        options['status-poll-ms'] === undefined ? undefined : integerOption('status-poll-ms', 1);
      printIdle(
        await withLab((lab) => measureIdleCpu(lab, { seconds, appId, statusPollMs, signal })),
        statusPollMs,
      );
    }
  } finally {
    process.off('SIGINT', abort);
    process.off('SIGTERM', abort);
  }
  console.log('\ntargets:');
  for (const line of targets) console.log(`  ${line}`);
  console.log(
    `load average at end: ${os
      .loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error && error.name === 'AbortError' ? 'aborted' : error);
  process.exitCode = 1;
});
