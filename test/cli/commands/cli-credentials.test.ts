import { describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { EMPTY, firstValueFrom, lastValueFrom, of, throwError, toArray } from 'rxjs';
import type { Observable } from 'rxjs';
import { createCliCredentials } from '../../../src/cli/commands/cli-credentials.js';
import {
  createTerminalPrompter,
  type TerminalPrompter,
} from '../../../src/cli/commands/terminal-prompter.js';
import { Secret } from '../../../src/core/secret.js';
import type { Answer, Prompt } from '../../../src/engine/credentials.js';

interface Asked {
  readonly question: string;
  readonly hidden: boolean;
}

// A person who types the given lines, one per question, and whose questions are recorded.
const scriptedTerminal = (lines: readonly string[]) => {
  const asked: Asked[] = [];
  const remaining = [...lines];
  const terminal: TerminalPrompter = {
    ask: (question, { hidden }) => {
      asked.push({ question, hidden });
      const line = remaining.shift();
      return line === undefined ? throwError(() => new Error('no more input')) : of(line);
    },
  };
  return { terminal, asked };
};

const AUTH: Prompt = {
  kind: 'UserPassRequested',
  authType: 'Auth',
  fields: ['username', 'password'],
};

// Answers with the secrets revealed, for comparison.
const plain = (answer: Answer): unknown => {
  switch (answer.kind) {
    case 'UserPass':
      return {
        ...answer,
        password: answer.password.reveal(),
        ...(answer.response === undefined ? {} : { response: answer.response.reveal() }),
      };
    case 'Password':
      return { ...answer, password: answer.password.reveal() };
    default:
      return answer;
  }
};

const answer = async (answer$: Observable<Answer>): Promise<unknown> =>
  plain(await firstValueFrom(answer$));

describe('createCliCredentials', () => {
  it('answers the Auth prompt from the auth file without asking anyone', async () => {
    const credentials = createCliCredentials({
      authFile: { username: 'alice', password: Secret.of('pw') },
    });
    expect(await answer(credentials(AUTH))).toEqual({
      kind: 'UserPass',
      username: 'alice',
      password: 'pw',
    });
  });

  it('cancels every prompt when there is neither a terminal nor an auth file', async () => {
    const credentials = createCliCredentials({});
    const prompts: readonly Prompt[] = [
      AUTH,
      { kind: 'PasswordRequested', authType: 'Private Key' },
      { kind: 'ConfirmationRequested', name: 'token', message: 'Insert token' },
      { kind: 'InputRequested', name: 'pin', message: 'PIN' },
    ];
    for (const prompt of prompts) {
      expect(await firstValueFrom(credentials(prompt))).toEqual({ kind: 'Cancelled' });
    }
  });

  it('asks the username in the clear and the password hidden on the terminal', async () => {
    const { terminal, asked } = scriptedTerminal(['bob', 'hunter2']);
    const credentials = createCliCredentials({ terminal });
    expect(await answer(credentials(AUTH))).toEqual({
      kind: 'UserPass',
      username: 'bob',
      password: 'hunter2',
    });
    expect(asked).toEqual([
      { question: 'Username: ', hidden: false },
      { question: 'Password: ', hidden: true },
    ]);
  });

  it('asks only the password when the auth file has no password line', async () => {
    const { terminal, asked } = scriptedTerminal(['typed']);
    const credentials = createCliCredentials({
      authFile: { username: 'carol', password: undefined },
      terminal,
    });
    expect(await answer(credentials(AUTH))).toMatchObject({ username: 'carol', password: 'typed' });
    expect(asked).toEqual([{ question: 'Password: ', hidden: true }]);
  });

  it('asks only the password when the prompt knows the username from the profile', async () => {
    const { terminal, asked } = scriptedTerminal(['typed']);
    const credentials = createCliCredentials({ terminal });
    const prompt: Prompt = { ...AUTH, fields: ['password'], username: 'from-profile' };
    expect(await answer(credentials(prompt))).toMatchObject({
      username: 'from-profile',
      password: 'typed',
    });
    expect(asked).toEqual([{ question: 'Password: ', hidden: true }]);
  });

  it('cancels when the auth file lacks the password and there is no terminal', async () => {
    const credentials = createCliCredentials({
      authFile: { username: 'carol', password: undefined },
    });
    expect(await firstValueFrom(credentials(AUTH))).toEqual({ kind: 'Cancelled' });
  });

  it('asks the static challenge response, echoed as the server says', async () => {
    const { terminal, asked } = scriptedTerminal(['123456']);
    const credentials = createCliCredentials({
      authFile: { username: 'dave', password: Secret.of('pw') },
      terminal,
    });
    const prompt: Prompt = {
      ...AUTH,
      staticChallenge: { echo: true, concatenate: false, text: 'Enter OTP' },
    };
    expect(await answer(credentials(prompt))).toEqual({
      kind: 'UserPass',
      username: 'dave',
      password: 'pw',
      response: '123456',
    });
    expect(asked).toEqual([{ question: 'Enter OTP ', hidden: false }]);
  });

  it('answers a dynamic challenge with the response alone, under its username', async () => {
    const { terminal, asked } = scriptedTerminal(['654321']);
    const credentials = createCliCredentials({ terminal });
    const prompt: Prompt = {
      ...AUTH,
      dynamicChallenge: {
        echo: false,
        responseRequired: true,
        stateId: 'state',
        usernameBase64: 'ZXZl',
        username: 'eve',
        text: 'Code from the app',
      },
    };
    expect(await answer(credentials(prompt))).toMatchObject({
      username: 'eve',
      response: '654321',
    });
    expect(asked).toEqual([{ question: 'Code from the app ', hidden: true }]);
  });

  it('shows a challenge text from the server without its control characters', async () => {
    const { terminal, asked } = scriptedTerminal(['1']);
    const credentials = createCliCredentials({
      authFile: { username: 'dave', password: Secret.of('pw') },
      terminal,
    });
    await firstValueFrom(
      credentials({
        ...AUTH,
        staticChallenge: { echo: true, concatenate: false, text: 'OTP\u001b[2J\u001b]0;x\u0007' },
      }),
    );
    expect(asked[0]?.question).toBe('OTP ');
  });

  it('does not use the auth file for an HTTP proxy login', async () => {
    const { terminal, asked } = scriptedTerminal(['proxyuser', 'proxypw']);
    const credentials = createCliCredentials({
      authFile: { username: 'alice', password: Secret.of('pw') },
      terminal,
    });
    const prompt: Prompt = { ...AUTH, authType: 'HTTP Proxy' };
    expect(await answer(credentials(prompt))).toMatchObject({ username: 'proxyuser' });
    expect(asked.map((a) => a.question)).toEqual([
      'HTTP Proxy username: ',
      'HTTP Proxy password: ',
    ]);
  });

  it('asks a private key passphrase hidden', async () => {
    const { terminal, asked } = scriptedTerminal(['phrase']);
    const credentials = createCliCredentials({ terminal });
    expect(
      await answer(credentials({ kind: 'PasswordRequested', authType: 'Private Key' })),
    ).toEqual({ kind: 'Password', password: 'phrase' });
    expect(asked).toEqual([{ question: 'Private Key password: ', hidden: true }]);
  });

  it('confirms only on yes', async () => {
    const prompt: Prompt = { kind: 'ConfirmationRequested', name: 'token', message: 'Go on?' };
    const yes = createCliCredentials(scriptedTerminal(['y']));
    const no = createCliCredentials(scriptedTerminal(['']));
    expect(await firstValueFrom(yes(prompt))).toEqual({ kind: 'Confirmed', ok: true });
    expect(await firstValueFrom(no(prompt))).toEqual({ kind: 'Confirmed', ok: false });
  });

  it('passes typed input through', async () => {
    const credentials = createCliCredentials(scriptedTerminal(['1234']));
    const prompt: Prompt = { kind: 'InputRequested', name: 'pin', message: 'PIN' };
    expect(await firstValueFrom(credentials(prompt))).toEqual({ kind: 'Input', value: '1234' });
  });

  it('cancels when the terminal input ends', async () => {
    const credentials = createCliCredentials(scriptedTerminal([]));
    expect(await firstValueFrom(credentials(AUTH))).toEqual({ kind: 'Cancelled' });
  });

  it('gives no answer when the person interrupts a question', async () => {
    const terminal: TerminalPrompter = { ask: () => EMPTY };
    const credentials = createCliCredentials({ terminal });
    expect(await lastValueFrom(credentials(AUTH).pipe(toArray()))).toEqual([]);
  });

  it('reads typed credentials from a real readline without echoing the password', async () => {
    const input = new PassThrough();
    let shown = '';
    const output = {
      write: (chunk: string) => {
        shown += chunk;
        return true;
      },
    };
    const terminal = createTerminalPrompter({ input, output, onInterrupt: () => undefined });
    const credentials = createCliCredentials({ terminal });
    const answered = firstValueFrom(credentials(AUTH));
    input.write('frank\r');
    // The password question opens once the username is in.
    await new Promise((resolve) => setImmediate(resolve));
    input.write('t0ps3cret\r');
    expect(plain(await answered)).toEqual({
      kind: 'UserPass',
      username: 'frank',
      password: 't0ps3cret',
    });
    expect(shown).toContain('Username: frank');
    expect(shown).toContain('Password: ');
    expect(shown).not.toContain('t0ps3cret');
  });
});
