import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { Subject, map, of, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { silentLogger } from '../../src/core/logger.js';
import { stopInstance$ } from '../../src/engine/stop-instance.js';
import type { ManagementSocket } from '../../src/management/socket.js';
import type { ProcessTable } from '../../src/process/instances-table.js';
import type { OurInstance } from '../../src/process/instances.js';
import type { StopProgress } from '../../src/process/stop-escalation.js';
import { createFakeManagementPeer } from '../../src/testing/fake-management-peer.js';
import { diagram, loadMarbleDoc, row, type MarbleDiagram } from '../support/marble-doc.js';

const DOC = loadMarbleDoc(
  fileURLToPath(new URL('../../marbles/stale-instance.md', import.meta.url)),
);

const TITLES = [
  'obeys the management signal',
  'refused socket goes to SIGTERM at once',
  'dial-in instance gets SIGTERM',
  'hung instance is SIGKILLed',
  'undying instance fails the stop',
] as const;

const PID = 3131;
const START_TIME = 99;
const SOCKET = '/tmp/rx-openvpn-app-dead/mgmt.sock';

const instanceOf = (listenMode: boolean): OurInstance => ({
  kind: 'ours',
  pid: PID,
  startTime: START_TIME,
  argv: [
    '/usr/sbin/openvpn',
    '--management',
    SOCKET,
    'unix',
    ...(listenMode ? [] : ['--management-client']),
  ],
  profile: undefined,
  uptimeMs: undefined,
  engine: { pid: 77, startTime: 5 },
  engineAlive: false,
});

// The table is reached only through the `running` port in these diagrams.
const unusedTable = new Proxy({} as ProcessTable, {
  get: () => {
    throw new Error('the process table is not read here');
  },
});

// A VpnError does not fit in a JSON legend: compare its code and details.
const comparable = (progress: StopProgress): unknown =>
  progress.kind === 'StopFailed'
    ? { kind: progress.kind, error: { code: progress.error.code, details: progress.error.details } }
    : progress;

const runDiagram = (d: MarbleDiagram): void => {
  const scheduler = new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });
  scheduler.run(({ cold, hot, expectObservable }) => {
    let running = true;
    hot(row(d, 'openvpn'), { r: true, x: false }).subscribe((value) => (running = value));
    const stopActs$ = new Subject<string>();
    const peerSocket = (): ManagementSocket =>
      createFakeManagementPeer(
        {
          answers: {
            'signal SIGTERM': () => {
              stopActs$.next('management-signal');
              return ['SUCCESS: signal SIGTERM thrown'];
            },
          },
        },
        scheduler,
      ).socket;
    const socketRow = d.rows.get('socket');
    const stop$ = stopInstance$(instanceOf(socketRow !== undefined), {
      processTable: unusedTable,
      processInfo: { startTime: (pid) => (pid === PID && running ? START_TIME : undefined) },
      scheduler,
      logger: silentLogger,
      kill: (_pid, signal) => stopActs$.next(signal),
      connector: (): Observable<ManagementSocket> =>
        cold(socketRow ?? '#').pipe(map(() => peerSocket())),
      running: () => of(running),
    }).pipe(map(comparable));
    // Watched first: a signal can go out in the very frame the stop is subscribed.
    expectObservable(stopActs$).toBe(d.rows.get('stopActs') ?? '-', d.values);
    expectObservable(stop$).toBe(row(d, 'expected'), d.values);
  });
};

describe('stopInstance$, as drawn in marbles/stale-instance.md', () => {
  it('documents exactly the diagrams this test runs', () => {
    expect(DOC.map((d) => d.title)).toEqual(TITLES);
  });

  it.each(TITLES)('%s', (title) => {
    runDiagram(diagram(DOC, title));
  });
});
