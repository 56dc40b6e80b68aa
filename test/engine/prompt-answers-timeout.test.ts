import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { EMPTY, NEVER, Subject, map, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { silentLogger } from '../../src/core/logger.js';
import { Secret } from '../../src/core/secret.js';
import type { Answer, CredentialsProvider } from '../../src/engine/credentials.js';
import { answerPrompts } from '../../src/engine/prompt-answers.js';
import type { TunnelOutput } from '../../src/engine/tunnel-output.js';
import type { Command } from '../../src/management/command.js';
import { encodeCommand } from '../../src/management/encode.js';
import { parseNotification, type Notification } from '../../src/management/notification.js';
import type { ManagementSession } from '../../src/management/session.js';
import { diagram, loadMarbleDoc, row, type MarbleDiagram } from '../support/marble-doc.js';

const DOC = loadMarbleDoc(
  fileURLToPath(new URL('../../marbles/prompt-timeout.md', import.meta.url)),
);

const newScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });

/** A session that renders every command it is given onto `sent$` and answers nothing. */
const recordingSession = (sent$: Subject<string>): ManagementSession => ({
  banner: '',
  notification$: NEVER,
  end$: NEVER,
  send: <R>(command: Command<R>): Observable<R> => {
    const encoded = encodeCommand(command);
    sent$.next(E.isRight(encoded) ? encoded.right.trimEnd() : `refused: ${encoded.left.reason}`);
    return EMPTY;
  },
  close: () => undefined,
});

// Legend values: management lines become notifications, answers get their secrets wrapped.
const asNotification = (value: unknown): unknown =>
  typeof value === 'string' && value.startsWith('>') ? parseNotification(value) : value;

const asAnswer = (value: unknown): unknown => {
  if (typeof value !== 'object' || value === null) return value;
  const raw = value as Record<string, unknown>;
  const secret = (key: string) =>
    typeof raw[key] === 'string' ? { [key]: Secret.of(raw[key]) } : {};
  return { ...raw, ...secret('password'), ...secret('response') };
};

const mapValues = (values: Readonly<Record<string, unknown>>, f: (v: unknown) => unknown) =>
  Object.fromEntries(Object.entries(values).map(([key, value]) => [key, f(value)]));

// A StartFailed carries a human message: compare what the diagrams show, kind and code.
const comparable = (output: TunnelOutput): unknown =>
  output.channel === 'event' && output.event.kind === 'StartFailed'
    ? { kind: output.event.kind, code: output.event.error.code }
    : output;

const ANSWER_ROW = /^answer\d+$/;

/** Runs one diagram of marbles/prompt-timeout.md against answerPrompts. */
const runDiagram = (d: MarbleDiagram): void => {
  const scheduler = newScheduler();
  scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
    const prompts$ = hot<Notification>(
      row(d, 'prompts'),
      mapValues(d.values, asNotification) as Record<string, Notification>,
    );
    const answerRows = [...d.rows.keys()].filter((name) => ANSWER_ROW.test(name)).sort();
    const answers = answerRows.map((name) =>
      cold<Answer>(row(d, name), mapValues(d.values, asAnswer) as Record<string, Answer>),
    );
    let asked = 0;
    const credentials: CredentialsProvider = () => answers[asked++] ?? NEVER;
    const sent$ = new Subject<string>();
    const output$ = answerPrompts(recordingSession(sent$), prompts$, {
      credentials,
      scheduler,
      logger: silentLogger,
      now: () => scheduler.now(),
    });

    expectObservable(sent$).toBe(row(d, 'sent'), d.values);
    expectObservable(output$.pipe(map(comparable))).toBe(row(d, 'expected'), d.values);
    expectSubscriptions(prompts$.subscriptions).toBe(row(d, 'promptsSubs'));
    answerRows.forEach((name, index) => {
      expectSubscriptions(answers[index]?.subscriptions ?? []).toBe(row(d, `${name}Subs`));
    });
  });
};

describe('answerPrompts, as drawn in marbles/prompt-timeout.md', () => {
  it('sends an answer that comes within the deadline and releases the provider', () => {
    runDiagram(diagram(DOC, 'an answer in time is sent'));
  });

  it('fails the start with PROMPT_TIMEOUT when nobody answers within 120 s', () => {
    runDiagram(diagram(DOC, 'no answer within 120 s fails the start'));
  });

  it('releases a pending provider when a later prompt arrives and answers the later one', () => {
    runDiagram(diagram(DOC, 'a later prompt replaces a pending one'));
  });

  it('counts the deadline from the latest prompt', () => {
    runDiagram(diagram(DOC, 'the deadline counts from the latest prompt'));
  });

  it('fails the start with PROMPT_CANCELLED at the moment the application cancels', () => {
    runDiagram(diagram(DOC, 'a cancel fails the start at once'));
  });

  it('treats a provider that completes without an answer as a cancel', () => {
    runDiagram(diagram(DOC, 'completing without an answer is a cancel'));
  });
});
