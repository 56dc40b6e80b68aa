import type { StopDeadlines } from '../../engine/engine-options.js';

/**
 * How `--stop-timeout <ms>` is shared between the rungs of the stop ladder: half for openvpn
 * to leave cleanly after the management `signal SIGTERM` (it may say goodbye to the server),
 * 30% after SIGTERM, 20% after SIGKILL. The engine's defaults (5 s, 3 s, 2 s) follow the same
 * proportions.
 */
export const STOP_TIMEOUT_SHARES = { managementMs: 0.5, sigtermMs: 0.3, sigkillMs: 0.2 } as const;

/**
 * The engine's stop deadlines for a total budget. Whole milliseconds; the rounding goes to the
 * management rung, so the three always add up to `totalMs`.
 */
export function splitStopTimeout(totalMs: number): StopDeadlines {
  const sigtermMs = Math.floor(totalMs * STOP_TIMEOUT_SHARES.sigtermMs);
  const sigkillMs = Math.floor(totalMs * STOP_TIMEOUT_SHARES.sigkillMs);
  return { managementMs: totalMs - sigtermMs - sigkillMs, sigtermMs, sigkillMs };
}

/** Graces of a stop by signals alone (`rx-openvpn stop`): there is no management link. */
export interface SignalGraces {
  readonly sigtermMs: number;
  readonly sigkillMs: number;
}

/**
 * The same budget without the management rung: its share goes to SIGTERM, which is what a
 * stale openvpn gets first (80% SIGTERM, 20% SIGKILL).
 */
export function splitSignalTimeout(totalMs: number): SignalGraces {
  const { managementMs, sigtermMs, sigkillMs } = splitStopTimeout(totalMs);
  return { sigtermMs: managementMs + sigtermMs, sigkillMs };
}
