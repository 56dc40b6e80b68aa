import { expect } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Tunnel } from '../../../src/engine/vpn.js';
import type { Traffic } from '../../../src/state/traffic.js';
import type { VpnState } from '../../../src/state/vpn-state.js';
import type { WatchedTunnel } from '../engine/support/engine-bed.js';
import type { SeededRandom } from './seeded-random.js';
import {
  stateViolations,
  type DwellLimits,
  type Outage,
  type SeenState,
} from './state-invariants.js';

/** Resolves as `promise` does, or fails naming what did not come within `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  const late = Symbol('late');
  const result = await Promise.race([promise, sleep(ms, late, { ref: false })]);
  if (result === late) throw new Error(`no ${what()} within ${ms} ms`);
  return result;
}

/** What a run under chaos is held to, and how long it may pause in all. */
export interface LinkRunRules {
  readonly limits: DwellLimits;
  readonly waitBudgetMs: number;
}

const describeBrief = (state: VpnState): string =>
  'step' in state && state.step !== undefined ? `${state.phase}:${state.step}` : state.phase;

/**
 * One tunnel under chaos, watched from its start: its states and traffic with the times they
 * arrived, the outages the test caused and a log of what it did.
 */
export class LinkRun implements WatchedTunnel {
  readonly states: VpnState[] = [];
  readonly history: SeenState[] = [];
  readonly outages: Outage[] = [];
  readonly log: string[] = [];
  readonly traffic: { readonly traffic: Traffic; readonly seenAt: number }[] = [];
  #waitLeftMs: number;

  constructor(
    readonly tunnel: Tunnel,
    readonly random: SeededRandom,
    readonly rules: LinkRunRules,
  ) {
    this.#waitLeftMs = rules.waitBudgetMs;
    tunnel.state$.subscribe((state) => {
      this.states.push(state);
      this.history.push({ state, seenAt: Date.now() });
    });
    tunnel.traffic$.subscribe((traffic) => this.traffic.push({ traffic, seenAt: Date.now() }));
  }

  /** A random wait within [minMs, maxMs], shrunk so all waits together stay in the budget. */
  async pause(minMs: number, maxMs: number): Promise<void> {
    const ms = Math.min(this.random.int(minMs, maxMs), Math.max(this.#waitLeftMs, 0));
    this.#waitLeftMs -= ms;
    await sleep(ms);
  }

  connectedCount(): number {
    return this.states.filter((state) => state.phase === 'connected').length;
  }

  /** The traffic the engine reported since `sinceMs`. */
  trafficSince(sinceMs: number): Traffic[] {
    return this.traffic.filter((sample) => sample.seenAt >= sinceMs).map((s) => s.traffic);
  }

  /** What a failure shows besides the broken rule: the steps and the states. */
  describe(): string {
    return JSON.stringify({ steps: this.log, states: this.states.map(describeBrief) });
  }

  /** Runs `assertion`; a failure is rethrown with the steps and the states appended. */
  assert(assertion: () => void): void {
    try {
      assertion();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${message}\n${this.describe()}`, { cause: error });
    }
  }

  /** Fails, naming the steps and the states, when any state rule is broken. */
  check(): void {
    const violations = stateViolations(this.history, this.rules.limits, Date.now(), this.outages);
    this.assert(() => expect(violations).toEqual([]));
  }
}
