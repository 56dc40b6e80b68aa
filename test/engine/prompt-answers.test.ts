import { afterEach, describe, expect, it } from '@jest/globals';
import { Observable, firstValueFrom, lastValueFrom, of, throwError, toArray } from 'rxjs';
import { VpnError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { Secret } from '../../src/core/secret.js';
import type { Answer, CredentialsProvider, Prompt } from '../../src/engine/credentials.js';
import { answerPrompts } from '../../src/engine/prompt-answers.js';
import type { TunnelOutput } from '../../src/engine/tunnel-output.js';
import { attachSession, type ManagementSession } from '../../src/management/session.js';
import {
  commandWords,
  createFakeManagementPeer,
  type FakeManagementPeer,
} from '../../src/testing/fake-management-peer.js';

const sessions: ManagementSession[] = [];
afterEach(() => {
  for (const session of sessions.splice(0)) session.close();
});

const NOW_MS = 1_700_000_000_000;
const WAIT_MS = 2_000;

// openvpn 2.6.14's replies to the answering commands.
const success =
  (what: string) =>
  (line: string): readonly string[] => {
    const [, type] = commandWords(line);
    return [`SUCCESS: '${type ?? ''}' ${what}`];
  };

interface Rig {
  readonly peer: FakeManagementPeer;
  readonly prompts: readonly Prompt[];
  /** What answerPrompts emits; resolves when it completes (only a failed start completes). */
  readonly output: Promise<readonly TunnelOutput[]>;
  /** The command lines written to openvpn so far. */
  readonly sent: () => readonly string[];
}

/** A fake openvpn, an attached session, and answerPrompts running with `answer` as provider. */
const rig = async (
  answer: ((prompt: Prompt, index: number) => Observable<Answer>) | undefined,
  profileUsername?: string,
): Promise<Rig> => {
  const peer = createFakeManagementPeer({
    answers: {
      username: success('username entered, but not yet verified'),
      password: success('password entered, but not yet verified'),
      needok: success('needok-confirmation entered, but not yet verified'),
      needstr: success('needstr-string entered, but not yet verified'),
      'cr-response': ['SUCCESS: cr-response command succeeded'],
    },
  });
  const session = await firstValueFrom(attachSession(peer.socket));
  sessions.push(session);
  const prompts: Prompt[] = [];
  const credentials: CredentialsProvider | undefined =
    answer === undefined
      ? undefined
      : (prompt) => {
          prompts.push(prompt);
          return answer(prompt, prompts.length - 1);
        };
  const output = lastValueFrom(
    answerPrompts(session, session.notification$, {
      credentials,
      logger: silentLogger,
      now: () => NOW_MS,
      ...(profileUsername === undefined ? {} : { profileUsername }),
    }).pipe(toArray()),
  );
  const sent = () => peer.transcript.filter((e) => e.direction === 'to-openvpn').map((e) => e.text);
  return { peer, prompts, output, sent };
};

/** Polls every 5 ms until `done` holds; fails after WAIT_MS naming what it waited for. */
const until = async (done: () => boolean, what: () => string): Promise<void> => {
  const deadline = Date.now() + WAIT_MS;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

/** The command lines written, once there are `count` of them. */
const sentLines = async (r: Rig, count: number): Promise<readonly string[]> => {
  await until(
    () => r.sent().length >= count,
    () => `${count} lines, got ${JSON.stringify(r.sent())}`,
  );
  return r.sent();
};

const startFailed = (code: string) => [
  {
    channel: 'event',
    event: { kind: 'StartFailed', at: NOW_MS, error: expect.objectContaining({ code }) },
  },
];

const userPass = (username: string, password: string, response?: string): Observable<Answer> =>
  of({
    kind: 'UserPass',
    username,
    password: Secret.of(password),
    ...(response === undefined ? {} : { response: Secret.of(response) }),
  });

// The dynamic challenge of the management notes, "Dynamic protocol" ("Y3Ix" is "cr1").
const CRV1_FAILED =
  ">PASSWORD:Verification Failed: 'Auth' " +
  "['CRV1:R,E:Om01u7Fh4LrGBS7uh0SWmzwabUiGiW6l:Y3Ix:Please enter token PIN']";
const NEED_AUTH = ">PASSWORD:Need 'Auth' username/password";

describe('answerPrompts: username and password', () => {
  it('sends username and password with quotes and backslashes escaped', async () => {
    const r = await rig(() => userPass('al"i ce\\ü', 'p\\"a ss w€rd"'));
    r.peer.push(NEED_AUTH);
    expect(await sentLines(r, 2)).toEqual([
      'username "Auth" "al\\"i ce\\\\ü"',
      'password "Auth" "p\\\\\\"a ss w€rd\\""',
    ]);
    expect(r.prompts).toEqual([
      { kind: 'UserPassRequested', authType: 'Auth', fields: ['username', 'password'] },
    ]);
  });

  it('asks and sends only the password when openvpn already has the username', async () => {
    const r = await rig(() => userPass('ignored', 'only-this'));
    r.peer.push(">PASSWORD:Need 'Auth' password");
    expect(await sentLines(r, 1)).toEqual(['password "Auth" "only-this"']);
    expect(r.prompts).toEqual([
      { kind: 'UserPassRequested', authType: 'Auth', fields: ['password'] },
    ]);
  });

  it('takes a Password answer when the password is all the prompt asks', async () => {
    const r = await rig(() => of({ kind: 'Password', password: Secret.of('pw') }));
    r.peer.push(">PASSWORD:Need 'Auth' password");
    expect(await sentLines(r, 1)).toEqual(['password "Auth" "pw"']);
  });

  it('asks only the password when the profile holds the username, and sends both', async () => {
    const r = await rig(() => of({ kind: 'Password', password: Secret.of('pw') }), 'prof"ile');
    r.peer.push(NEED_AUTH);
    expect(await sentLines(r, 2)).toEqual(['username "Auth" "prof\\"ile"', 'password "Auth" "pw"']);
    expect(r.prompts).toEqual([
      { kind: 'UserPassRequested', authType: 'Auth', fields: ['password'], username: 'prof"ile' },
    ]);
  });

  it('keeps the profile username to Auth: an HTTP proxy login asks both', async () => {
    const r = await rig(() => userPass('proxy-user', 'proxy-pw'), 'profile-user');
    r.peer.push(">PASSWORD:Need 'HTTP Proxy' username/password");
    expect(await sentLines(r, 2)).toEqual([
      'username "HTTP Proxy" "proxy-user"',
      'password "HTTP Proxy" "proxy-pw"',
    ]);
    expect(r.prompts).toEqual([
      { kind: 'UserPassRequested', authType: 'HTTP Proxy', fields: ['username', 'password'] },
    ]);
  });

  it('fails the start when a Password answers a prompt that asks the username too', async () => {
    const r = await rig(() => of({ kind: 'Password', password: Secret.of('pw') }));
    r.peer.push(NEED_AUTH);
    expect(await r.output).toEqual(startFailed('PROMPT_CANCELLED'));
    expect(r.sent()).toEqual([]);
  });

  it('answers the private key passphrase prompt with a password only', async () => {
    const r = await rig(() => of({ kind: 'Password', password: Secret.of('key pass') }));
    r.peer.push(">PASSWORD:Need 'Private Key' password");
    expect(await sentLines(r, 1)).toEqual(['password "Private Key" "key pass"']);
    expect(r.prompts).toEqual([{ kind: 'PasswordRequested', authType: 'Private Key' }]);
  });
});

describe('answerPrompts: static challenge', () => {
  it('packs password and response as SCRV1:<base64>:<base64>', async () => {
    const r = await rig(() => userPass('foo', 'bar', '8675309'));
    r.peer.push(`${NEED_AUTH} SC:1,Please enter token PIN`);
    // The example of the management notes, "Static protocol".
    expect(await sentLines(r, 2)).toEqual([
      'username "Auth" "foo"',
      'password "Auth" "SCRV1:YmFy:ODY3NTMwOQ=="',
    ]);
    expect(r.prompts).toEqual([
      {
        kind: 'UserPassRequested',
        authType: 'Auth',
        fields: ['username', 'password', 'response'],
        staticChallenge: { echo: true, concatenate: false, text: 'Please enter token PIN' },
      },
    ]);
  });

  it('base64-encodes UTF-8 and sends empty parts for a missing response', async () => {
    const r = await rig(() => userPass('foo', 'pässword'));
    r.peer.push(`${NEED_AUTH} SC:0,PIN`);
    expect(await sentLines(r, 2)).toEqual([
      'username "Auth" "foo"',
      `password "Auth" "SCRV1:${Buffer.from('pässword').toString('base64')}:"`,
    ]);
  });

  it('concatenates password and response when the challenge asks for it (flag 2)', async () => {
    const r = await rig(() => userPass('foo', 'bar', '123'));
    r.peer.push(`${NEED_AUTH} SC:2,PIN`);
    expect(await sentLines(r, 2)).toEqual(['username "Auth" "foo"', 'password "Auth" "bar123"']);
  });
});

describe('answerPrompts: dynamic challenge (CRV1)', () => {
  it('answers at the next Need Auth with the decoded username and CRV1::state::response', async () => {
    const r = await rig(() => userPass('whoever', 'unused', '8675309'));
    r.peer.push(CRV1_FAILED, NEED_AUTH);
    // The example response of the management notes.
    expect(await sentLines(r, 2)).toEqual([
      'username "Auth" "cr1"',
      'password "Auth" "CRV1::Om01u7Fh4LrGBS7uh0SWmzwabUiGiW6l::8675309"',
    ]);
    expect(r.prompts).toEqual([
      {
        kind: 'UserPassRequested',
        authType: 'Auth',
        fields: ['response'],
        username: 'cr1',
        dynamicChallenge: {
          echo: true,
          responseRequired: true,
          stateId: 'Om01u7Fh4LrGBS7uh0SWmzwabUiGiW6l',
          usernameBase64: 'Y3Ix',
          username: 'cr1',
          text: 'Please enter token PIN',
        },
      },
    ]);
  });

  it('takes a Response answer, since the response is all a dynamic challenge asks', async () => {
    const r = await rig(() => of({ kind: 'Response', response: Secret.of('8675309') }));
    r.peer.push(CRV1_FAILED, NEED_AUTH);
    expect(await sentLines(r, 2)).toEqual([
      'username "Auth" "cr1"',
      'password "Auth" "CRV1::Om01u7Fh4LrGBS7uh0SWmzwabUiGiW6l::8675309"',
    ]);
  });

  it('uses a challenge once: a later Need Auth asks for plain credentials', async () => {
    const r = await rig((_prompt, index) =>
      index === 0 ? userPass('x', 'unused', '8675309') : userPass('alice', 'plain'),
    );
    r.peer.push(CRV1_FAILED, NEED_AUTH);
    await sentLines(r, 2);
    r.peer.push(NEED_AUTH);
    expect((await sentLines(r, 4)).slice(2)).toEqual([
      'username "Auth" "alice"',
      'password "Auth" "plain"',
    ]);
    expect(r.prompts[1]).not.toHaveProperty('dynamicChallenge');
  });

  it('keeps the challenge for Auth across a proxy prompt in between', async () => {
    const r = await rig((prompt) =>
      prompt.kind === 'UserPassRequested' && prompt.authType === 'HTTP Proxy'
        ? userPass('proxy-user', 'proxy-pass')
        : userPass('x', 'unused', '42'),
    );
    r.peer.push(CRV1_FAILED, ">PASSWORD:Need 'HTTP Proxy' username/password");
    expect(await sentLines(r, 2)).toEqual([
      'username "HTTP Proxy" "proxy-user"',
      'password "HTTP Proxy" "proxy-pass"',
    ]);
    r.peer.push(NEED_AUTH);
    expect((await sentLines(r, 4)).slice(2)).toEqual([
      'username "Auth" "cr1"',
      'password "Auth" "CRV1::Om01u7Fh4LrGBS7uh0SWmzwabUiGiW6l::42"',
    ]);
  });

  it('forgets the challenge when a later verification failure carries none', async () => {
    const r = await rig(() => userPass('alice', 'plain'));
    r.peer.push(CRV1_FAILED, ">PASSWORD:Verification Failed: 'Auth'", NEED_AUTH);
    expect(await sentLines(r, 2)).toEqual(['username "Auth" "alice"', 'password "Auth" "plain"']);
  });
});

describe('answerPrompts: NEED-OK and NEED-STR', () => {
  it('confirms a NEED-OK with ok or cancel as the provider decides', async () => {
    const r = await rig((_prompt, index) => of({ kind: 'Confirmed', ok: index === 0 }));
    const needOk = ">NEED-OK:Need 'token-insertion-request' confirmation MSG:Please insert token";
    r.peer.push(needOk);
    await sentLines(r, 1);
    r.peer.push(needOk);
    expect(await sentLines(r, 2)).toEqual([
      'needok "token-insertion-request" "ok"',
      'needok "token-insertion-request" "cancel"',
    ]);
    expect(r.prompts[0]).toEqual({
      kind: 'ConfirmationRequested',
      name: 'token-insertion-request',
      message: 'Please insert token',
    });
  });

  it('answers a NEED-STR with the string the provider gives', async () => {
    const r = await rig(() => of({ kind: 'Input', value: 'pkcs11 "id" 1' }));
    r.peer.push(">NEED-STR:Need 'name' input MSG:Please specify your name");
    expect(await sentLines(r, 1)).toEqual(['needstr "name" "pkcs11 \\"id\\" 1"']);
    expect(r.prompts).toEqual([
      { kind: 'InputRequested', name: 'name', message: 'Please specify your name' },
    ]);
  });
});

describe('answerPrompts: failing the start', () => {
  it('fails with AUTH_FAILED when openvpn asks and there is no provider', async () => {
    const r = await rig(undefined);
    r.peer.push(NEED_AUTH);
    expect(await r.output).toEqual(startFailed('AUTH_FAILED'));
    expect(r.sent()).toEqual([]);
  });

  it('fails with PROMPT_CANCELLED when the application cancels', async () => {
    const r = await rig(() => of({ kind: 'Cancelled' }));
    r.peer.push(">PASSWORD:Need 'Private Key' password");
    expect(await r.output).toEqual(startFailed('PROMPT_CANCELLED'));
    expect(r.sent()).toEqual([]);
  });

  it('fails with PROMPT_CANCELLED when the answer does not fit the prompt', async () => {
    const r = await rig(() => of({ kind: 'Input', value: 'not a password' }));
    r.peer.push(">PASSWORD:Need 'Private Key' password");
    expect(await r.output).toEqual(startFailed('PROMPT_CANCELLED'));
    expect(r.sent()).toEqual([]);
  });

  it("keeps a provider error's code, and calls any other error a cancel", async () => {
    const typed = await rig(() => throwError(() => new VpnError('AUTH_FAILED', 'no keyring')));
    typed.peer.push(NEED_AUTH);
    expect(await typed.output).toEqual(startFailed('AUTH_FAILED'));

    const plain = await rig(() => throwError(() => new Error('dialog crashed')));
    plain.peer.push(NEED_AUTH);
    expect(await plain.output).toEqual(startFailed('PROMPT_CANCELLED'));
  });

  it('refuses to send a password openvpn would cut at a line break, and says so', async () => {
    const r = await rig(() => userPass('alice', 'first\nsecond-half'));
    r.peer.push(NEED_AUTH);
    const output = await r.output;
    expect(output).toEqual(startFailed('ENCODE_REFUSED'));
    // The username went out; the password never did, and the failure does not quote it.
    expect(r.sent()).toEqual(['username "Auth" "alice"']);
    expect(JSON.stringify(output)).not.toContain('second-half');
  });

  it('releases a pending provider when openvpn asks something else', async () => {
    let released = false;
    const r = await rig((prompt) =>
      prompt.kind === 'PasswordRequested'
        ? of({ kind: 'Password', password: Secret.of('k') })
        : new Observable<Answer>(() => () => {
            released = true;
          }),
    );
    r.peer.push(NEED_AUTH);
    await until(
      () => r.prompts.length === 1,
      () => 'the first prompt',
    );
    expect(released).toBe(false);
    r.peer.push(">PASSWORD:Need 'Private Key' password");
    expect(await sentLines(r, 1)).toEqual(['password "Private Key" "k"']);
    expect(released).toBe(true);
  });
});

describe('answering a login the server holds pending', () => {
  it('answers a CR_TEXT challenge with cr-response carrying the response in base64', async () => {
    const { peer, prompts, sent } = await rig(() =>
      of<Answer>({ kind: 'Response', response: Secret.of('123 456') }),
    );
    peer.push('>INFOMSG:CR_TEXT:R,E:Enter your one-time code');
    await until(
      () => sent().some((line) => line.startsWith('cr-response')),
      () => 'cr-response',
    );
    expect(prompts).toEqual([
      {
        kind: 'ChallengeRequested',
        text: 'Enter your one-time code',
        echo: true,
        responseRequired: true,
      },
    ]);
    expect(sent()).toContain(`cr-response "${Buffer.from('123 456').toString('base64')}"`);
  });

  it('surfaces a web sign-in address and sends nothing back', async () => {
    const { peer, prompts, sent } = await rig(() => of<Answer>({ kind: 'Acknowledged' }));
    peer.push('>INFOMSG:WEB_AUTH:external:https://sso.example.invalid/login?s=1');
    await until(
      () => prompts.length === 1,
      () => 'the web sign-in prompt',
    );
    expect(prompts[0]).toEqual({
      kind: 'WebAuthRequested',
      url: 'https://sso.example.invalid/login?s=1',
      flags: ['external'],
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sent()).toEqual([]);
  });
});
