import { isDeepStrictEqual } from 'node:util';
import type { VpnPhase, VpnState } from '../../../src/state/vpn-state.js';

/**
 * The phases that may follow each phase. A phase may follow itself when something else changed
 * (a new step, a new attempt, `requested` turning true). Once a session has connected, a
 * restart shows as `reconnecting`, never `connecting` again; nothing follows a terminal phase.
 */
const LEGAL_NEXT: Readonly<Record<VpnPhase, readonly VpnPhase[]>> = {
  idle: ['starting', 'stopped', 'failed'],
  starting: ['connecting', 'reconnecting', 'stopping', 'stopped', 'failed'],
  connecting: ['connecting', 'connected', 'reconnecting', 'stopping', 'failed'],
  connected: ['connected', 'reconnecting', 'stopping', 'failed'],
  reconnecting: ['reconnecting', 'connected', 'stopping', 'failed'],
  stopping: ['stopping', 'stopped', 'failed'],
  stopped: [],
  failed: [],
};

/** True when `next` may directly follow `previous`. */
export const isLegalTransition = (previous: VpnPhase, next: VpnPhase): boolean =>
  LEGAL_NEXT[previous].includes(next);

/** A state with the wall-clock time the test received it. */
export interface SeenState {
  readonly state: VpnState;
  readonly seenAt: number;
}

/** How long a tunnel may stay in a passing phase during chaos before it counts as stuck. */
export interface DwellLimits {
  readonly starting: number;
  readonly connecting: number;
  readonly reconnecting: number;
  readonly stopping: number;
}

const describeState = (state: VpnState): string => JSON.stringify(state);

// `at` only stamps the event behind a state: two states equal but for it say the same thing.
const withoutStamp = (state: VpnState): Omit<VpnState, 'at'> => {
  const { at: _at, ...rest } = state;
  return JSON.parse(JSON.stringify(rest)) as Omit<VpnState, 'at'>;
};

/** A stretch of wall-clock time during which the test kept the tunnel from working. */
export interface Outage {
  readonly fromMs: number;
  readonly toMs: number;
}

// The part of [fromMs, toMs] that no outage covers (outages never overlap: steps run in turn).
const healthyMs = (fromMs: number, toMs: number, outages: readonly Outage[]): number =>
  outages.reduce(
    (left, outage) =>
      left - Math.max(0, Math.min(toMs, outage.toMs) - Math.max(fromMs, outage.fromMs)),
    toMs - fromMs,
  );

/**
 * Every broken rule in a state history, as readable lines (empty when all hold): the history
 * opens with `idle` or `starting`, every transition is legal, no state repeats the one before
 * (ignoring `at`),
 * and no passing phase lasted longer than its limit, counting only time outside `outages` (a
 * phase still current counts up to `nowMs`).
 */
export function stateViolations(
  history: readonly SeenState[],
  limits: DwellLimits,
  nowMs: number,
  outages: readonly Outage[] = [],
): string[] {
  const violations: string[] = [];
  const first = history[0];
  if (first !== undefined && first.state.phase !== 'idle' && first.state.phase !== 'starting') {
    violations.push(`opens with ${describeState(first.state)}`);
  }
  history.forEach((seen, index) => {
    const after = history[index + 1];
    if (after !== undefined) {
      if (!isLegalTransition(seen.state.phase, after.state.phase)) {
        violations.push(
          `#${index + 1} ${seen.state.phase} -> ${after.state.phase}: ${describeState(after.state)}`,
        );
      }
      if (isDeepStrictEqual(withoutStamp(seen.state), withoutStamp(after.state))) {
        violations.push(`#${index + 1} repeats ${describeState(seen.state)}`);
      }
    }
    // A phase lasts from its first state to the first state of another phase.
    const phase = seen.state.phase;
    const previous = history[index - 1];
    if (previous?.state.phase === phase || !(phase in limits)) return;
    const limitMs = limits[phase as keyof DwellLimits];
    const end = history.slice(index + 1).find((later) => later.state.phase !== phase);
    const dwellMs = healthyMs(seen.seenAt, end?.seenAt ?? nowMs, outages);
    if (dwellMs > limitMs) {
      violations.push(
        `#${index} stuck in ${phase} for ${dwellMs} healthy ms (limit ${limitMs} ms)`,
      );
    }
  });
  return violations;
}
