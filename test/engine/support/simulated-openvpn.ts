import { Observable, Subject, type SchedulerLike } from 'rxjs';
import type { ProcessEvent } from '../../../src/process/process-event.js';
import type { ProcessInfo } from '../../../src/process/process-info.js';
import type { ManagementSocket } from '../../../src/management/socket.js';
import {
  createFakeManagementPeer,
  type FakeManagementPeer,
} from '../../../src/testing/fake-management-peer.js';

/** The pid and start time the simulated process runs under. */
export const SIMULATED_PID = 4242;
export const SIMULATED_START_TIME = 7;
const OPENVPN_TIME_S = 1_700_000_000;

/** What the engine did to stop openvpn, as seen from outside: one letter per act. */
export type StopAct = 'management-signal' | NodeJS.Signals;

/**
 * openvpn's management side on virtual time, for pipeline tests: it keeps a state history,
 * answers `state on all` from it, pushes each new state to the link attached at that moment,
 * holds until `hold release`, and may be cut off or made unreachable. Each link is a
 * {@link FakeManagementPeer} whose data subscriptions are recorded.
 */
export interface SimulatedManagement {
  /** openvpn enters a state (`NAME,description,local,remote,port`); pushed when attached. */
  enterState(fields: string): void;
  /** Cuts the current link from openvpn's side. */
  hangUp(): void;
  /** While unreachable, connection attempts are refused. */
  setReachable(reachable: boolean): void;
  /** A new link, as openvpn dialling in or accepting a connection gives it. */
  link(): ManagementSocket;
  /** Frames at which each link's data was subscribed and released, in link order. */
  readonly linkSubscriptions: readonly LinkSubscription[];
  readonly reachable: boolean;
  /** Every stop act, in order: `signal SIGTERM` written, or a signal sent to the pid. */
  readonly stopActs$: Observable<StopAct>;
  /** Records a signal sent to the process (the engine's `kill` port). */
  kill(pid: number, signal: NodeJS.Signals): void;
}

export interface LinkSubscription {
  subscribedFrame: number;
  unsubscribedFrame: number;
}

export function simulateManagement(scheduler: SchedulerLike): SimulatedManagement {
  const history: string[] = [`${OPENVPN_TIME_S},CONNECTING,,,,,,`];
  const stopActs$ = new Subject<StopAct>();
  const linkSubscriptions: LinkSubscription[] = [];
  let held = true;
  let reachable = true;
  let current: FakeManagementPeer | undefined;

  const stateLine = (fields: string): string => {
    const padded = [...fields.split(','), '', '', '', '', ''].slice(0, 5).join(',');
    return `${OPENVPN_TIME_S},${padded},,,`;
  };

  const peer = (): FakeManagementPeer =>
    createFakeManagementPeer(
      {
        afterBanner: held ? ['>HOLD:Waiting for hold release:0'] : [],
        answers: {
          'state on all': () => [
            'SUCCESS: real-time state notification set to ON',
            ...history,
            'END',
          ],
          bytecount: ['SUCCESS: bytecount interval changed'],
          'log on': ['SUCCESS: real-time log notification set to ON'],
          'hold release': () => {
            held = false;
            return ['SUCCESS: hold release succeeded'];
          },
          'signal SIGTERM': () => {
            stopActs$.next('management-signal');
            return ['SUCCESS: signal SIGTERM thrown'];
          },
        },
      },
      scheduler,
    );

  const recorded = (socket: ManagementSocket): ManagementSocket => ({
    ...socket,
    data$: new Observable<Uint8Array>((subscriber) => {
      const log = { subscribedFrame: scheduler.now(), unsubscribedFrame: Infinity };
      linkSubscriptions.push(log);
      const subscription = socket.data$.subscribe(subscriber);
      return () => {
        log.unsubscribedFrame = scheduler.now();
        subscription.unsubscribe();
      };
    }),
  });

  return {
    enterState: (fields) => {
      const line = stateLine(fields);
      history.push(line);
      current?.push(`>STATE:${line}`);
    },
    hangUp: () => {
      current?.hangUp();
      current = undefined;
    },
    setReachable: (value) => {
      reachable = value;
    },
    link: () => {
      current = peer();
      return recorded(current.socket);
    },
    linkSubscriptions,
    get reachable() {
      return reachable;
    },
    stopActs$: stopActs$.asObservable(),
    kill: (_pid, signal) => stopActs$.next(signal),
  };
}

/** `/proc` as the stop ladder sees it: the simulated process until it has exited. */
export function simulatedProcessInfo(exited: () => boolean): ProcessInfo {
  return {
    startTime: (pid) => (pid === SIMULATED_PID && !exited() ? SIMULATED_START_TIME : undefined),
  };
}

/** The process events a diagram's legend letters stand for. */
export const PROCESS_EVENTS: Readonly<Record<string, ProcessEvent>> = {
  s: { kind: 'ProcessSpawned', pid: SIMULATED_PID, startTime: SIMULATED_START_TIME },
  x: { kind: 'ProcessExited', code: 0, signal: null },
  e: { kind: 'ProcessExited', code: 1, signal: null },
  t: { kind: 'ProcessExited', code: null, signal: 'SIGTERM' },
  k: { kind: 'ProcessExited', code: null, signal: 'SIGKILL' },
};
