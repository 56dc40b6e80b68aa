import { describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { asyncScheduler, switchMap, takeUntil } from 'rxjs';
import { silentLogger } from '../../src/core/logger.js';
import { driveManagement } from '../../src/engine/management-driver.js';
import { attachSession } from '../../src/management/session.js';
import {
  commandWords,
  createFakeManagementPeer,
  type FakeManagementPeer,
} from '../../src/testing/fake-management-peer.js';

// Real time: the session hands replies on through promises, which virtual time would not run.
const SETTLE_MS = 2_000;

const peer = (): FakeManagementPeer =>
  createFakeManagementPeer(
    {
      afterBanner: ['>HOLD:Waiting for hold release:0'],
      answers: {
        'state on all': ['SUCCESS: real-time state notification set to ON', 'END'],
        bytecount: ['SUCCESS: bytecount interval changed'],
        'log on': ['SUCCESS: real-time log notification set to ON'],
        'hold release': ['SUCCESS: hold release succeeded'],
      },
    },
    asyncScheduler,
  );

const commandsOf = (fake: FakeManagementPeer): string[] =>
  fake.transcript
    .filter((entry) => entry.direction === 'to-openvpn')
    .map((entry) => commandWords(entry.text).join(' '));

/** The commands the driver writes up to and including its first hold release. */
async function setupCommands(managementLog: boolean): Promise<string[]> {
  const fake = peer();
  const subscription = attachSession(fake.socket, { logger: silentLogger })
    .pipe(
      switchMap((session) =>
        driveManagement(session, {
          now: () => Date.now(),
          scheduler: asyncScheduler,
          logger: silentLogger,
          bytecountIntervalS: 1,
          credentials: undefined,
          managementLog,
        }).pipe(takeUntil(session.end$)),
      ),
    )
    .subscribe();
  const deadline = Date.now() + SETTLE_MS;
  while (!commandsOf(fake).includes('hold release') && Date.now() < deadline) await sleep(5);
  subscription.unsubscribe();
  return commandsOf(fake);
}

describe('the management driver', () => {
  it('leaves the log to stdout for an openvpn it spawned: no `log on`', async () => {
    expect(await setupCommands(false)).toEqual(['state on all', 'bytecount 1', 'hold release']);
  });

  it('asks for the log over management when that is the only log there is', async () => {
    expect(await setupCommands(true)).toEqual([
      'state on all',
      'bytecount 1',
      'log on',
      'hold release',
    ]);
  });
});
