import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { classifyStdoutLine, type StdoutEvent } from '../../src/process/stdout-event.js';
import type { EngineEvent } from '../../src/state/engine-event.js';
import { KNOWN_REASON_WORDS } from '../../src/state/reconnect-reason.js';
import { reduce } from '../../src/state/reduce.js';
import { sameState } from '../../src/state/same-state.js';
import { CONNECT_STEPS, idleState, isTerminal, type VpnState } from '../../src/state/vpn-state.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/stdout/', import.meta.url));

// Every classified line of the real fixtures, so the property sees real stdout events.
const REAL_STDOUT_EVENTS: readonly StdoutEvent[] = readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.txt'))
  .flatMap((file) => readFileSync(`${FIXTURES}${file}`, 'utf8').split('\n'))
  .map(classifyStdoutLine)
  .filter((event) => event !== undefined);

const at = fc.integer({ min: 0, max: 2_000_000_000_000 });
const stateName = fc.oneof(
  fc.constantFrom(...CONNECT_STEPS, 'CONNECTED', 'RECONNECTING', 'EXITING'),
  fc.string(),
);
const description = fc.oneof(
  fc.constantFrom(...KNOWN_REASON_WORDS, 'SIGUSR1', 'SIGTERM', 'timeout 30', 'SUCCESS', ''),
  fc.string(),
);

const progressing: fc.Arbitrary<EngineEvent> = fc.oneof(
  at.map((t) => ({ kind: 'StartRequested', at: t }) as const),
  fc.record({ kind: fc.constant('ProcessSpawned'), at, pid: fc.nat() }),
  at.map((t) => ({ kind: 'ManagementAttached', at: t }) as const),
  at.map((t) => ({ kind: 'ManagementDetached', at: t }) as const),
  fc.record(
    { kind: fc.constant('HoldEntered'), at, backoffSeconds: fc.nat() },
    { requiredKeys: ['kind', 'at'] },
  ),
  at.map((t) => ({ kind: 'HoldReleased', at: t }) as const),
  fc.record(
    {
      kind: fc.constant('OpenvpnStateChanged'),
      at,
      name: stateName,
      description,
      localIpv4: fc.constantFrom('10.8.0.2', ''),
      localIpv6: fc.constantFrom('fd00::2', ''),
      remoteHost: fc.constantFrom('127.0.0.1', ''),
      remotePort: fc.nat({ max: 65535 }),
      time: fc.nat(),
    },
    { requiredKeys: ['kind', 'at', 'name', 'description', 'time'] },
  ),
  fc.record({
    kind: fc.constant('PasswordVerificationFailed'),
    at,
    type: fc.oneof(fc.constantFrom('Auth', 'Private Key'), fc.string()),
  }),
  fc.record({ kind: fc.constant('FatalReported'), at, text: fc.string() }),
  fc.record({
    kind: fc.constant('StdoutLineClassified'),
    at,
    event: fc.constantFrom(...REAL_STDOUT_EVENTS),
  }),
);

// Events that end a session come rarer, so that sequences get deep into a session.
const ending: fc.Arbitrary<EngineEvent> = fc.oneof(
  at.map((t) => ({ kind: 'StopRequested', at: t }) as const),
  fc.record({
    kind: fc.constant('ProcessExited'),
    at,
    code: fc.option(fc.integer({ min: 0, max: 255 })),
    signal: fc.option(fc.constantFrom('SIGTERM', 'SIGKILL', 'SIGINT')),
  }),
  fc.record({
    kind: fc.constant('StartFailed'),
    at,
    error: fc.record({
      code: fc.constantFrom('SPAWN_FAILED', 'OPENVPN_NOT_FOUND', 'PERMISSION_DENIED'),
      message: fc.string(),
    }),
  }),
  fc.record(
    { kind: fc.constant('StopFailed'), at, message: fc.string(), pid: fc.nat() },
    { requiredKeys: ['kind', 'at', 'message'] },
  ),
);

const event = fc.oneof({ arbitrary: progressing, weight: 8 }, { arbitrary: ending, weight: 1 });

const events = fc.array(event, { maxLength: 80 });
const RUNS = 500;

describe('reduce over any event sequence', () => {
  it('never throws and always gives a JSON-serialisable state', () => {
    fc.assert(
      fc.property(events, (sequence) => {
        let state: VpnState = idleState(0);
        for (const next of sequence) {
          state = reduce(state, next);
          expect(JSON.parse(JSON.stringify(state))).toEqual(state);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('stays in stopped or failed, as the same object, once there', () => {
    fc.assert(
      fc.property(events, (sequence) => {
        let state: VpnState = idleState(0);
        for (const next of sequence) {
          const reduced = reduce(state, next);
          if (isTerminal(state)) expect(reduced).toBe(state);
          state = reduced;
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('returns the same object exactly when nothing changed', () => {
    fc.assert(
      fc.property(events, (sequence) => {
        let state: VpnState = idleState(0);
        for (const next of sequence) {
          const reduced = reduce(state, next);
          expect(reduced === state).toBe(sameState(reduced, state));
          state = reduced;
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('counts reconnect attempts from 1', () => {
    fc.assert(
      fc.property(events, (sequence) => {
        let state: VpnState = idleState(0);
        for (const next of sequence) {
          state = reduce(state, next);
          if (state.phase === 'reconnecting') expect(state.attempt).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
