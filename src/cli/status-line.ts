import type { RemoteEndpoint, VpnState } from '../state/vpn-state.js';
import { formatBytes, formatElapsed, formatRate } from './human-units.js';
import { sanitizeForTerminal } from './sanitize.js';
import type { Traffic as EngineTraffic } from '../state/traffic.js';

/** What the status line shows of the engine's traffic. */
export type Traffic = Pick<
  EngineTraffic,
  'bytesIn' | 'bytesOut' | 'inBytesPerSecond' | 'outBytesPerSecond'
>;

/**
 * The status line in two parts: `summary` changes only with the state (phase, addresses,
 * reason), `live` with the clock and the traffic (byte counts, rates, elapsed time).
 */
export interface StatusParts {
  readonly summary: string;
  /** Empty for the last states, `stopped` and `failed`. */
  readonly live: string;
}

const GAP = '  ';

// An IPv6 literal needs brackets before `:port`.
const formatRemote = ({ host, port }: RemoteEndpoint): string => {
  const safeHost = sanitizeForTerminal(host);
  return safeHost.includes(':') ? `[${safeHost}]:${port}` : `${safeHost}:${port}`;
};

const connectedSummary = (state: Extract<VpnState, { phase: 'connected' }>): string => {
  const localIp = state.localIpv4 ?? state.localIpv6;
  const ends = [
    localIp === undefined ? undefined : sanitizeForTerminal(localIp),
    state.remote === undefined ? undefined : formatRemote(state.remote),
  ].filter((end) => end !== undefined);
  return ends.length === 0 ? 'connected' : `connected${GAP}${ends.join(' ⇄ ')}`;
};

const summaryOf = (state: VpnState): string => {
  switch (state.phase) {
    case 'idle':
    case 'starting':
      return state.phase;
    case 'connecting':
      return `connecting: ${state.step}`;
    case 'connected':
      return connectedSummary(state);
    case 'reconnecting': {
      const step = state.step === undefined ? '' : `, ${state.step}`;
      const raw = sanitizeForTerminal(state.rawReason);
      const reason = raw === state.reason ? state.reason : `${state.reason} (${raw})`;
      return `reconnecting #${state.attempt}: ${reason}${step}`;
    }
    case 'stopping':
      return state.requested ? 'stopping' : 'stopping: openvpn is exiting on its own';
    case 'stopped':
      if (state.detached === true) return 'detached: openvpn keeps running';
      return state.signal === undefined
        ? `stopped (exit code ${state.exitCode ?? 'unknown'})`
        : `stopped (${sanitizeForTerminal(state.signal)})`;
    case 'failed':
      return `failed: ${state.error.code}: ${sanitizeForTerminal(state.error.message)}`;
  }
};

const trafficOf = (traffic: Traffic): string =>
  `↓ ${formatBytes(traffic.bytesIn)} ${formatRate(traffic.inBytesPerSecond)}` +
  `${GAP}↑ ${formatBytes(traffic.bytesOut)} ${formatRate(traffic.outBytesPerSecond)}`;

const liveOf = (state: VpnState, traffic: Traffic | undefined, now: number): string => {
  switch (state.phase) {
    case 'idle':
    case 'stopped':
    case 'failed':
      return '';
    case 'connected': {
      const elapsed = formatElapsed(now - state.since);
      return traffic === undefined ? elapsed : `${trafficOf(traffic)}${GAP}${elapsed}`;
    }
    default:
      return formatElapsed(now - state.at);
  }
};

/** The parts of {@link statusLine}; see {@link StatusParts}. */
export const statusParts = (
  state: VpnState,
  traffic: Traffic | undefined,
  now: number,
): StatusParts => ({ summary: summaryOf(state), live: liveOf(state, traffic, now) });

/**
 * The one-line status for a terminal, e.g.
 * `connected  10.8.0.6 ⇄ 127.0.0.1:1194  ↓ 1.2 MiB 34 KiB/s  ↑ 210 KiB 2.0 KiB/s  12:03`.
 * Elapsed time counts from the tunnel coming up when connected, else from the state's start.
 * Text that came from openvpn is sanitised. `now` is epoch ms.
 */
export function statusLine(state: VpnState, traffic: Traffic | undefined, now: number): string {
  const { summary, live } = statusParts(state, traffic, now);
  return live === '' ? summary : `${summary}${GAP}${live}`;
}
