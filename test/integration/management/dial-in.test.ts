import { afterEach, describe, expect, it } from '@jest/globals';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { firstValueFrom, switchMap, take, timeout } from 'rxjs';
import * as command from '../../../src/management/command.js';
import { attachSession, type ManagementSession } from '../../../src/management/session.js';
import { listenManagement, type ManagementListener } from '../../../src/management/socket.js';
import { Lab } from '../lab/lab.js';
import { EXIT_TIMEOUT_MS, endOf, expectNothingLeft, waitGone } from './management-lab.js';

const TEST_TIMEOUT_MS = 60_000;

const lab = new Lab();
const pids: number[] = [];
const dirs: string[] = [];
const sessions: ManagementSession[] = [];
const listeners: ManagementListener[] = [];

afterEach(async () => {
  for (const session of sessions.splice(0)) session.close();
  await Promise.all(listeners.splice(0).map((l) => l.close()));
  await lab.cleanup();
  expectNothingLeft(pids.splice(0), dirs.splice(0));
});

describe('a session with openvpn 2.6 dialling in (--management-client)', () => {
  it(
    'attaches on the accepted connection, and openvpn exits by itself when the session closes',
    async () => {
      const server = await lab.server({ kind: 'p2p' });
      pids.push(server.pid);
      const dir = await lab.tempDir();
      dirs.push(dir);
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
      const config = join(dir, 'client.conf');
      await writeFile(config, server.clientConfig(), { mode: 0o600 });
      const path = join(dir, 'm.sock');
      const listener = await listenManagement({ kind: 'unix', path });
      listeners.push(listener);
      const attached = firstValueFrom(
        listener.connection$.pipe(
          take(1),
          switchMap((socket) => attachSession(socket)),
          timeout(EXIT_TIMEOUT_MS),
        ),
      );

      const client = await lab.run([
        '--config',
        config,
        '--management',
        path,
        'unix',
        '--management-client',
        '--management-hold',
      ]);
      pids.push(client.pid);
      const session = await attached;
      sessions.push(session);
      expect(session.banner).toMatch(/^OpenVPN Management Interface Version 5\b/);
      await expect(firstValueFrom(session.send(command.pid()))).resolves.toBe(client.pid);
      await expect(firstValueFrom(session.send(command.holdQuery()))).resolves.toBe(true);

      // openvpn 2.6 exits when its management connection is lost ("Triggering management exit").
      session.close();
      await expect(endOf(session)).resolves.toEqual({ kind: 'SessionClosedByUs' });
      await waitGone(client.pid, client.output);
      expect(client.output()).toMatch(/MANAGEMENT: Triggering management exit/);
    },
    TEST_TIMEOUT_MS,
  );
});
