import { readFile, writeFile } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import * as command from '../../../src/management/command.js';
import type { ManagementSession } from '../../../src/management/session.js';
import { waitFor, type Lab, type LabProcess } from '../lab/lab.js';
import {
  NOTIFICATION_TIMEOUT_MS,
  attachTo,
  isPasswordEvent,
  logNotifications,
  type NotificationLog,
} from '../management/management-lab.js';

/** A held client asking for `auth-user-pass` on a raw management session. */
export interface HeldClient {
  readonly client: LabProcess;
  readonly session: ManagementSession;
  readonly log: NotificationLog;
  /** Every openvpn and temp dir started for this client, to prove cleanup. */
  readonly pids: readonly number[];
  readonly dirs: readonly string[];
  /** The client's unix management socket. */
  readonly managementPath: string;
  /** Where the server's verify script copies each attempt's credentials file, byte for byte. */
  readonly attemptPath: string;
}

/**
 * The verify script (via-file: $1 holds the username on line 1 and the password on line 2):
 * copies the file unchanged beside it, then refuses, so every attempt is recorded and fails.
 * The rename makes the copy appear whole or not at all.
 */
const recordingScript = (attemptPath: string): string =>
  [
    `cp "$1" '${attemptPath}.part' || exit 1`,
    `mv '${attemptPath}.part' '${attemptPath}'`,
    'exit 1',
  ].join('\n');

/**
 * A pull server that records and refuses every login, and a fresh client at `verb 4` (it logs
 * each management command as `MANAGEMENT: CMD '...'` on stdout) waiting at `>PASSWORD:Need`.
 */
export async function startHeldClient(lab: Lab): Promise<HeldClient> {
  const recordDir = await lab.tempDir();
  const attemptPath = join(recordDir, 'attempt');
  const server = await lab.server({ kind: 'pull', verifyScript: recordingScript(attemptPath) });
  const dir = await lab.tempDir();
  const config = join(dir, 'client.conf');
  await writeFile(config, server.clientConfig(['auth-user-pass', 'verb 4']), { mode: 0o600 });
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
  const session = await attachTo({ kind: 'unix', path });
  const log = logNotifications(session);
  await firstValueFrom(session.send(command.stateRealtime(true)));
  await firstValueFrom(session.send(command.holdRelease()));
  await log.next(isPasswordEvent('need'), ">PASSWORD:Need 'Auth'");
  return {
    client,
    session,
    log,
    pids: [server.pid, client.pid],
    dirs: [recordDir, dir],
    managementPath: path,
    attemptPath,
  };
}

/** The commands openvpn logged as received, in order (verb 4 `MANAGEMENT: CMD '...'` lines). */
export const receivedCommands = (output: string): readonly string[] =>
  [...output.matchAll(/MANAGEMENT: CMD '(.*)'$/gm)].map((match) => match[1] ?? '');

/**
 * Sends `pid` as a fence and waits until openvpn has logged it, so every command written before
 * it has been logged too. Resolves with the number of commands logged so far.
 */
export async function fence({ client, session }: HeldClient): Promise<number> {
  const before = receivedCommands(client.output()).length;
  await firstValueFrom(session.send(command.pid()));
  await waitFor(
    () => receivedCommands(client.output()).slice(before).includes('pid'),
    NOTIFICATION_TIMEOUT_MS,
    () => `openvpn to log the fence command:\n${client.output()}`,
  );
  return receivedCommands(client.output()).length;
}

/** The bytes the server received for the latest attempt, once it has been refused. */
export async function recordedAttempt({ log, attemptPath }: HeldClient): Promise<Buffer> {
  await log.next(isPasswordEvent('verification-failed'), ">PASSWORD:Verification Failed: 'Auth'");
  return readFile(attemptPath);
}

/**
 * A plain socket to the management interface once openvpn has greeted it, for writing bytes the
 * encoder would refuse. openvpn serves one client at a time: close the session first.
 */
export async function rawSession(path: string): Promise<Socket> {
  const socket = createConnection(path);
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('utf8');
  });
  try {
    await waitFor(
      () => received.includes('>INFO:'),
      NOTIFICATION_TIMEOUT_MS,
      () => `the >INFO banner on a raw connection, got ${JSON.stringify(received)}`,
    );
  } catch (error) {
    socket.destroy();
    throw error;
  }
  return socket;
}
