import { describe, expect, it } from '@jest/globals';
import { filter, firstValueFrom, of, throwError, type Observable } from 'rxjs';
import { VpnError } from '../../src/core/errors.js';
import { attachTunnel, attachedVpnState$ } from '../../src/engine/attach-tunnel.js';
import type { AttachDeps } from '../../src/engine/attach-options.js';
import type { ManagementSocket, SocketConnector } from '../../src/management/socket.js';
import type { ProcessTable } from '../../src/process/instances-table.js';
import {
  createFakeManagementPeer,
  type FakeManagementPeer,
} from '../../src/testing/fake-management-peer.js';

// Real time, in milliseconds: the session and the process table answer through promises.
const OPENVPN_PID = 4242;
const START_TIME = 99;
const BASE_TIME_S = 1_700_000_000;
const QUICK = { managementMs: 30, sigtermMs: 30, sigkillMs: 30 };

const peerOf = (onSignal: (peer: FakeManagementPeer) => void = () => undefined) => {
  const peer: FakeManagementPeer = createFakeManagementPeer({
    afterBanner: ['>HOLD:Waiting for hold release:0'],
    answers: {
      state: [
        'SUCCESS: real-time state notification set to ON',
        `${BASE_TIME_S},CONNECTED,SUCCESS,10.8.0.2,127.0.0.1,1194,,`,
        'END',
      ],
      bytecount: ['SUCCESS: bytecount interval changed'],
      log: ['SUCCESS: real-time log notification set to ON'],
      hold: ['SUCCESS: hold flag set'],
      pid: [`SUCCESS: pid=${OPENVPN_PID}`],
      signal: () => {
        onSignal(peer);
        return ['SUCCESS: signal SIGTERM thrown'];
      },
    },
  });
  return peer;
};

/** Hands out `first`, then refuses every later connection, as after openvpn has exited. */
const connectorOf = (first: ManagementSocket): SocketConnector => {
  let made = 0;
  return (): Observable<ManagementSocket> => {
    made += 1;
    return made === 1
      ? of(first)
      : throwError(() => new VpnError('MANAGEMENT_UNREACHABLE', 'connect ECONNREFUSED'));
  };
};

/** A process table where the pid names a running openvpn, or (`local: false`) nothing known. */
const tableOf = (local: boolean): ProcessTable => ({
  list: () => Promise.resolve([]),
  startTime: () => Promise.resolve(local ? START_TIME : undefined),
  argv: () => Promise.resolve(local ? ['/usr/sbin/openvpn', '--config', 'x.conf'] : undefined),
  uptimeMs: () => Promise.resolve(undefined),
});

const depsOf = (peer: FakeManagementPeer, local: boolean, extra: AttachDeps = {}): AttachDeps => ({
  connector: connectorOf(peer.socket),
  processTable: tableOf(local),
  processInfo: { startTime: () => (local ? START_TIME : undefined) },
  ...extra,
});

const written = (peer: FakeManagementPeer): string[] =>
  peer.transcript.filter((t) => t.direction === 'to-openvpn').map((t) => t.text);

const endpoint = { kind: 'unix', path: '/run/openvpn/client.sock' } as const;

describe('an attached tunnel', () => {
  it('reports the pid openvpn tells, and follows it to connected', async () => {
    const peer = peerOf();
    const tunnel = attachTunnel({ endpoint }, depsOf(peer, true));
    const states: string[] = [];
    tunnel.state$.subscribe((s) => states.push(s.phase));
    await expect(firstValueFrom(tunnel.pid$)).resolves.toBe(OPENVPN_PID);
    tunnel.detach();
    await tunnel.done;
    expect(states).toEqual(['starting', 'connecting', 'connected', 'stopped']);
    expect(written(peer)).toEqual(
      expect.arrayContaining(['state "on" "all"', 'pid', 'hold "release"']),
    );
  });

  it('says PERMISSION_DENIED when openvpn ignores the stop and is not ours to signal', async () => {
    const peer = peerOf();
    const signals: string[] = [];
    const kill = (_pid: number, signal: NodeJS.Signals): void => {
      signals.push(signal);
      throw Object.assign(new Error('kill EPERM'), { code: 'EPERM' });
    };
    const tunnel = attachTunnel({ endpoint, stop: QUICK }, depsOf(peer, true, { kill }));
    await firstValueFrom(tunnel.pid$);
    tunnel.stop();
    await expect(tunnel.done).resolves.toMatchObject({
      phase: 'failed',
      error: { code: 'PERMISSION_DENIED', details: { pid: OPENVPN_PID } },
    });
    expect(signals).toEqual(['SIGTERM', 'SIGKILL']);
    expect(written(peer)).toContain('signal "SIGTERM"');
  });

  // openvpn may close the link before its reply to the signal is read: it is exiting.
  it('stops an openvpn it cannot signal through management, and a refused probe ends it', async () => {
    const peer = peerOf((p) => p.hangUp());
    const tunnel = attachTunnel({ endpoint, stop: QUICK }, depsOf(peer, false));
    await firstValueFrom(tunnel.pid$);
    tunnel.stop();
    await expect(tunnel.done).resolves.toEqual({ phase: 'stopped', at: expect.any(Number) });
  });

  it('fails with STOP_FAILED when an openvpn it cannot signal ignores the management signal', async () => {
    const peer = peerOf();
    const tunnel = attachTunnel({ endpoint, stop: QUICK }, depsOf(peer, false));
    await firstValueFrom(tunnel.pid$);
    tunnel.stop();
    await expect(tunnel.done).resolves.toMatchObject({
      phase: 'failed',
      error: { code: 'STOP_FAILED' },
    });
  });

  it('detaches by handing the hold back to openvpn, then closing the link', async () => {
    const peer = peerOf();
    const tunnel = attachTunnel({ endpoint }, depsOf(peer, true));
    await firstValueFrom(tunnel.pid$);
    tunnel.detach();
    await expect(tunnel.done).resolves.toEqual({
      phase: 'stopped',
      at: expect.any(Number),
      detached: true,
    });
    expect(written(peer).slice(-2)).toEqual(['hold "off"', 'hold "release"']);
    expect(peer.closedByClient).toBe(true);
  });

  it('as a cold stream, detaches when the last subscriber leaves', async () => {
    const peer = peerOf();
    const state$ = attachedVpnState$({ endpoint }, depsOf(peer, true));
    await firstValueFrom(state$.pipe(filter((s) => s.phase === 'connected')));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(written(peer)).toContain('hold "off"');
    expect(written(peer)).not.toContain('signal "SIGTERM"');
    expect(peer.closedByClient).toBe(true);
  });

  it('fails at once on a refused endpoint, reaching nothing', async () => {
    let reached = false;
    const tunnel = attachTunnel(
      { endpoint: { kind: 'tcp', host: '10.0.0.1', port: 7505 } },
      {
        connector: () => {
          reached = true;
          return throwError(() => new Error('not reached'));
        },
      },
    );
    await expect(tunnel.done).resolves.toMatchObject({
      phase: 'failed',
      error: { code: 'MANAGEMENT_ENDPOINT_REFUSED' },
    });
    expect(reached).toBe(false);
  });
});
