import {
  EMPTY,
  Observable,
  asyncScheduler,
  catchError,
  concat,
  filter,
  ignoreElements,
  map,
  mergeMap,
  of,
  scan,
  switchMap,
  take,
  throwError,
  throwIfEmpty,
  timeout,
  type SchedulerLike,
} from 'rxjs';
import { VpnError, isVpnError, type ErrorCode } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { Secret } from '../core/secret.js';
import * as command from '../management/command.js';
import type { Notification } from '../management/notification.js';
import type { InfoMessage } from '../management/notification/info-message.js';
import type { DynamicChallenge } from '../management/notification/password.js';
import type { ManagementSession } from '../management/session.js';
import { vpnFailure } from '../state/vpn-failure.js';
import type { Answer, CredentialField, CredentialsProvider, Prompt } from './credentials.js';
import type { TunnelOutput } from './tunnel-output.js';

/** How long the application may take to answer a prompt before the start fails. */
export const PROMPT_TIMEOUT_MS = 120_000;

export interface PromptContext {
  readonly credentials: CredentialsProvider | undefined;
  readonly scheduler?: SchedulerLike;
  readonly logger: Logger;
  readonly now: () => number;
  readonly promptTimeoutMs?: number;
  /**
   * The username of the profile's `<auth-user-pass>` block that holds no password. The engine
   * hands openvpn a bare `auth-user-pass` instead (openvpn 2.6 would ask the console for the
   * password), so the prompt asks only the password and this username goes out with it.
   */
  readonly profileUsername?: string;
}

type Asked = { readonly prompt: Prompt; readonly reply: (answer: Answer) => Observable<unknown> };

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

type UserPassPrompt = Extract<Prompt, { kind: 'UserPassRequested' }>;

/** What an answer gives for a user/pass prompt; undefined when it cannot answer it. */
interface Given {
  readonly username?: string | undefined;
  readonly password: Secret;
  readonly response?: Secret | undefined;
}

/**
 * The parts of `answer` for `prompt`: a `UserPass` always fits; a `Password` fits a prompt that
 * asks no username and no response, a `Response` one that asks the response alone.
 */
function givenBy(prompt: UserPassPrompt, answer: Answer): Given | undefined {
  const only = (field: CredentialField): boolean =>
    prompt.fields.length === 1 && prompt.fields[0] === field;
  switch (answer.kind) {
    case 'UserPass':
      return answer;
    case 'Password':
      return only('password')
        ? { username: undefined, password: answer.password, response: undefined }
        : undefined;
    case 'Response':
      return only('response')
        ? { username: undefined, password: Secret.of(''), response: answer.response }
        : undefined;
    default:
      return undefined;
  }
}

/** The password field for a user/pass answer, in the challenge form openvpn expects. */
function passwordField(prompt: UserPassPrompt, given: Given): Secret {
  const response = given.response?.reveal() ?? '';
  if (prompt.dynamicChallenge !== undefined) {
    return Secret.of(`CRV1::${prompt.dynamicChallenge.stateId}::${response}`);
  }
  if (prompt.staticChallenge !== undefined) {
    const password = given.password.reveal();
    return Secret.of(
      prompt.staticChallenge.concatenate
        ? `${password}${response}`
        : `SCRV1:${base64(password)}:${base64(response)}`,
    );
  }
  return given.password;
}

/** The fields to ask, from what openvpn asks and what the engine already knows. */
function fieldsOf(
  usernameKnown: boolean,
  staticChallenge: boolean,
  dynamicChallenge: boolean,
): readonly CredentialField[] {
  if (dynamicChallenge) return ['response'];
  return [
    ...(usernameKnown ? [] : (['username'] as const)),
    'password',
    ...(staticChallenge ? (['response'] as const) : []),
  ];
}

function mismatch(prompt: Prompt, answer: Answer): Observable<never> {
  return throwError(
    () =>
      new VpnError('PROMPT_CANCELLED', `answer ${answer.kind} does not fit prompt ${prompt.kind}`),
  );
}

