import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { firstValueFrom } from 'rxjs';
import { Secret } from '../../../src/core/secret.js';
import type { Answer, Prompt } from '../../../src/engine/credentials.js';
import type { LogRecord } from '../../../src/engine/tunnel-output.js';
import { startTunnel, type Tunnel } from '../../../src/engine/vpn.js';
import * as command from '../../../src/management/command.js';
import type { ClientNotification } from '../../../src/management/notification/types.js';
import type { TranscriptLine } from '../../../src/management/transcript.js';
import type { VpnState } from '../../../src/state/vpn-state.js';
import { Lab, waitFor } from '../lab/lab.js';
import {
  engineDeps,
  finished,
  profileOf,
  recordingLogger,
  recordingProvider,
  recordTunnel,
  serveLogins,
  settled,
  stopAll,
  type RecordingLogger,
  type RecordingProvider,
  type ServedLogins,
} from './auth-support.js';
import type { ManagedServer } from './server-management.js';

/*
 * Two ways a real multi-client server (openvpn 2.6, deciding logins from its own management
 * interface, driven by the test) goes beyond one username and password, with the rx-openvpn
 * engine as the client: the dynamic challenge (CRV1, management-notes "Dynamic protocol"), and
 * a pushed auth-token that replaces the password on reconnect.
 */

const lab = new Lab();
const appId = `it-auth-dynamic-${process.pid}`;
const tunnels: Tunnel[] = [];
const served: ServedLogins[] = [];
let runtimeBase = '';
const TEST_TIMEOUT_MS = 60_000;
const WAIT_MS = 30_000;

const FIRST_USERNAME = 'first-login';
const FIRST_PASSWORD = 'first-password';
// What the CRV1 challenge hands back: the username (non-ASCII, so base64 must decode UTF-8),
// an opaque state id (no colon, per the spec) and a text that may itself hold colons.
const CHALLENGED_USERNAME = 'challenged-üser';
const STATE_ID = 'crv1-state-7c41e9';
const CHALLENGE_TEXT = 'Enter the PIN: from your token';
// A quote, a backslash, a space and non-ASCII: the server compares them byte for byte.
const RESPONSE = '8675 "309" \\ ü';
const CHALLENGE_ANSWER = `CRV1::${STATE_ID}::${RESPONSE}`;
// The server's plain reason for a wrong response.
const WRONG_RESPONSE = 'wrong response';
const TOKEN = 'AUTH-TOKEN-SENTINEL-3b8f1d';

beforeAll(async () => {
  runtimeBase = await lab.tempDir();
});
afterEach(async () => {
  await stopAll(tunnels);
  for (const logins of served.splice(0)) logins.close();
});
afterAll(() => lab.cleanup());

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

const challengeOf = (flags: string): string =>
  `CRV1:${flags}:${STATE_ID}:${base64(CHALLENGED_USERNAME)}:${CHALLENGE_TEXT}`;

const serve = async (decide: (n: ClientNotification, server: ManagedServer) => Promise<void>) => {
  const logins = await serveLogins(lab, decide);
  served.push(logins);
  return logins;
};

/** A tunnel with all it reports kept: states, log records, logger records, transcript. */
interface Watched {
  readonly tunnel: Tunnel;
  readonly asked: RecordingProvider;
  readonly states: readonly VpnState[];
  readonly logs: readonly LogRecord[];
  readonly logger: RecordingLogger;
  readonly transcript: readonly TranscriptLine[];
}

const start = (
  server: ManagedServer,
  extra: readonly string[],
  answer: (prompt: Prompt, index: number) => Answer,
): Watched => {
  const asked = recordingProvider(answer);
  const logger = recordingLogger();
  const transcript: TranscriptLine[] = [];
  const tunnel = startTunnel(
    {
      profile: profileOf(server.server.clientConfig(['auth-user-pass', ...extra])),
      appId,
      credentials: asked.provider,
      logger,
      transcript: (line) => transcript.push(line),
    },
    engineDeps(appId, runtimeBase),
  );
  tunnels.push(tunnel);
  return { tunnel, asked, ...recordTunnel(tunnel), logger, transcript };
};

