import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Secret } from '../../../src/core/secret.js';
import type { Answer, Prompt } from '../../../src/engine/credentials.js';
import { PENDING_AUTH_METHODS } from '../../../src/engine/prepare.js';
import { startTunnel, type Tunnel } from '../../../src/engine/vpn.js';
import * as command from '../../../src/management/command.js';
import type { ClientNotification } from '../../../src/management/notification/types.js';
import { Lab, waitFor } from '../lab/lab.js';
import {
  engineDeps,
  finished,
  profileOf,
  recordingProvider,
  serveLogins,
  settled,
  stopAll,
  type ServedLogins,
} from './auth-support.js';
import type { ManagedServer } from './server-management.js';

/*
 * A real multi-client server holds each login pending (`client-pending-auth`) from its own
 * management interface, driven by the test; the rx-openvpn engine is the client.
 */

const lab = new Lab();
const appId = `it-auth-pending-${process.pid}`;
const tunnels: Tunnel[] = [];
const served: ServedLogins[] = [];
let runtimeBase = '';
const TEST_TIMEOUT_MS = 45_000;
const PENDING_TIMEOUT_S = 60;
const WAIT_MS = 20_000;
// A quote, a backslash, a space and non-ASCII: base64 carries them, the decoded answer must
// match byte for byte.
const CODE = 'c0de "42" \\ ü';
const SIGN_IN_URL = 'http://127.0.0.1/sso/login?session=7f3a&state=x%20y';

beforeAll(async () => {
  runtimeBase = await lab.tempDir();
});
afterEach(async () => {
  await stopAll(tunnels);
  for (const logins of served.splice(0)) logins.close();
});
afterAll(() => lab.cleanup());

const USER_PASS: Answer = { kind: 'UserPass', username: 'pending-user', password: Secret.of('pw') };

/** The server, with every CLIENT block it sends recorded and handed to `decide`. */
const serve = async (decide: (n: ClientNotification, server: ManagedServer) => Promise<void>) => {
  const logins = await serveLogins(lab, decide);
  served.push(logins);
  return logins;
};

const start = (server: ManagedServer, answer: (prompt: Prompt) => Answer) => {
  const asked = recordingProvider(answer);
  const tunnel = startTunnel(
    {
      profile: profileOf(server.server.clientConfig(['auth-user-pass'])),
      appId,
      credentials: asked.provider,
    },
    engineDeps(appId, runtimeBase),
  );
  tunnels.push(tunnel);
  return { tunnel, asked };
};

const answering = (prompt: Prompt): Answer => {
  switch (prompt.kind) {
    case 'ChallengeRequested':
      return { kind: 'Response', response: Secret.of(CODE) };
    case 'WebAuthRequested':
      return { kind: 'Acknowledged' };
    default:
      return USER_PASS;
  }
};

const connectOf = (seen: readonly ClientNotification[]) => seen.find((n) => n.event === 'connect');

/** Asks every login for a code, then lets in only {@link CODE}. */
const challengeServer = () =>
  serve(async (n, server) => {
    if (n.event === 'connect' && n.keyId !== undefined) {
      await server.send(
        command.clientPendingAuth(
          n.clientId,
          n.keyId,
          'CR_TEXT:E,R:Enter your code',
          PENDING_TIMEOUT_S,
        ),
      );
    }
    if (n.event === 'cr-response' && n.keyId !== undefined) {
      const answer = Buffer.from(n.response?.reveal() ?? '', 'base64').toString('utf8');
      await (answer === CODE
        ? server.send(command.clientAuthNt(n.clientId, n.keyId))
        : server.send(command.clientDeny(n.clientId, n.keyId, 'wrong code', 'wrong code')));
    }
  });

