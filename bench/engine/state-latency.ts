import { join } from 'node:path';
import type { Lab } from '../../test/integration/lab/lab.js';
import type { VpnState } from '../../src/state/vpn-state.js';
import { msBetween, sleep, stamp, within } from './clock.js';
import { connectPipeline } from './pipeline-client.js';
import { POLL_INTERVAL_MS, startPollingSupervisor } from './polling-supervisor.js';
import { startStatePeer, type PeerLink, type PeerStateName } from './state-peer.js';

/** How the state-latency part runs. */
export interface LatencyOptions {
  /** Measured state changes through the pipeline (N of "ours"). */
  readonly samples: number;
  /** Measured changes seen by the polling baseline; the rounds the pipeline's are spread over. */
  readonly pollSamples: number;
  /** Pause between two writes, so openvpn-like lines are not batched. */
  readonly spacingMs: number;
  /** Unrecorded changes first, so the JIT has compiled the pipeline. */
  readonly warmup: number;
  readonly random: () => number;
  readonly signal: AbortSignal;
}

/** Latencies in ms, write → seen. `ours[i]` and `bareReader[i]` come from the same write. */
export interface LatencyResult {
  readonly ours: readonly number[];
  readonly bareReader: readonly number[];
  readonly poller: readonly number[];
  /** Emissions that matched no write: must be zero, or the pairing above is wrong. */
  readonly strayStates: number;
}

// A change the pipeline has not turned into a state by then is lost: the run fails.
const EMISSION_TIMEOUT_MS = 2_000;
const POLL_TIMEOUT_MS = 3 * POLL_INTERVAL_MS;
const SETTLE_TIMEOUT_MS = 5_000;

const phaseOf = (name: PeerStateName): VpnState['phase'] =>
  name === 'CONNECTED' ? 'connected' : 'reconnecting';

/** Waits for the next chunk carrying a `>STATE` line and for the next state emission. */
class Watcher {
  #chunk: ((at: bigint) => void) | undefined;
  #state: ((seen: { at: bigint; state: VpnState }) => void) | undefined;
  strays = 0;
  latest: VpnState | undefined;

  onData = (chunk: Buffer): void => {
    const at = stamp();
    if (this.#chunk !== undefined && chunk.includes('>STATE:')) {
      this.#chunk(at);
      this.#chunk = undefined;
    }
  };

  onState = (state: VpnState): void => {
    const at = stamp();
    this.latest = state;
    if (this.#state === undefined) {
      if (state.phase === 'connected' || state.phase === 'reconnecting') this.strays += 1;
      return;
    }
    this.#state({ at, state });
    this.#state = undefined;
  };

  expect(): { chunk: Promise<bigint>; state: Promise<{ at: bigint; state: VpnState }> } {
    return {
      chunk: new Promise((resolve) => (this.#chunk = resolve)),
      state: new Promise((resolve) => (this.#state = resolve)),
    };
  }
}

/**
 * One write through the pipeline: the peer stamps just before `socket.write`, the bare reader
 * at the `data` event, the consumer at the state emission.
 */
async function pipelineChange(
  link: PeerLink,
  watcher: Watcher,
  name: PeerStateName,
  signal: AbortSignal,
): Promise<{ ours: number; bare: number }> {
  // Everything the wait needs is set up before the write: nothing runs between the write's
  // stamp and the event loop going back to the socket.
  const seen = watcher.expect();
  const both = within(
    Promise.all([seen.chunk, seen.state]),
    EMISSION_TIMEOUT_MS,
    `the ${name} state through the pipeline`,
    signal,
  );
  const written = link.changeState(name);
  const [chunkAt, emitted] = await both;
  if (emitted.state.phase !== phaseOf(name)) {
    throw new Error(`${name} was written, the pipeline emitted ${JSON.stringify(emitted.state)}`);
  }
  return { ours: msBetween(written, emitted.at), bare: msBetween(written, chunkAt) };
}

/**
 * State-change latency, the engine pipeline against a 1 s polling supervisor, interleaved:
 * each round makes one change at a random moment for the poller, then a burst of spaced
 * changes through the pipeline. Everything runs in this process over real unix sockets.
 */
export async function measureStateLatency(
  lab: Lab,
  options: LatencyOptions,
): Promise<LatencyResult> {
  const { signal } = options;
  const dir = await lab.tempDir();
  const peer = await startStatePeer(join(dir, 'mgmt.sock'));
  const closers: (() => void)[] = [];
  try {
    const watcher = new Watcher();
    const pipeline = await connectPipeline(peer.path, {
      data: watcher.onData,
      state: watcher.onState,
    });
    closers.push(() => pipeline.close());
    const link = await peer.nextLink();
    await within(link.holdReleased, SETTLE_TIMEOUT_MS, 'the hold release', signal);
    // The hold release reply turns the state to CONNECTING; wait for it before measuring.
    const settleBy = Date.now() + SETTLE_TIMEOUT_MS;
    while (!(watcher.latest?.phase === 'connecting' && watcher.latest.step === 'CONNECTING')) {
      if (Date.now() > settleBy)
        throw new Error(`no CONNECTING: ${JSON.stringify(watcher.latest)}`);
      await sleep(options.spacingMs, signal);
    }

    const supervisor = await startPollingSupervisor(peer.path);
    closers.push(() => supervisor.close());
    const pollLink = await peer.nextLink();
    await within(supervisor.firstReply, POLL_TIMEOUT_MS, 'the first poll', signal);

    let next: PeerStateName = 'CONNECTED';
    const flip = (): PeerStateName => {
      const name = next;
      next = name === 'CONNECTED' ? 'RECONNECTING' : 'CONNECTED';
      return name;
    };
    for (let i = 0; i < options.warmup; i += 1) {
      await pipelineChange(link, watcher, flip(), signal);
      await sleep(options.spacingMs, signal);
    }
    watcher.strays = 0;

    const ours: number[] = [];
    const bareReader: number[] = [];
    const poller: number[] = [];
    let pollNext: PeerStateName = 'CONNECTED';
    for (let round = 0; round < options.pollSamples; round += 1) {
      // The poll timer runs on its own phase; a uniform delay makes the change moment random.
      await sleep(options.random() * POLL_INTERVAL_MS, signal);
      const seen = within(supervisor.nextChange(), POLL_TIMEOUT_MS, 'the poller', signal);
      const changed = pollLink.changeState(pollNext);
      pollNext = pollNext === 'CONNECTED' ? 'RECONNECTING' : 'CONNECTED';
      const noticed = await seen;
      poller.push(msBetween(changed, noticed.at));

      const burst =
        Math.floor(((round + 1) * options.samples) / options.pollSamples) -
        Math.floor((round * options.samples) / options.pollSamples);
      for (let i = 0; i < burst; i += 1) {
        const sample = await pipelineChange(link, watcher, flip(), signal);
        ours.push(sample.ours);
        bareReader.push(sample.bare);
        await sleep(options.spacingMs, signal);
      }
    }
    return { ours, bareReader, poller, strayStates: watcher.strays };
  } finally {
    for (const close of closers) close();
    await peer.close();
  }
}