const connects = (logins: ServedLogins): ClientNotification[] =>
  logins.seen.filter((n) => n.event === 'connect');

/** The username and password of each CONNECT, as the server's management received them. */
const credentialsOf = (logins: ServedLogins) =>
  connects(logins).map((n) => ({ username: n.env['username'], password: n.password?.reveal() }));

const phases = (states: readonly VpnState[]) => states.map((s) => s.phase);

describe('a dynamic challenge (CRV1)', () => {
  const firstLogin: Answer = {
    kind: 'UserPass',
    username: FIRST_USERNAME,
    password: Secret.of(FIRST_PASSWORD),
  };
  /** Answers the challenge with `response`, and any other prompt with the first login. */
  const answering =
    (response: string) =>
    (prompt: Prompt): Answer =>
      prompt.kind === 'UserPassRequested' && prompt.dynamicChallenge !== undefined
        ? { kind: 'Response', response: Secret.of(response) }
        : firstLogin;

  /**
   * Denies a login with the challenge unless it answers one; lets in only the challenged
   * username with {@link CHALLENGE_ANSWER}, and denies any other answer with a plain reason.
   */
  const challengingServer = (flags: string) =>
    serve(async (n, server) => {
      if (n.event !== 'connect' || n.keyId === undefined) return;
      const password = n.password?.reveal() ?? '';
      if (!password.startsWith('CRV1::')) {
        await server.send(command.clientDeny(n.clientId, n.keyId, 'challenge', challengeOf(flags)));
      } else if (n.env['username'] === CHALLENGED_USERNAME && password === CHALLENGE_ANSWER) {
        await server.send(command.clientAuthNt(n.clientId, n.keyId));
      } else {
        await server.send(command.clientDeny(n.clientId, n.keyId, WRONG_RESPONSE, WRONG_RESPONSE));
      }
    });

  const challengePrompt = (echo: boolean): Prompt => ({
    kind: 'UserPassRequested',
    authType: 'Auth',
    fields: ['response'],
    username: CHALLENGED_USERNAME,
    dynamicChallenge: {
      echo,
      responseRequired: true,
      stateId: STATE_ID,
      usernameBase64: base64(CHALLENGED_USERNAME),
      username: CHALLENGED_USERNAME,
      text: CHALLENGE_TEXT,
    },
  });
  const loginPrompt: Prompt = {
    kind: 'UserPassRequested',
    authType: 'Auth',
    fields: ['username', 'password'],
  };

  it.each([
    ['R,E', true],
    ['R', false],
  ] as const)(
    'flags %s: with auth-retry interact the engine answers the challenge at the next prompt and connects',
    async (flags, echo) => {
      const logins = await challengingServer(flags);
      const run = start(logins.server, ['auth-retry interact'], answering(RESPONSE));

      expect(await settled(run.tunnel)).toMatchObject({ phase: 'connected' });
      expect(logins.failures).toEqual([]);
      // The challenge answer reached the server's management byte for byte.
      expect(credentialsOf(logins)).toEqual([
        { username: FIRST_USERNAME, password: FIRST_PASSWORD },
        { username: CHALLENGED_USERNAME, password: CHALLENGE_ANSWER },
      ]);
      // The challenge text and its flags reach the application with the prompt that answers it.
      expect(run.asked.prompts).toEqual([loginPrompt, challengePrompt(echo)]);
      // openvpn restarts to ask again: a reconnect, never a failure.
      expect(phases(run.states)).not.toContain('failed');
      expect(phases(run.states)).toContain('reconnecting');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'keeps the state id out of the logger, and out of states and log$ but where openvpn puts it',
    async () => {
      const logins = await challengingServer('R,E');
      const run = start(logins.server, ['auth-retry interact'], answering(RESPONSE));

      expect(await settled(run.tunnel)).toMatchObject({ phase: 'connected' });
      expect(run.logger.records.length).toBeGreaterThan(0);
      for (const record of run.logger.records) {
        expect(JSON.stringify(record)).not.toContain(STATE_ID);
      }
      // openvpn 2.6 logs the server's AUTH_FAILED message even at verb 0, and log$ relays
      // openvpn's lines as they are: that line is the only one with the state id.
      const logged = run.logs.filter((r) => r.text.includes(STATE_ID)).map((r) => r.text);
      expect(logged.length).toBeGreaterThan(0);
      for (const text of logged) {
        expect(text).toMatch(/AUTH: Received control message: AUTH_FAILED,CRV1:/);
      }
      expect(run.states.length).toBeGreaterThan(3);
      for (const state of run.states) expect(JSON.stringify(state)).not.toContain(STATE_ID);
      expect(JSON.stringify(run.states.at(-1))).not.toContain(STATE_ID);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a wrong response: openvpn asks a fresh login without the spent challenge; a cancel ends it',
    async () => {
      const logins = await challengingServer('R,E');
      const run = start(logins.server, ['auth-retry interact'], (prompt, index) =>
        index >= 2 ? { kind: 'Cancelled' } : answering(`${RESPONSE}-wrong`)(prompt),
      );

      expect(await finished(run.tunnel)).toMatchObject({
        phase: 'failed',
        error: { code: 'PROMPT_CANCELLED' },
      });
      expect(logins.failures).toEqual([]);
      expect(credentialsOf(logins)).toEqual([
        { username: FIRST_USERNAME, password: FIRST_PASSWORD },
        { username: CHALLENGED_USERNAME, password: `CRV1::${STATE_ID}::${RESPONSE}-wrong` },
      ]);
      // auth-retry interact (marbles/auth-retry.md): each refusal is a reconnect that asks
      // again; the third prompt is a plain login, since the server's challenge was used up.
      expect(run.asked.prompts).toEqual([loginPrompt, challengePrompt(true), loginPrompt]);
      // The second refusal's own reason replaces the challenge, which gave none.
      expect(run.states).toContainEqual(
        expect.objectContaining({
          phase: 'reconnecting',
          reason: 'auth-failed',
          attempt: 2,
          lastError: expect.objectContaining({
            code: 'AUTH_FAILED',
            details: expect.objectContaining({ reason: WRONG_RESPONSE }),
          }),
        }),
      );
      expect(phases(run.states).indexOf('failed')).toBe(run.states.length - 1);
      expect(run.logs.map((r) => r.text)).toContainEqual(
        expect.stringContaining(`AUTH_FAILED,${WRONG_RESPONSE}`),
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'without auth-retry interact openvpn exits at the challenge: AUTH_FAILED, challenge unseen',
    async () => {
      const logins = await challengingServer('R,E');
      const run = start(logins.server, [], answering(RESPONSE));

      // management-notes: under the default `auth-retry none` openvpn exits on the CRV1
      // refusal, so the application never gets to answer it.
      expect(await finished(run.tunnel)).toMatchObject({
        phase: 'failed',
        error: { code: 'AUTH_FAILED' },
      });
      expect(logins.failures).toEqual([]);
      expect(credentialsOf(logins)).toEqual([
        { username: FIRST_USERNAME, password: FIRST_PASSWORD },
      ]);
      expect(run.asked.prompts).toEqual([loginPrompt]);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('a pushed auth-token', () => {
  const USERNAME = 'token-user';
  const PASSWORD = 'token-password';

  /**
   * Lets in the user's password or the token, pushing the token each time (openvpn 2.6
   * accepts `push "auth-token ..."` among client-auth's lines); with `refuseFirstToken` the
   * first login with the token is denied, as a server does with an expired one.
   */
  const tokenServer = (refuseFirstToken = false) => {
    let tokenRefused = false;
    return serve(async (n, server) => {
      if (n.event !== 'connect' || n.keyId === undefined) return;
      const password = n.password?.reveal();
      const known = n.env['username'] === USERNAME && (password === PASSWORD || password === TOKEN);
      const refuse = refuseFirstToken && password === TOKEN && !tokenRefused;
      if (refuse) tokenRefused = true;
      await (known && !refuse
        ? server.send(command.clientAuth(n.clientId, n.keyId, [`push "auth-token ${TOKEN}"`]))
        : server.send(command.clientDeny(n.clientId, n.keyId, 'refused', 'token expired')));
    });
  };

  const login = (): Answer => ({
    kind: 'UserPass',
    username: USERNAME,
    password: Secret.of(PASSWORD),
  });

  /** Waits until the tunnel has left `connected` and come back to it. */
  const reconnected = (run: Watched) =>
    waitFor(
      () => {
        const left = phases(run.states).indexOf('reconnecting');
        return left >= 0 && phases(run.states).slice(left).includes('connected');
      },
      WAIT_MS,
      () => `a reconnect then connected, got ${phases(run.states).join(' ')}`,
    );

  const restarts: Record<string, (logins: ServedLogins, run: Watched) => Promise<void>> = {
    'the server restarts the client (client-kill RESTART)': async (logins) => {
      const first = connects(logins)[0];
      await logins.server.send(command.clientKill(first?.clientId ?? -1, 'RESTART'));
    },
    'openvpn gets SIGUSR1': async (_logins, run) => {
      process.kill(await firstValueFrom(run.tunnel.pid$), 'SIGUSR1');
    },
  };

  it.each(Object.entries(restarts))(
    '%s: the reconnect logs in with the token, without asking the provider',
    async (_name, restart) => {
      const logins = await tokenServer();
      const run = start(logins.server, [], login);

      expect(await settled(run.tunnel)).toMatchObject({ phase: 'connected' });
      await restart(logins, run);
      await reconnected(run);

      expect(run.states.at(-1)).toMatchObject({ phase: 'connected' });
      expect(logins.failures).toEqual([]);
      expect(credentialsOf(logins)).toEqual([
        { username: USERNAME, password: PASSWORD },
        { username: USERNAME, password: TOKEN },
      ]);
      expect(run.asked.prompts).toEqual([
        { kind: 'UserPassRequested', authType: 'Auth', fields: ['username', 'password'] },
      ]);
      // The token reached openvpn (`>PASSWORD:Auth-Token`) and went back out, and the
      // application saw it nowhere.
      const parts = {
        states: run.states,
        logs: run.logs,
        logger: run.logger.records,
        transcript: run.transcript,
      };
      for (const [part, records] of Object.entries(parts)) {
        // Named by part, so a failure says where the token leaked; each part holds something.
        const leaked = records.filter((r) => JSON.stringify(r).includes(TOKEN)).length;
        expect({ part, leaked, empty: records.length === 0 }).toEqual({
          part,
          leaked: 0,
          empty: false,
        });
      }
      expect(run.transcript.map((l) => l.text)).toContain('>PASSWORD:Auth-Token:[redacted]');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a token the server refuses: openvpn drops it, the provider is asked again, and it connects',
    async () => {
      const logins = await tokenServer(true);
      const run = start(logins.server, [], login);

      expect(await settled(run.tunnel)).toMatchObject({ phase: 'connected' });
      await logins.server.send(command.clientKill(connects(logins)[0]?.clientId ?? -1, 'RESTART'));
      await waitFor(
        () => connects(logins).length >= 3 && run.states.at(-1)?.phase === 'connected',
        WAIT_MS,
        () => `a third login then connected, got ${phases(run.states).join(' ')}`,
      );

      expect(logins.failures).toEqual([]);
      expect(credentialsOf(logins)).toEqual([
        { username: USERNAME, password: PASSWORD },
        { username: USERNAME, password: TOKEN },
        { username: USERNAME, password: PASSWORD },
      ]);
      // openvpn 2.6 clears a refused token and reconnects (`auth-failure (auth-token)`) even
      // under auth-retry none, then asks for the login as at the start.
      expect(run.asked.prompts).toHaveLength(2);
      expect(run.states).toContainEqual(
        expect.objectContaining({ reason: 'auth-failed', rawReason: 'auth-failure (auth-token)' }),
      );
      expect(phases(run.states)).not.toContain('failed');
    },
    TEST_TIMEOUT_MS,
  );
});