describe('a login the server holds pending', () => {
  it(
    'CR_TEXT: the engine announces IV_SSO, answers with cr-response, and connects',
    async () => {
      const { server, seen, failures } = await challengeServer();
      const { tunnel, asked } = start(server, answering);

      expect(await settled(tunnel)).toMatchObject({ phase: 'connected' });
      expect(failures).toEqual([]);
      expect(connectOf(seen)?.env['IV_SSO']).toBe(PENDING_AUTH_METHODS);
      expect(seen.filter((n) => n.event === 'cr-response')).toHaveLength(1);
      expect(asked.prompts.map((p) => p.kind)).toEqual(['UserPassRequested', 'ChallengeRequested']);
      expect(asked.prompts[1]).toEqual({
        kind: 'ChallengeRequested',
        text: 'Enter your code',
        echo: true,
        responseRequired: true,
      });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'CR_TEXT with a wrong code: the server denies it and the start fails with AUTH_FAILED',
    async () => {
      const { server, seen, failures } = await challengeServer();
      const { tunnel } = start(server, (prompt) =>
        prompt.kind === 'ChallengeRequested'
          ? { kind: 'Response', response: Secret.of(`${CODE}-wrong`) }
          : answering(prompt),
      );

      expect(await finished(tunnel)).toMatchObject({
        phase: 'failed',
        error: { code: 'AUTH_FAILED', details: { reason: 'wrong code' } },
      });
      expect(failures).toEqual([]);
      expect(seen.filter((n) => n.event === 'cr-response')).toHaveLength(1);
    },
    TEST_TIMEOUT_MS,
  );

  it.each([
    ['WEB_AUTH', `WEB_AUTH:external:${SIGN_IN_URL}`, ['external']],
    ['OPEN_URL', `OPEN_URL:${SIGN_IN_URL}`, []],
  ] as const)(
    '%s: the URL reaches the application, and a later client-auth-nt connects',
    async (_name, extra, flags) => {
      let pending: { cid: number; kid: number } | undefined;
      const { failures } = await serve(async (n, server) => {
        if (n.event === 'connect' && n.keyId !== undefined) {
          pending = { cid: n.clientId, kid: n.keyId };
          await server.send(
            command.clientPendingAuth(n.clientId, n.keyId, extra, PENDING_TIMEOUT_S),
          );
        }
      });
      const server = (served[0] as ServedLogins).server;
      const { tunnel, asked } = start(server, answering);

      await waitFor(
        () => asked.prompts.some((p) => p.kind === 'WebAuthRequested'),
        WAIT_MS,
        () => `a WebAuthRequested prompt, got ${JSON.stringify(asked.prompts)}`,
      );
      // The server signs the user in only after the application saw the URL.
      const { cid, kid } = pending ?? { cid: -1, kid: -1 };
      await server.send(command.clientAuthNt(cid, kid));

      expect(await settled(tunnel)).toMatchObject({ phase: 'connected' });
      expect(failures).toEqual([]);
      expect(asked.prompts.at(-1)).toEqual({ kind: 'WebAuthRequested', url: SIGN_IN_URL, flags });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'WEB_AUTH then client-deny: the start fails with AUTH_FAILED and the server reason',
    async () => {
      let pending: { cid: number; kid: number } | undefined;
      await serve(async (n, server) => {
        if (n.event === 'connect' && n.keyId !== undefined) {
          pending = { cid: n.clientId, kid: n.keyId };
          await server.send(
            command.clientPendingAuth(
              n.clientId,
              n.keyId,
              `WEB_AUTH::${SIGN_IN_URL}`,
              PENDING_TIMEOUT_S,
            ),
          );
        }
      });
      const server = (served[0] as ServedLogins).server;
      const { tunnel, asked } = start(server, answering);

      await waitFor(
        () => asked.prompts.some((p) => p.kind === 'WebAuthRequested'),
        WAIT_MS,
        () => `a WebAuthRequested prompt, got ${JSON.stringify(asked.prompts)}`,
      );
      const { cid, kid } = pending ?? { cid: -1, kid: -1 };
      await server.send(command.clientDeny(cid, kid, 'sso refused', 'sign-in was refused'));

      expect(await finished(tunnel)).toMatchObject({
        phase: 'failed',
        error: { code: 'AUTH_FAILED', details: { reason: 'sign-in was refused' } },
      });
    },
    TEST_TIMEOUT_MS,
  );
});
