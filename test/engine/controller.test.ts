import { describe, expect, it } from '@jest/globals';
import { ReplaySubject, Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createVpnController } from '../../src/engine/controller.js';
import type { Tunnel } from '../../src/engine/vpn.js';
import type { Profile } from '../../src/profile/profile-model.js';
import type { VpnState } from '../../src/state/vpn-state.js';

interface FakeRun {
  readonly state$: ReplaySubject<VpnState>;
  readonly stops: string[];
  finish(state: VpnState): void;
}

// Each start makes a run whose states the test pushes.
const fakeEngine = () => {
  const runs: FakeRun[] = [];
  const startTunnel = (): Tunnel => {
    const state$ = new ReplaySubject<VpnState>(1);
    const stops: string[] = [];
    let resolve: (state: VpnState) => void = () => undefined;
    const done = new Promise<VpnState>((r) => {
      resolve = r;
    });
    const finish = (state: VpnState): void => {
      state$.next(state);
      state$.complete();
      resolve(state);
    };
    runs.push({ state$, stops, finish });
    state$.next({ phase: 'starting', at: 1 });
    return {
      state$,
      traffic$: new Subject(),
      log$: new Subject(),
      pid$: new Subject(),
      tunTraffic$: new Subject(),
      stop: (kind = 'graceful') => {
        stops.push(kind);
        finish({ phase: 'stopped', at: 3, exitCode: 0 });
      },
      done,
    };
  };
  return { runs, startTunnel };
};

const crash: VpnState = {
  phase: 'failed',
  at: 2,
  error: { code: 'PROCESS_EXITED', message: 'openvpn exited unexpectedly (SIGKILL).' },
};
// Restart delays run on virtual time: flush() fires every timer that is due, at once.
const virtualTime = (): TestScheduler => {
  const time = new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });
  time.maxFrames = Number.POSITIVE_INFINITY;
  return time;
};
const profile = { entries: [] } as unknown as Profile;

describe('the controller', () => {
  it('starts one run at a time and stops it', async () => {
    const engine = fakeEngine();
    const controller = createVpnController({ profile }, {}, { startTunnel: engine.startTunnel });
    controller.start();
    controller.start();
    expect(engine.runs).toHaveLength(1);
    expect(await controller.stop()).toEqual({ phase: 'stopped', at: 3, exitCode: 0 });
  });

  it('does not restart after a crash unless asked to', () => {
    const engine = fakeEngine();
    const time = virtualTime();
    const controller = createVpnController(
      { profile },
      {},
      { startTunnel: engine.startTunnel, scheduler: time },
    );
    controller.start();
    engine.runs[0]?.finish(crash);
    time.flush();
    expect(engine.runs).toHaveLength(1);
  });

  it('restarts after a crash up to the limit, the count reset by a connection', () => {
    const engine = fakeEngine();
    const time = virtualTime();
    const controller = createVpnController(
      { profile },
      {},
      {
        startTunnel: engine.startTunnel,
        restartAfterCrash: { maxRestarts: 2, delayMs: 5_000 },
        scheduler: time,
      },
    );
    controller.start();
    engine.runs[0]?.finish(crash);
    time.flush();
    expect(engine.runs).toHaveLength(2);
    engine.runs[1]?.state$.next({ phase: 'connected', at: 2, since: 2 });
    engine.runs[1]?.finish(crash);
    time.flush();
    engine.runs[2]?.finish(crash);
    time.flush();
    engine.runs[3]?.finish(crash);
    time.flush();
    // Two restarts after the connection, then the limit.
    expect(engine.runs).toHaveLength(4);
  });

  it('a requested stop cancels a pending restart', async () => {
    const engine = fakeEngine();
    const time = virtualTime();
    const controller = createVpnController(
      { profile },
      {},
      {
        startTunnel: engine.startTunnel,
        restartAfterCrash: { maxRestarts: 5, delayMs: 5_000 },
        scheduler: time,
      },
    );
    controller.start();
    engine.runs[0]?.finish(crash);
    await controller.stop();
    time.flush();
    expect(engine.runs).toHaveLength(1);
  });
});
