import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { CredentialsProvider } from '../../../src/engine/credentials.js';
import type { LogRecord } from '../../../src/engine/tunnel-output.js';
import { startTunnel, type Tunnel } from '../../../src/engine/vpn.js';
import { Lab, waitFor } from '../lab/lab.js';
import {
  engineDeps,
  finished,
  profileOf,
  recordingProvider,
  softwarePkcs11Module,
  stopAll,
  withoutBlock,
} from './auth-support.js';

/*
 * openvpn 2.6.14 sends >NEED-OK and >NEED-STR only from its PKCS#11 code: `token-insertion-
 * request` when the token of --pkcs11-id is absent, `pkcs11-id-request` under
 * --pkcs11-id-management (pkcs11-openssl.c, pkcs11.c). A software PKCS#11 module with no token
 * is enough to reach both, so these run against the real binary, no hardware needed.
 */

const lab = new Lab();
const appId = `it-auth-need-${process.pid}`;
const tunnels: Tunnel[] = [];
let runtimeBase = '';
const PROMPT_WAIT_MS = 15_000;
const TEST_TIMEOUT_MS = 30_000;
// A serialised PKCS#11 id (manufacturer/model/serial/label/id) naming a token nobody has.
const ABSENT_TOKEN_ID = 'rx-test/model/0001/rx-token/01';
const TOKEN_PROMPT = {
  kind: 'ConfirmationRequested',
  name: 'token-insertion-request',
  message: 'Please insert rx-token token',
} as const;

beforeAll(async () => {
  runtimeBase = await lab.tempDir();
});
afterEach(() => stopAll(tunnels));
afterAll(() => lab.cleanup());

/** A client whose certificate and key come from PKCS#11 instead of inline blocks. */
const pkcs11Profile = (clientConfig: string, extra: readonly string[]) =>
  profileOf(
    [
      withoutBlock(withoutBlock(clientConfig, 'cert'), 'key').trimEnd(),
      `pkcs11-providers ${softwarePkcs11Module()}`,
      ...extra,
    ].join('\n') + '\n',
    // pkcs11-providers loads a shared library: only for profiles one wrote oneself.
    true,
  );

const start = async (extra: readonly string[], credentials: CredentialsProvider) => {
  const server = await lab.server({ kind: 'p2p' });
  const tunnel = startTunnel(
    { profile: pkcs11Profile(server.clientConfig(), extra), appId, credentials },
    engineDeps(appId, runtimeBase),
  );
  tunnels.push(tunnel);
  const logs: LogRecord[] = [];
  tunnel.log$.subscribe((record) => logs.push(record));
  const logged = (text: string): boolean => logs.some((record) => record.text.includes(text));
  return { tunnel, logged };
};

describe('NEED-OK and NEED-STR from real openvpn', () => {
  it(
    'answers a NEED-OK with ok, then with cancel, which ends the start',
    async () => {
      const asked = recordingProvider((_prompt, index) => ({
        kind: 'Confirmed',
        ok: index === 0,
      }));
      const { tunnel, logged } = await start([`pkcs11-id ${ABSENT_TOKEN_ID}`], asked.provider);

      // openvpn asks again after an `ok` while the token is still missing.
      expect(await finished(tunnel)).toMatchObject({ phase: 'failed' });
      expect(asked.prompts).toEqual([TOKEN_PROMPT, TOKEN_PROMPT]);
      // openvpn logs each command it ran, with the arguments as the engine quoted them.
      expect(logged(`MANAGEMENT: CMD 'needok "token-insertion-request" "ok"'`)).toBe(true);
      expect(logged(`MANAGEMENT: CMD 'needok "token-insertion-request" "cancel"'`)).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'answers a NEED-STR with the input the provider gives',
    async () => {
      const asked = recordingProvider((prompt) =>
        prompt.kind === 'InputRequested'
          ? { kind: 'Input', value: ABSENT_TOKEN_ID }
          : { kind: 'Confirmed', ok: false },
      );
      const { tunnel, logged } = await start(['pkcs11-id-management'], asked.provider);

      await waitFor(
        () => asked.prompts.length >= 2,
        PROMPT_WAIT_MS,
        () =>
          `two prompts, got ${JSON.stringify(asked.prompts)} (openvpn 2.6.14 writes ` +
          `">NEED-STR:Need 'pkcs11-id-request' string MSG:...": the notification parser must ` +
          `accept the word "string")`,
      );
      expect(await finished(tunnel)).toMatchObject({ phase: 'failed' });
      // The token named by the input is what openvpn then asks to have inserted.
      expect(asked.prompts).toEqual([
        {
          kind: 'InputRequested',
          name: 'pkcs11-id-request',
          message: 'Please specify PKCS#11 id to use',
        },
        TOKEN_PROMPT,
      ]);
      expect(logged(`MANAGEMENT: CMD 'needstr "pkcs11-id-request" "${ABSENT_TOKEN_ID}"'`)).toBe(
        true,
      );
    },
    TEST_TIMEOUT_MS,
  );
});
