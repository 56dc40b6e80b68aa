import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Secret } from '../../../src/core/secret.js';
import type { CredentialsProvider } from '../../../src/engine/credentials.js';
import { startTunnel, type Tunnel } from '../../../src/engine/vpn.js';
import { Lab } from '../lab/lab.js';
import {
  engineDeps,
  exactCredentialsScript,
  finished,
  profileOf,
  recordingProvider,
  settled,
  stopAll,
} from './auth-support.js';

const lab = new Lab();
const appId = `it-auth-user-pass-${process.pid}`;
const tunnels: Tunnel[] = [];
let runtimeBase = '';

// Every character the management lexer treats specially, a space, and UTF-8 beyond Latin-1.
const USERNAME = 'al"i ce\\ü';
const PASSWORD = 'p\\"a ss w€rd"';
const CONNECT_TIMEOUT_MS = 45_000;

beforeAll(async () => {
  runtimeBase = await lab.tempDir();
});
afterEach(() => stopAll(tunnels));
afterAll(() => lab.cleanup());

const userPass = (password: string) =>
  ({ kind: 'UserPass', username: USERNAME, password: Secret.of(password) }) as const;

/** A pull server that accepts exactly USERNAME and PASSWORD. */
const strictServer = async () =>
  lab.server({
    kind: 'pull',
    verifyScript: await exactCredentialsScript(await lab.tempDir(), USERNAME, PASSWORD),
  });

const start = (profileText: string, credentials: CredentialsProvider): Tunnel => {
  const tunnel = startTunnel(
    { profile: profileOf(profileText), appId, credentials },
    engineDeps(appId, runtimeBase),
  );
  tunnels.push(tunnel);
  return tunnel;
};

describe('username and password through the credentials provider', () => {
  it(
    'logs in with quotes, backslashes, spaces and non-ASCII in both, byte for byte',
    async () => {
      const server = await strictServer();
      const asked = recordingProvider(() => userPass(PASSWORD));
      const tunnel = start(server.clientConfig(['auth-user-pass']), asked.provider);

      expect(await settled(tunnel)).toMatchObject({ phase: 'connected' });
      expect(asked.prompts).toEqual([
        { kind: 'UserPassRequested', authType: 'Auth', fields: ['username', 'password'] },
      ]);
    },
    CONNECT_TIMEOUT_MS,
  );

  it(
    'fails with AUTH_FAILED on a wrong password when the profile does not retry',
    async () => {
      const server = await strictServer();
      const asked = recordingProvider(() => userPass(`${PASSWORD}x`));
      const tunnel = start(server.clientConfig(['auth-user-pass']), asked.provider);

      const final = await finished(tunnel);
      expect(final).toMatchObject({ phase: 'failed', error: { code: 'AUTH_FAILED' } });
      expect(asked.prompts).toHaveLength(1);
    },
    CONNECT_TIMEOUT_MS,
  );

  it(
    'asks again after a wrong password with auth-retry interact, then connects',
    async () => {
      const server = await strictServer();
      const asked = recordingProvider((_prompt, index) =>
        userPass(index === 0 ? 'wrong' : PASSWORD),
      );
      const tunnel = start(
        server.clientConfig(['auth-user-pass', 'auth-retry interact']),
        asked.provider,
      );

      expect(await settled(tunnel)).toMatchObject({ phase: 'connected' });
      expect(asked.prompts).toEqual([
        { kind: 'UserPassRequested', authType: 'Auth', fields: ['username', 'password'] },
        { kind: 'UserPassRequested', authType: 'Auth', fields: ['username', 'password'] },
      ]);
    },
    CONNECT_TIMEOUT_MS,
  );

  it(
    'asks only the password when the profile holds the username, and logs in with both',
    async () => {
      const server = await strictServer();
      const asked = recordingProvider(() => ({ kind: 'Password', password: Secret.of(PASSWORD) }));
      const tunnel = start(
        server.clientConfig([`<auth-user-pass>\n${USERNAME}\n</auth-user-pass>`]),
        asked.provider,
      );

      expect(await settled(tunnel)).toMatchObject({ phase: 'connected' });
      expect(asked.prompts).toEqual([
        { kind: 'UserPassRequested', authType: 'Auth', fields: ['password'], username: USERNAME },
      ]);
    },
    CONNECT_TIMEOUT_MS,
  );
});
