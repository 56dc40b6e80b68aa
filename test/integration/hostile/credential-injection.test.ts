import { afterEach, describe, expect, it } from '@jest/globals';
import { firstValueFrom } from 'rxjs';
import { Secret } from '../../../src/core/secret.js';
import * as command from '../../../src/management/command.js';
import { Lab, waitFor } from '../lab/lab.js';
import {
  NOTIFICATION_TIMEOUT_MS,
  expectNothingLeft,
  isState,
} from '../management/management-lab.js';
import {
  fence,
  rawSession,
  receivedCommands,
  recordedAttempt,
  startHeldClient,
  type HeldClient,
} from './injection-lab.js';

const TEST_TIMEOUT_MS = 60_000;
/**
 * `password "Auth" "` is 17 bytes; openvpn 2.6.14 runs a long line's bytes from offset 1025 on as
 * a new command (test/fixtures/transcripts/lexer-limits.txt).
 */
const OVERFLOWING_PASSWORD = `${'a'.repeat(1025 - 17)}signal SIGUSR2 x`;
/** The command openvpn would run from the overflowing line (the closing quote is left over). */
const INJECTED_COMMAND = 'signal SIGUSR2 x"';

const lab = new Lab();
const held: HeldClient[] = [];

afterEach(async () => {
  const started = held.splice(0);
  for (const { session, log } of started) {
    log.stop();
    session.close();
  }
  await lab.cleanup();
  expectNothingLeft(
    started.flatMap((h) => h.pids),
    started.flatMap((h) => h.dirs),
  );
});

const start = async (): Promise<HeldClient> => {
  const client = await startHeldClient(lab);
  held.push(client);
  return client;
};

const sendUsername = (client: HeldClient, username: string) =>
  firstValueFrom(client.session.send(command.username('Auth', username)));

const sendPassword = (client: HeldClient, password: string) =>
  firstValueFrom(client.session.send(command.password('Auth', Secret.of(password))));

/** What the server's via-file holds for a login: both lines, each ending in LF. */
const asRecorded = (username: string, password: string): Buffer =>
  Buffer.from(`${username}\n${password}\n`, 'utf8');

/** Logs in with both values and returns what reached the server. */
const attempt = async (client: HeldClient, username: string, password: string) => {
  await sendUsername(client, username);
  await sendPassword(client, password);
  return recordedAttempt(client);
};

const encodeRefused = (reason: string) =>
  expect.objectContaining({ code: 'ENCODE_REFUSED', details: expect.objectContaining({ reason }) });

/** Nothing after the refusal reached openvpn, it did not restart, and it is still in step. */
const expectUntouched = async (client: HeldClient, from: number): Promise<void> => {
  await fence(client);
  expect(receivedCommands(client.client.output()).slice(from)).toEqual(['pid']);
  expect(client.log.all().some(isState('RECONNECTING'))).toBe(false);
  expect(client.client.output()).not.toMatch(/SIGUSR2|STATISTICS/);
};

const bytes = (n: number, char = 'a'): string => char.repeat(n);

describe('credentials that reach the server exactly as given (openvpn 2.6)', () => {
  const cases: readonly (readonly [string, string, string])[] = [
    ['double quotes', '"al"ice"', '""pa"ss'],
    ['backslashes', '\\al\\\\ice\\', '\\"\\\\"'],
    ['spaces', ' al ice ', '  pa  ss  '],
    ['UTF-8', 'ålïcé€😀', 'пароль€𝄞'],
    ['255 bytes each', bytes(255, 'u'), bytes(255, 'p')],
    ['256 bytes each, the largest parameter', bytes(256, 'u'), bytes(256, 'p')],
    ['256 quotes and 256 backslashes (512 when escaped)', bytes(256, '"'), bytes(256, '\\')],
    ['256 bytes of two-byte characters', bytes(128, 'ü'), bytes(128, 'é')],
  ];

  for (const [what, username, password] of cases) {
    it(
      `${what} arrive byte for byte`,
      async () => {
        const client = await start();
        await expect(attempt(client, username, password)).resolves.toEqual(
          asRecorded(username, password),
        );
      },
      TEST_TIMEOUT_MS,
    );
  }
});

describe('credentials the encoder refuses before writing anything', () => {
  const controls: readonly (readonly [string, string])[] = [
    ['newline', 'a\nsignal SIGUSR2'],
    ['carriage return', 'a\rb'],
    ['tab', 'a\tb'],
    ['NUL', 'a\u0000b'],
  ];

  for (const [what, value] of controls) {
    it(
      `refuses a username with a ${what}, then the prompt still takes a clean login`,
      async () => {
        const client = await start();
        const from = await fence(client);
        await expect(sendUsername(client, value)).rejects.toEqual(
          encodeRefused('control-character'),
        );
        await expectUntouched(client, from);
        await expect(attempt(client, 'alice', 'secret')).resolves.toEqual(
          asRecorded('alice', 'secret'),
        );
      },
      TEST_TIMEOUT_MS,
    );

    it(
      `refuses a password with a ${what}, then the prompt still takes a clean password`,
      async () => {
        const client = await start();
        await sendUsername(client, 'alice');
        const from = await fence(client);
        await expect(sendPassword(client, value)).rejects.toEqual(
          encodeRefused('control-character'),
        );
        await expectUntouched(client, from);
        await sendPassword(client, 'secret');
        await expect(recordedAttempt(client)).resolves.toEqual(asRecorded('alice', 'secret'));
      },
      TEST_TIMEOUT_MS,
    );
  }

  it(
    'refuses a 257-byte username and a 257-byte password (openvpn would echo them in an ERROR)',
    async () => {
      const client = await start();
      const from = await fence(client);
      await expect(sendUsername(client, bytes(257, 'u'))).rejects.toEqual(
        encodeRefused('parameter-too-long'),
      );
      await expect(sendUsername(client, bytes(128, 'ü') + 'u')).rejects.toEqual(
        encodeRefused('parameter-too-long'),
      );
      await expectUntouched(client, from);
      await sendUsername(client, 'alice');
      const afterUsername = await fence(client);
      await expect(sendPassword(client, bytes(257, 'p'))).rejects.toEqual(
        encodeRefused('secret-too-long'),
      );
      await expectUntouched(client, afterUsername);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'refuses a password that would overflow the 1024-byte line into `signal SIGUSR2 x`',
    async () => {
      const client = await start();
      await sendUsername(client, 'alice');
      const from = await fence(client);
      await expect(sendPassword(client, OVERFLOWING_PASSWORD)).rejects.toEqual(
        encodeRefused('secret-too-long'),
      );
      await expectUntouched(client, from);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'the same password written raw would make openvpn run `signal SIGUSR2` (control)',
    async () => {
      const client = await start();
      await sendUsername(client, 'alice');
      client.session.close();
      const raw = await rawSession(client.managementPath);
      raw.write(`password "Auth" "${OVERFLOWING_PASSWORD}"\n`);
      try {
        await waitFor(
          () => receivedCommands(client.client.output()).includes(INJECTED_COMMAND),
          NOTIFICATION_TIMEOUT_MS,
          () => `openvpn to run the injected command:\n${client.client.output()}`,
        );
      } finally {
        raw.destroy();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
