import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Secret } from '../../../src/core/secret.js';
import type { CredentialsProvider } from '../../../src/engine/credentials.js';
import { startTunnel, type Tunnel } from '../../../src/engine/vpn.js';
import { Lab } from '../lab/lab.js';
import {
  CLIENT_KEY_PASSPHRASE,
  encryptedClientKey,
  engineDeps,
  exactCredentialsScript,
  finished,
  profileOf,
  recordingProvider,
  settled,
  stopAll,
  withBlock,
} from './auth-support.js';

const lab = new Lab();
const appId = `it-auth-challenge-${process.pid}`;
const tunnels: Tunnel[] = [];
let runtimeBase = '';
const CONNECT_TIMEOUT_MS = 45_000;

beforeAll(async () => {
  runtimeBase = await lab.tempDir();
});
afterEach(() => stopAll(tunnels));
afterAll(() => lab.cleanup());

const start = (profileText: string, credentials: CredentialsProvider): Tunnel => {
  const tunnel = startTunnel(
    { profile: profileOf(profileText), appId, credentials },
    engineDeps(appId, runtimeBase),
  );
  tunnels.push(tunnel);
  return tunnel;
};

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

describe('a static challenge', () => {
  it(
    'sends password and response in the SCRV1 form the server checks',
    async () => {
      const password = 'bar';
      const response = 'PIN ü 8675309';
      const server = await lab.server({
        kind: 'pull',
        verifyScript: await exactCredentialsScript(
          await lab.tempDir(),
          'pin-user',
          `SCRV1:${base64(password)}:${base64(response)}`,
        ),
      });
      const asked = recordingProvider(() => ({
        kind: 'UserPass',
        username: 'pin-user',
        password: Secret.of(password),
        response: Secret.of(response),
      }));
      const tunnel = start(
        server.clientConfig(['auth-user-pass', 'static-challenge "Enter PIN" 1']),
        asked.provider,
      );

      expect(await settled(tunnel)).toMatchObject({ phase: 'connected' });
      expect(asked.prompts).toEqual([
        {
          kind: 'UserPassRequested',
          authType: 'Auth',
          fields: ['username', 'password', 'response'],
          staticChallenge: { echo: true, concatenate: false, text: 'Enter PIN' },
        },
      ]);
    },
    CONNECT_TIMEOUT_MS,
  );
});

describe('an encrypted private key', () => {
  const keyProfile = (clientConfig: string): string =>
    withBlock(clientConfig, 'key', encryptedClientKey());

  it(
    'is unlocked with the passphrase the provider gives',
    async () => {
      const server = await lab.server({ kind: 'pull' });
      const asked = recordingProvider(() => ({
        kind: 'Password',
        password: Secret.of(CLIENT_KEY_PASSPHRASE),
      }));
      const tunnel = start(keyProfile(server.clientConfig()), asked.provider);

      expect(await settled(tunnel)).toMatchObject({ phase: 'connected' });
      expect(asked.prompts).toEqual([{ kind: 'PasswordRequested', authType: 'Private Key' }]);
    },
    CONNECT_TIMEOUT_MS,
  );

  it(
    'fails with AUTH_FAILED naming the private key on a wrong passphrase',
    async () => {
      const server = await lab.server({ kind: 'pull' });
      const asked = recordingProvider(() => ({
        kind: 'Password',
        password: Secret.of(`${CLIENT_KEY_PASSPHRASE}-wrong`),
      }));
      const tunnel = start(keyProfile(server.clientConfig()), asked.provider);

      expect(await finished(tunnel)).toMatchObject({
        phase: 'failed',
        error: { code: 'AUTH_FAILED', details: { credential: 'Private Key' } },
      });
      expect(asked.prompts).toHaveLength(1);
    },
    CONNECT_TIMEOUT_MS,
  );
});
