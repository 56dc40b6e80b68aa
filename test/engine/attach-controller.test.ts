import { describe, expect, it } from '@jest/globals';
import { ReplaySubject, Subject } from 'rxjs';
import type { AttachedTunnel } from '../../src/engine/attach-tunnel.js';
import { createAttachController } from '../../src/engine/controller.js';
import type { VpnState } from '../../src/state/vpn-state.js';

// Each attach makes a run whose end the test decides through stop or detach.
const fakeAttach = () => {
  const calls: string[] = [];
  const attachTunnel = (): AttachedTunnel => {
    const state$ = new ReplaySubject<VpnState>(1);
    let resolve: (state: VpnState) => void = () => undefined;
    const done = new Promise<VpnState>((r) => {
      resolve = r;
    });
    const finish = (state: VpnState): void => {
      state$.next(state);
      state$.complete();
      resolve(state);
    };
    calls.push('attach');
    state$.next({ phase: 'connected', at: 1, since: 1 });
    return {
      state$,
      traffic$: new Subject(),
      log$: new Subject(),
      pid$: new Subject(),
      tunTraffic$: new Subject(),
      stop: () => {
        calls.push('stop');
        finish({ phase: 'stopped', at: 2 });
      },
      detach: () => {
        calls.push('detach');
        finish({ phase: 'stopped', at: 2, detached: true });
      },
      done,
    };
  };
  return { calls, attachTunnel };
};

const endpoint = { kind: 'unix', path: '/run/openvpn/client.sock' } as const;

describe('createAttachController', () => {
  it('attaches on start and lets go on detach, leaving openvpn running', async () => {
    const fake = fakeAttach();
    const controller = createAttachController(
      { endpoint },
      {},
      { attachTunnel: fake.attachTunnel },
    );
    controller.start();
    controller.start();
    await expect(controller.detach()).resolves.toEqual({ phase: 'stopped', at: 2, detached: true });
    expect(fake.calls).toEqual(['attach', 'detach']);
  });

  it('stops the attached openvpn on stop, and attaches again on the next start', async () => {
    const fake = fakeAttach();
    const controller = createAttachController(
      { endpoint },
      {},
      { attachTunnel: fake.attachTunnel },
    );
    controller.start();
    await expect(controller.stop()).resolves.toEqual({ phase: 'stopped', at: 2 });
    controller.start();
    expect(fake.calls).toEqual(['attach', 'stop', 'attach']);
  });

  it('has nothing to detach before a start', async () => {
    const fake = fakeAttach();
    const controller = createAttachController(
      { endpoint },
      { now: () => 7 },
      { attachTunnel: fake.attachTunnel },
    );
    await expect(controller.detach()).resolves.toEqual({ phase: 'idle', at: 7 });
    expect(fake.calls).toEqual([]);
  });
});
