import { afterEach, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { Secret } from '../../../src/core/secret.js';
import * as command from '../../../src/management/command.js';
import type { ManagementSession } from '../../../src/management/session.js';
import { Lab, type LabProcess } from '../lab/lab.js';
import {
  attachTo,
  endOf,
  expectNothingLeft,
  isHold,
  isPasswordEvent,
  isState,
  logNotifications,
  waitGone,
  type NotificationLog,
} from './management-lab.js';

const TEST_TIMEOUT_MS = 60_000;
/** Quotes, backslashes, spaces and non-ASCII: everything the encoder must escape or keep. */
const USERNAME = 'al"i ce\\ü';
const PASSWORD = 'p\\"a ss w€rd"';

const lab = new Lab();
const pids: number[] = [];
const dirs: string[] = [];
const sessions: ManagementSession[] = [];

afterEach(async () => {
  for (const session of sessions.splice(0)) session.close();
  await lab.cleanup();
  expectNothingLeft(pids.splice(0), dirs.splice(0));
});

/**
 * The server's auth-user-pass-verify script (via-file: $1 holds the username on line 1 and the
 * password on line 2). It compares both lines byte for byte with files written by the test, so
 * no credential passes through shell source.
 */
const verifyScript = (expectedDir: string): string =>
  [
    `sed -n 1p "$1" | cmp -s - '${expectedDir}/username' || exit 1`,
    `sed -n 2p "$1" | cmp -s - '${expectedDir}/password' || exit 1`,
    'exit 0',
  ].join('\n');

interface Started {
  readonly client: LabProcess;
  readonly session: ManagementSession;
  readonly log: NotificationLog;
}

/** A pull server that accepts only USERNAME/PASSWORD, and a held client asking via management. */
const start = async (): Promise<Started> => {
  const expected = await lab.tempDir();
  dirs.push(expected);
  await writeFile(join(expected, 'username'), `${USERNAME}\n`, { mode: 0o600 });
  await writeFile(join(expected, 'password'), `${PASSWORD}\n`, { mode: 0o600 });
  const server = await lab.server({ kind: 'pull', verifyScript: verifyScript(expected) });
  pids.push(server.pid);

  const dir = await lab.tempDir();
  dirs.push(dir);
  const config = join(dir, 'client.conf');
  // auth-retry interact: after a refusal openvpn asks again instead of exiting.
  await writeFile(config, server.clientConfig(['auth-user-pass', 'auth-retry interact']), {
    mode: 0o600,
  });
  const path = join(dir, 'm.sock');
  const client = await lab.run([
    '--config',
    config,
    '--management',
    path,
    'unix',
    '--management-query-passwords',
    '--management-hold',
  ]);
  pids.push(client.pid);
  const session = await attachTo({ kind: 'unix', path });
  sessions.push(session);
  const log = logNotifications(session);
  await firstValueFrom(session.send(command.stateRealtime(true)));
  return { client, session, log };
};

const answer = async (session: ManagementSession, password: string): Promise<void> => {
  await expect(firstValueFrom(session.send(command.username('Auth', USERNAME)))).resolves.toBe(
    "'Auth' username entered, but not yet verified",
  );
  await expect(
    firstValueFrom(session.send(command.password('Auth', Secret.of(password)))),
  ).resolves.toBe("'Auth' password entered, but not yet verified");
};

const stop = async ({ client, session, log }: Started): Promise<void> => {
  await firstValueFrom(session.send(command.signal('SIGTERM')));
  await expect(endOf(session)).resolves.toEqual({ kind: 'SessionClosedByPeer' });
  await waitGone(client.pid, client.output);
  log.stop();
};

describe('username and password through the management interface of openvpn 2.6', () => {
  it(
    'sends quotes, backslashes, spaces and non-ASCII byte-exactly, and the client connects',
    async () => {
      const started = await start();
      const { session, log } = started;
      await firstValueFrom(session.send(command.holdRelease()));
      const need = await log.next(isPasswordEvent('need'), ">PASSWORD:Need 'Auth'");
      expect(need).toEqual(
        expect.objectContaining({ authType: 'Auth', need: 'username-password' }),
      );
      await answer(session, PASSWORD);
      await log.next(isState('CONNECTED'), '>STATE CONNECTED');
      expect(log.all().some((n) => n.type === 'password' && n.event !== 'need')).toBe(false);
      await stop(started);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'is refused with a wrong password, then connects when asked again',
    async () => {
      const started = await start();
      const { session, log } = started;
      await firstValueFrom(session.send(command.holdRelease()));
      await log.next(isPasswordEvent('need'), ">PASSWORD:Need 'Auth'");
      await answer(session, `${PASSWORD}x`);
      const failed = await log.next(
        isPasswordEvent('verification-failed'),
        ">PASSWORD:Verification Failed: 'Auth'",
      );
      expect(failed.authType).toBe('Auth');
      expect(log.all().some(isState('CONNECTED'))).toBe(false);

      // openvpn restarts into the hold, then asks again.
      const afterRefusal = log.all().indexOf(failed) + 1;
      await log.next(isHold, '>HOLD after the refusal', afterRefusal);
      await firstValueFrom(session.send(command.holdRelease()));
      await log.next(isPasswordEvent('need'), ">PASSWORD:Need 'Auth' again", afterRefusal);
      await answer(session, PASSWORD);
      await log.next(isState('CONNECTED'), '>STATE CONNECTED');
      await stop(started);
    },
    TEST_TIMEOUT_MS,
  );
});