/** Turns a notification into a prompt with the commands that answer it. */
function toAsked(
  session: ManagementSession,
  n: Notification,
  challenge: DynamicChallenge | undefined,
  profileUsername: string | undefined,
): Asked | undefined {
  if (n.type === 'need-ok') {
    const prompt: Prompt = { kind: 'ConfirmationRequested', name: n.name, message: n.message };
    return {
      prompt,
      reply: (answer) =>
        answer.kind === 'Confirmed'
          ? session.send(command.needOk(n.name, answer.ok ? 'ok' : 'cancel'))
          : mismatch(prompt, answer),
    };
  }
  if (n.type === 'need-str') {
    const prompt: Prompt = { kind: 'InputRequested', name: n.name, message: n.message };
    return {
      prompt,
      reply: (answer) =>
        answer.kind === 'Input'
          ? session.send(command.needStr(n.name, answer.value))
          : mismatch(prompt, answer),
    };
  }
  if (n.type === 'infomsg') return pendingAuthPrompt(session, n.message);
  if (n.type !== 'password' || n.event !== 'need') return undefined;
  const authType = n.authType;
  if (n.need === 'password' && authType !== 'Auth') {
    const prompt: Prompt = { kind: 'PasswordRequested', authType };
    return {
      prompt,
      reply: (answer) =>
        answer.kind === 'Password'
          ? session.send(command.password(authType, answer.password))
          : mismatch(prompt, answer),
    };
  }
  const dynamicChallenge = challenge !== undefined && answersChallenge(n) ? challenge : undefined;
  // `Need '<type>' password`: openvpn has the username and takes the password alone.
  const asksUsername = n.need === 'username-password';
  const knownUsername =
    dynamicChallenge?.username ??
    (authType === 'Auth' && asksUsername ? profileUsername : undefined);
  const prompt: UserPassPrompt = {
    kind: 'UserPassRequested',
    authType,
    fields: fieldsOf(
      !asksUsername || knownUsername !== undefined,
      n.staticChallenge !== undefined,
      dynamicChallenge !== undefined,
    ),
    ...(knownUsername === undefined ? {} : { username: knownUsername }),
    ...(n.staticChallenge === undefined ? {} : { staticChallenge: n.staticChallenge }),
    ...(dynamicChallenge === undefined ? {} : { dynamicChallenge }),
  };
  return {
    prompt,
    reply: (answer) => {
      const given = givenBy(prompt, answer);
      const username = knownUsername ?? given?.username;
      if (given === undefined || (asksUsername && username === undefined)) {
        return mismatch(prompt, answer);
      }
      return concat(
        asksUsername ? session.send(command.username(authType, username ?? '')) : EMPTY,
        session.send(command.password(authType, passwordField(prompt, given))),
      );
    },
  };
}

/**
 * Whether a `>PASSWORD:Need` prompt is the one a pending CRV1 challenge is answered at: the
 * next `Need 'Auth'` without a static challenge (management-notes, "Dynamic protocol"). A
 * proxy or private key prompt in between leaves the challenge pending.
 */
function answersChallenge(n: Notification): boolean {
  return (
    n.type === 'password' &&
    n.event === 'need' &&
    n.authType === 'Auth' &&
    n.staticChallenge === undefined
  );
}

interface ChallengeScan {
  /** The CRV1 challenge of the last `Verification Failed`, until a prompt answers it. */
  readonly challenge: DynamicChallenge | undefined;
  readonly asked: Asked | undefined;
}

/**
 * Follows the dynamic challenge across notifications: a `Verification Failed` sets or clears
 * it, and the prompt that answers it uses it up, so a later `Need 'Auth'` (after a reconnect)
 * never resends a spent state id.
 */
function challengeStep(session: ManagementSession, profileUsername: string | undefined) {
  return (scanned: ChallengeScan, n: Notification): ChallengeScan => {
    if (n.type === 'password' && n.event === 'verification-failed') {
      return { challenge: n.dynamicChallenge, asked: undefined };
    }
    const asked = toAsked(session, n, scanned.challenge, profileUsername);
    const used = asked?.prompt.kind === 'UserPassRequested' && answersChallenge(n);
    return { challenge: used ? undefined : scanned.challenge, asked };
  };
}

