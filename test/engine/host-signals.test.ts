import { describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { silentLogger } from '../../src/core/logger.js';
import {
  HOST_STOP_SIGNALS,
  createHostSignalGuard,
  type GuardedTunnel,
  type HostProcess,
} from '../../src/engine/host-signals.js';
import type { StopKind } from '../../src/engine/tunnel.js';

interface FakeHost extends HostProcess {
  readonly raised: NodeJS.Signals[];
  signal(signal: NodeJS.Signals): void;
}

const fakeHost = (): FakeHost => {
  const emitter = new EventEmitter();
  const raised: NodeJS.Signals[] = [];
  return {
    pid: 4321,
    raised,
    on: (signal, listener) => emitter.on(signal, listener),
    off: (signal, listener) => emitter.off(signal, listener),
    listenerCount: (signal) => emitter.listenerCount(signal),
    kill: (pid, signal) => {
      expect(pid).toBe(4321);
      raised.push(signal);
    },
    signal: (signal) => {
      emitter.emit(signal, signal);
    },
  };
};

interface FakeTunnel {
  readonly stops: StopKind[];
  finish(): void;
  readonly tunnel: GuardedTunnel;
}

const fakeTunnel = (): FakeTunnel => {
  const stops: StopKind[] = [];
  let finish = (): void => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    stops,
    finish: () => finish(),
    tunnel: { stop: (kind) => stops.push(kind), done, logger: silentLogger },
  };
};

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('the host signal guard', () => {
  it('listens only while a tunnel runs', async () => {
    const host = fakeHost();
    const guard = createHostSignalGuard(host);
    expect(HOST_STOP_SIGNALS.map((s) => host.listenerCount(s))).toEqual([0, 0, 0]);
    const a = fakeTunnel();
    const b = fakeTunnel();
    guard.guard(a.tunnel);
    guard.guard(b.tunnel);
    expect(HOST_STOP_SIGNALS.map((s) => host.listenerCount(s))).toEqual([1, 1, 1]);
    a.finish();
    await settle();
    expect(host.listenerCount('SIGINT')).toBe(1);
    b.finish();
    await settle();
    expect(HOST_STOP_SIGNALS.map((s) => host.listenerCount(s))).toEqual([0, 0, 0]);
    expect(host.raised).toEqual([]);
  });

  it('stops every tunnel gracefully, then raises the signal again once all are done', async () => {
    const host = fakeHost();
    const guard = createHostSignalGuard(host);
    const a = fakeTunnel();
    const b = fakeTunnel();
    guard.guard(a.tunnel);
    guard.guard(b.tunnel);
    host.signal('SIGTERM');
    expect([a.stops, b.stops]).toEqual([['graceful'], ['graceful']]);
    a.finish();
    await settle();
    expect(host.raised).toEqual([]);
    b.finish();
    await settle();
    // By then the guard no longer listens, so the raised signal has Node's default effect.
    expect(host.listenerCount('SIGTERM')).toBe(0);
    expect(host.raised).toEqual(['SIGTERM']);
  });

  it('turns a second signal during the stop into a kill, and raises the first once', async () => {
    const host = fakeHost();
    const guard = createHostSignalGuard(host);
    const a = fakeTunnel();
    guard.guard(a.tunnel);
    host.signal('SIGINT');
    host.signal('SIGINT');
    expect(a.stops).toEqual(['graceful', 'kill']);
    a.finish();
    await settle();
    expect(host.raised).toEqual(['SIGINT']);
  });

  it('leaves the signal to a host that listens for it itself', async () => {
    const host = fakeHost();
    const own: NodeJS.Signals[] = [];
    host.on('SIGINT', (signal) => own.push(signal));
    const guard = createHostSignalGuard(host);
    const a = fakeTunnel();
    guard.guard(a.tunnel);
    host.signal('SIGINT');
    a.finish();
    await settle();
    expect(own).toEqual(['SIGINT']);
    expect(a.stops).toEqual(['graceful']);
    expect(host.raised).toEqual([]);
    expect(host.listenerCount('SIGINT')).toBe(1);
  });
});
