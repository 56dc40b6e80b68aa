import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import {
  EMPTY,
  defer,
  distinctUntilChanged,
  filter,
  map,
  of,
  scan,
  startWith,
  tap,
  throwError,
} from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { VpnError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import type { PreparedStart } from '../../src/engine/prepare.js';
import { runTunnel, type StopKind, type TunnelContext } from '../../src/engine/tunnel.js';
import type { ManagementListener, SocketConnector } from '../../src/management/socket.js';
import type { ProcessEvent } from '../../src/process/process-event.js';
import type { EngineEvent } from '../../src/state/engine-event.js';
import { reduce } from '../../src/state/reduce.js';
import { toVpnState$ } from '../../src/state/vpn-state-stream.js';
import { idleState, type VpnState } from '../../src/state/vpn-state.js';
import { diagram, loadMarbleDoc, row, type MarbleDiagram } from '../support/marble-doc.js';
import {
  PROCESS_EVENTS,
  simulateManagement,
  simulatedProcessInfo,
  type LinkSubscription,
} from './support/simulated-openvpn.js';

const DOC = loadMarbleDoc(
  fileURLToPath(new URL('../../marbles/engine-pipeline.md', import.meta.url)),
);

const TITLES = [
  'connects, then stops on request',
  'stopped before openvpn has started',
  'a hung openvpn is killed at the deadlines',
  'a kill request skips the rest of the ladder',
  'openvpn dies on its own',
  'unsubscribing releases the process and the link',
  'a cut link is reattached without repeating a state',
  'a state missed while detached is reconciled',
] as const;

/** A state as the diagrams name it: the phase, and what distinguishes it within the phase. */
const summary = (state: VpnState): string => {
  switch (state.phase) {
    case 'connecting':
      return `connecting:${state.step}`;
    case 'reconnecting':
      return `reconnecting:${state.reason}`;
    case 'stopped':
      return `stopped:${state.signal ?? String(state.exitCode ?? '')}`;
    case 'failed':
      return `failed:${state.error.code}`;
    default:
      return state.phase;
  }
};

const STOP_KINDS: Readonly<Record<string, StopKind>> = { g: 'graceful', K: 'kill' };

const rowOr = (d: MarbleDiagram, name: string, otherwise: string): string =>
  d.rows.get(name) ?? otherwise;

/**
 * Runs one diagram of marbles/engine-pipeline.md: the whole run of one tunnel from spawn to
 * exit (`runTunnel`) folded into states as the engine does, with openvpn simulated on virtual
 * time (process events from the `openvpn` row, its management side from `states`, `cut` and
 * `reachable`) and the default stop deadlines.
 */
const runDiagram = (d: MarbleDiagram): void => {
  const scheduler = new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });
  // The simulation's own log of link subscriptions; it fills while run() flushes.
  let linkLogs: readonly LinkSubscription[] = [];
  let expectedLinkLogs: LinkSubscription[] = [];
  scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
    const sim = simulateManagement(scheduler);
    let exited = false;
    const process$ = cold<ProcessEvent>(row(d, 'openvpn'), PROCESS_EVENTS);
    const listenMode = d.rows.has('reachable');

    hot(rowOr(d, 'states', '-'), d.values as Record<string, string>).subscribe(sim.enterState);
    hot(rowOr(d, 'cut', '-')).subscribe(() => sim.hangUp());
    if (listenMode) {
      sim.setReachable(false);
      hot(row(d, 'reachable'), { u: true, d: false }).subscribe(sim.setReachable);
    }

    const listener: ManagementListener | undefined = listenMode
      ? undefined
      : {
          endpoint: { kind: 'unix', path: '/run/simulated/mgmt.sock' },
          connection$: cold(row(d, 'link')).pipe(map(() => sim.link())),
          close: () => Promise.resolve(),
        };
    const connector: SocketConnector = () =>
      defer(() =>
        sim.reachable
          ? of(sim.link())
          : throwError(() => new VpnError('MANAGEMENT_UNREACHABLE', 'connection refused')),
      );
    const prepared: PreparedStart = {
      launch: { file: '/usr/sbin/openvpn', args: [] },
      runtime: {
        path: '/run/simulated',
        socketPath: '/run/simulated/mgmt.sock',
        configPath: '/run/simulated/profile.ovpn',
        remove: () => Promise.resolve(),
      },
      listener,
      cleanup: () => EMPTY,
    };
    const context: TunnelContext = {
      prepared,
      launcher: { kind: 'direct' },
      deadlines: { managementMs: 5_000, sigtermMs: 3_000, sigkillMs: 2_000 },
      credentials: undefined,
      bytecountIntervalS: 1,
      managementLog: false,
      spawner: undefined,
      runProcess: () =>
        process$.pipe(
          tap((e) => {
            if (e.kind === 'ProcessExited') exited = true;
          }),
        ),
      connector,
      processInfo: simulatedProcessInfo(() => exited),
      kill: sim.kill,
      now: () => scheduler.now(),
      scheduler,
      logger: silentLogger,
    };
    const stop$ = hot<StopKind>(rowOr(d, 'stop', '-'), STOP_KINDS);
    const events$ = runTunnel(context, stop$).pipe(
      filter((o) => o.channel === 'event'),
      map((o): EngineEvent => o.event),
      startWith<EngineEvent>({ kind: 'StartRequested', at: 0 }),
    );
    // toVpnState$ keeps its source while the tunnel lives, whoever watches; a diagram that
    // unsubscribes folds the same events without that sharing, to show the run's own teardown.
    const state$ = (
      d.rows.has('sub')
        ? events$.pipe(scan(reduce, idleState(0)), distinctUntilChanged())
        : toVpnState$(events$, idleState(0))
    ).pipe(map(summary));

    expectObservable(state$, d.rows.get('sub')).toBe(row(d, 'state'), d.values);
    expectObservable(sim.stopActs$).toBe(rowOr(d, 'stopActs', '-'), d.values);
    expectSubscriptions(process$.subscriptions).toBe(row(d, 'openvpnSubs'));
    expectedLinkLogs = [...d.rows.keys()]
      .filter((name) => /^link\d+Subs$/.test(name))
      .map((name) => {
        // Parsed inside run(): only there does `5s` mean 5,000 frames.
        const { subscribedFrame, unsubscribedFrame } = TestScheduler.parseMarblesAsSubscriptions(
          row(d, name),
          true,
        );
        return { subscribedFrame, unsubscribedFrame };
      });
    linkLogs = sim.linkSubscriptions;
  });
  expect(linkLogs).toEqual(expectedLinkLogs);
};

describe('runTunnel, as drawn in marbles/engine-pipeline.md', () => {
  it('documents exactly the diagrams this test runs', () => {
    expect(DOC.map((d) => d.title)).toEqual(TITLES);
  });

  it.each(TITLES)('%s', (title) => {
    runDiagram(diagram(DOC, title));
  });

  it('checks the link subscriptions it is given', () => {
    const broken = diagram(DOC, 'connects, then stops on request');
    const rows = new Map(broken.rows);
    rows.set('link1Subs', '10ms ^ 88ms !');
    expect(() => runDiagram({ ...broken, rows })).toThrow();
  });
});
