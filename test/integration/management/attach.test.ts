import { afterEach, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { Secret } from '../../../src/core/secret.js';
import * as command from '../../../src/management/command.js';
import type { ManagementSession } from '../../../src/management/session.js';
import type { ManagementEndpoint } from '../../../src/management/socket.js';
import { Lab, type LabProcess } from '../lab/lab.js';
import {
  attachTo,
  endOf,
  expectNothingLeft,
  freeTcpPort,
  isState,
  logNotifications,
  waitGone,
} from './management-lab.js';

const TEST_TIMEOUT_MS = 60_000;
const MANAGEMENT_PASSWORD = 'mgmt pässword "quoted"';

const lab = new Lab();
const pids: number[] = [];
const dirs: string[] = [];
const sessions: ManagementSession[] = [];

afterEach(async () => {
  for (const session of sessions.splice(0)) session.close();
  await lab.cleanup();
  expectNothingLeft(pids.splice(0), dirs.splice(0));
});

interface Client {
  readonly process: LabProcess;
  readonly endpoint: ManagementEndpoint;
}

/** A p2p server and a held client whose management interface takes `management` arguments. */
const startClient = async (
  management: (dir: string) => Promise<{ args: string[]; endpoint: ManagementEndpoint }>,
): Promise<Client> => {
  const server = await lab.server({ kind: 'p2p' });
  pids.push(server.pid);
  const dir = await lab.tempDir();
  dirs.push(dir);
  const config = join(dir, 'client.conf');
  await writeFile(config, server.clientConfig(), { mode: 0o600 });
  const { args, endpoint } = await management(dir);
  const client = await lab.run(['--config', config, ...args]);
  pids.push(client.pid);
  return { process: client, endpoint };
};

/** The conversation every client has: notifications on, hold release, queries, SIGTERM. */
const converse = async (client: Client, session: ManagementSession): Promise<void> => {
  sessions.push(session);
  expect(session.banner).toMatch(/^OpenVPN Management Interface Version 5\b/);
  const log = logNotifications(session);
  const history = await firstValueFrom(session.send(command.stateRealtimeWithHistory()));
  expect(history.length).toBeGreaterThan(0);
  await firstValueFrom(session.send(command.bytecount(1)));
  await firstValueFrom(session.send(command.logRealtime(true)));
  await firstValueFrom(session.send(command.holdRelease()));

  const connected = await log.next(isState('CONNECTED'), '>STATE CONNECTED');
  expect(connected.remoteAddress).toBe('127.0.0.1');

  const status = await firstValueFrom(session.send(command.status()));
  expect(status).toEqual(expect.objectContaining({ kind: 'client' }));
  const version = await firstValueFrom(session.send(command.version()));
  expect(version.management).toBe(5);
  expect(version.semver).toEqual(expect.objectContaining({ major: 2, minor: 6 }));
  await expect(firstValueFrom(session.send(command.pid()))).resolves.toBe(client.process.pid);
  expect(log.all().some((n) => n.type === 'log')).toBe(true);

  await firstValueFrom(session.send(command.signal('SIGTERM')));
  await expect(endOf(session)).resolves.toEqual({ kind: 'SessionClosedByPeer' });
  await waitGone(client.process.pid, client.process.output);
  log.stop();
};

describe('a session with openvpn 2.6 listening for its management client', () => {
  it(
    'attaches over a unix socket, follows the client to CONNECTED and ends on SIGTERM',
    async () => {
      const client = await startClient((dir) => {
        const path = join(dir, 'm.sock');
        return Promise.resolve({
          args: ['--management', path, 'unix', '--management-hold'],
          endpoint: { kind: 'unix', path } as const,
        });
      });
      await converse(client, await attachTo(client.endpoint));
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'attaches over TCP on 127.0.0.1 with the password from the password file',
    async () => {
      const client = await startClient(async (dir) => {
        const passwordFile = join(dir, 'management.pw');
        await writeFile(passwordFile, `${MANAGEMENT_PASSWORD}\n`, { mode: 0o600 });
        const port = await freeTcpPort();
        return {
          args: ['--management', '127.0.0.1', String(port), passwordFile, '--management-hold'],
          endpoint: { kind: 'tcp', host: '127.0.0.1', port },
        };
      });
      // openvpn answers a wrong password with another prompt: the attach fails, not loops.
      await expect(
        attachTo(client.endpoint, { password: Secret.of('not the password') }),
      ).rejects.toEqual(expect.objectContaining({ code: 'MANAGEMENT_AUTH_FAILED' }));
      const session = await attachTo(client.endpoint, { password: Secret.of(MANAGEMENT_PASSWORD) });
      await converse(client, session);
    },
    TEST_TIMEOUT_MS,
  );
});
