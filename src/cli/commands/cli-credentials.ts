import { catchError, concatMap, map, of, type Observable } from 'rxjs';
import { Secret } from '../../core/secret.js';
import type { Answer, CredentialsProvider, Prompt } from '../../engine/credentials.js';
import { sanitizeForTerminal } from '../sanitize.js';
import type { AuthFileCredentials } from './auth-file.js';
import type { TerminalPrompter } from './terminal-prompter.js';

/** Where the CLI finds answers: the auth file first, then the person at the terminal. */
export interface CliCredentialsOptions {
  /** From `--auth-file`; answers openvpn's `Auth` username and password. */
  readonly authFile?: AuthFileCredentials;
  /** Absent when stdin or stderr is not a terminal: nothing can be asked then. */
  readonly terminal?: TerminalPrompter;
  /** Tells the person something without asking (the web sign-in address). */
  readonly notify?: (message: string) => void;
}

const CANCELLED: Answer = { kind: 'Cancelled' };
const YES = /^y(es)?$/i;

type UserPassPrompt = Extract<Prompt, { kind: 'UserPassRequested' }>;

// openvpn's prompt names (`Auth`, `HTTP Proxy`, `Private Key`) as the person reads them.
const labelOf = (authType: string, what: string): string =>
  authType === 'Auth' ? what : `${sanitizeForTerminal(authType)} ${what.toLowerCase()}`;

// A challenge text comes from the server: shown sanitised.
const challengeQuestion = (text: string): string => `${sanitizeForTerminal(text)} `;

const userPass = (
  prompt: UserPassPrompt,
  options: CliCredentialsOptions,
  terminal: TerminalPrompter | undefined,
): Observable<Answer> => {
  const dynamic = prompt.dynamicChallenge;
  if (dynamic !== undefined) {
    // The second round of a dynamic challenge: only the response is new.
    if (terminal === undefined) return of(CANCELLED);
    return terminal.ask(challengeQuestion(dynamic.text), { hidden: !dynamic.echo }).pipe(
      map((response): Answer => ({
        kind: 'UserPass',
        username: dynamic.username,
        password: Secret.of(''),
        response: Secret.of(response),
      })),
    );
  }
  const file = prompt.authType === 'Auth' ? options.authFile : undefined;
  const challenge = prompt.staticChallenge;
  // The username is known (from the profile) when the prompt does not ask for it.
  const asksUsername = prompt.fields.includes('username');
  const asksPassword = prompt.fields.includes('password');
  const needsUsername = asksUsername && file === undefined;
  const needsPassword = asksPassword && file?.password === undefined;
  if (terminal === undefined && (needsUsername || needsPassword || challenge !== undefined)) {
    return of(CANCELLED);
  }
  const ask = (question: string, hidden: boolean): Observable<string> =>
    terminal === undefined ? of('') : terminal.ask(question, { hidden });
  const username$ = !asksUsername
    ? of(prompt.username ?? '')
    : file === undefined
      ? ask(`${labelOf(prompt.authType, 'Username')}: `, false)
      : of(file.username);
  const password$: Observable<Secret> = !asksPassword
    ? of(Secret.of(''))
    : file?.password !== undefined
      ? of(file.password)
      : ask(`${labelOf(prompt.authType, 'Password')}: `, true).pipe(
          map((typed) => Secret.of(typed)),
        );
  const response$: Observable<Secret | undefined> =
    challenge === undefined
      ? of(undefined)
      : ask(challengeQuestion(challenge.text), !challenge.echo).pipe(
          map((typed) => Secret.of(typed)),
        );
  return username$.pipe(
    concatMap((username) =>
      password$.pipe(
        concatMap((password) =>
          response$.pipe(
            map((response): Answer => ({
              kind: 'UserPass',
              username,
              password,
              ...(response === undefined ? {} : { response }),
            })),
          ),
        ),
      ),
    ),
  );
};

const answerOf = (
  prompt: Prompt,
  options: CliCredentialsOptions,
  terminal: TerminalPrompter | undefined,
): Observable<Answer> => {
  switch (prompt.kind) {
    case 'UserPassRequested':
      return userPass(prompt, options, terminal);
    case 'PasswordRequested':
      return terminal === undefined
        ? of(CANCELLED)
        : terminal
            .ask(`${labelOf(prompt.authType, 'Password')}: `, { hidden: true })
            .pipe(map((typed): Answer => ({ kind: 'Password', password: Secret.of(typed) })));
    case 'ConfirmationRequested':
      return terminal === undefined
        ? of(CANCELLED)
        : terminal
            .ask(`${sanitizeForTerminal(prompt.message)} [y/N] `, { hidden: false })
            .pipe(map((typed): Answer => ({ kind: 'Confirmed', ok: YES.test(typed.trim()) })));
    case 'InputRequested':
      return terminal === undefined
        ? of(CANCELLED)
        : terminal
            .ask(`${sanitizeForTerminal(prompt.message)}: `, { hidden: false })
            .pipe(map((value): Answer => ({ kind: 'Input', value })));
    case 'ChallengeRequested':
      return terminal === undefined
        ? of(CANCELLED)
        : terminal
            .ask(challengeQuestion(prompt.text), { hidden: !prompt.echo })
            .pipe(map((typed): Answer => ({ kind: 'Response', response: Secret.of(typed) })));
    case 'WebAuthRequested':
      // The server completes the login once the person has signed in there.
      options.notify?.(`Sign in to continue: ${sanitizeForTerminal(prompt.url)}`);
      return of({ kind: 'Acknowledged' });
  }
};

/**
 * The CLI's credentials provider. `Auth` username and password come from the auth file when
 * one is given; whatever it lacks (a password line, a challenge response, a private key
 * passphrase, a confirmation) is asked on the terminal, passwords without echo. Without a
 * terminal, a prompt that needs one is answered `Cancelled`: the start fails with
 * PROMPT_CANCELLED instead of waiting. Input that ends (Ctrl-D) cancels too.
 */
export function createCliCredentials(options: CliCredentialsOptions): CredentialsProvider {
  return (prompt) =>
    answerOf(prompt, options, options.terminal).pipe(catchError(() => of(CANCELLED)));
}