/** The prompts of a login the server holds pending (`>INFOMSG:` after AUTH_PENDING). */
function pendingAuthPrompt(session: ManagementSession, message: InfoMessage): Asked | undefined {
  if (message.kind === 'cr-text') {
    const prompt: Prompt = {
      kind: 'ChallengeRequested',
      text: message.text,
      echo: message.echo,
      responseRequired: message.responseRequired,
    };
    return {
      prompt,
      reply: (answer) =>
        answer.kind === 'Response'
          ? session.send(command.crResponse(Secret.of(base64(answer.response.reveal()))))
          : mismatch(prompt, answer),
    };
  }
  if (message.kind === 'web-auth' || message.kind === 'open-url') {
    const prompt: Prompt = {
      kind: 'WebAuthRequested',
      url: message.url,
      flags: message.kind === 'web-auth' ? message.flags : [],
    };
    // Nothing goes back to openvpn: the server completes or refuses the login on its own.
    return { prompt, reply: () => EMPTY };
  }
  return undefined;
}

const failureCode = (error: unknown): ErrorCode =>
  isVpnError(error) ? error.code : 'PROMPT_CANCELLED';

/**
 * Answers openvpn's `>PASSWORD`, `>NEED-OK` and `>NEED-STR` prompts through the application's
 * credentials provider. Credentials go out only in answer to a prompt, which openvpn sends only
 * after the hold is released. A later prompt replaces an unanswered one (openvpn moved on). An
 * unanswered prompt times out; a missing provider, a cancel or a timeout fails the start with a
 * typed error (emitted as `StartFailed`, and the tunnel then stops openvpn).
 */
export function answerPrompts(
  session: ManagementSession,
  notification$: Observable<Notification>,
  context: PromptContext,
): Observable<TunnelOutput> {
  const scheduler = context.scheduler ?? asyncScheduler;
  const timeoutMs = context.promptTimeoutMs ?? PROMPT_TIMEOUT_MS;
  // The dynamic challenge arrives in one `Verification Failed` and is answered at the next
  // `Need 'Auth'` prompt, after openvpn restarts.
  const asked$ = notification$.pipe(
    scan(challengeStep(session, context.profileUsername), {
      challenge: undefined,
      asked: undefined,
    }),
    map(({ asked }) => asked),
    filter((asked): asked is Asked => asked !== undefined),
  );

  return asked$.pipe(
    switchMap((asked) => {
      const { credentials } = context;
      if (credentials === undefined) {
        return throwError(
          () =>
            new VpnError(
              'AUTH_FAILED',
              `openvpn asks for ${describe(asked.prompt)} and no credentials provider was given`,
            ),
        );
      }
      return credentials(asked.prompt).pipe(
        take(1),
        timeout({
          first: timeoutMs,
          scheduler,
          with: () =>
            throwError(
              () =>
                new VpnError(
                  'PROMPT_TIMEOUT',
                  `no answer to ${describe(asked.prompt)} within ${timeoutMs} ms`,
                ),
            ),
        }),
        // Completing without an answer would leave openvpn waiting for good: count it as a
        // cancel.
        throwIfEmpty(
          () =>
            new VpnError(
              'PROMPT_CANCELLED',
              `the credentials provider gave no answer to ${describe(asked.prompt)}`,
            ),
        ),
        mergeMap((answer) =>
          answer.kind === 'Cancelled'
            ? throwError(
                () => new VpnError('PROMPT_CANCELLED', `${describe(asked.prompt)} was cancelled`),
              )
            : asked.reply(answer),
        ),
        ignoreElements(),
      );
    }),
    catchError((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      context.logger.warn('prompt not answered', { code: failureCode(error) });
      return of<TunnelOutput>({
        channel: 'event',
        event: {
          kind: 'StartFailed',
          at: context.now(),
          error: vpnFailure(failureCode(error), message),
        },
      });
    }),
  );
}

function describe(prompt: Prompt): string {
  switch (prompt.kind) {
    case 'UserPassRequested':
      return `the '${prompt.authType}' ${prompt.fields.join(' and ')}`;
    case 'PasswordRequested':
      return `the '${prompt.authType}' password`;
    case 'ConfirmationRequested':
      return `confirmation '${prompt.name}'`;
    case 'InputRequested':
      return `input '${prompt.name}'`;
    case 'ChallengeRequested':
      return "the server's challenge";
    case 'WebAuthRequested':
      return 'a web sign-in';
  }
}
