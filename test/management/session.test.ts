import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import {
  EMPTY,
  Subject,
  catchError,
  concat,
  defer,
  map,
  of,
  takeUntil,
  throwError,
  type Observable,
} from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { isVpnError } from '../../src/core/errors.js';
import { Secret } from '../../src/core/secret.js';
import * as command from '../../src/management/command.js';
import type { Command } from '../../src/management/command.js';
import {
  attachSession,
  type ManagementSession,
  type SessionEnd,
} from '../../src/management/session.js';
import type { ManagementSocket } from '../../src/management/socket.js';
import { OPENVPN_BANNER } from '../../src/testing/index.js';
import type { MarbleDiagram } from '../support/marble-doc.js';
import { diagram, loadMarbleDoc, row } from '../support/marble-doc.js';

const docPath = (name: string): string =>
  fileURLToPath(new URL(`../../marbles/${name}`, import.meta.url));
const QUEUE_DOC = loadMarbleDoc(docPath('command-queue.md'));
const CONNECT_DOC = loadMarbleDoc(docPath('management-connect.md'));

/** The password option of every attach diagram (marbles/management-connect.md). */
const DIAGRAM_PASSWORD = 'letmein';
const PASSWORD_PROMPT = 'ENTER PASSWORD:';
/** Stands for every error in a marble row; the value drawn before `#` tells them apart. */
const FAILED = 'failed';

/** The commands the queue diagrams send, by row name. */
const COMMANDS: Readonly<Record<string, () => Command<unknown>>> = {
  pid: command.pid,
  holdRelease: command.holdRelease,
  help: command.help,
  stateOn: () => command.stateRealtime(true),
  refused: () => command.needStr('Auth', 'two\nlines'),
};

const newScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });

const comparableError = (error: unknown): unknown => {
  if (!isVpnError(error)) return { unexpected: String(error) };
  return error.details === undefined
    ? { code: error.code }
    : { code: error.code, details: error.details };
};

/** Draws a failure as its comparable error followed by `#`. */
const outcome = <T>(source$: Observable<T>): Observable<unknown> =>
  source$.pipe(
    catchError((error: unknown) =>
      concat(
        of(comparableError(error)),
        throwError(() => FAILED),
      ),
    ),
  );

const comparableEnd = (end: SessionEnd): unknown =>
  end.kind === 'SessionFailed' ? { kind: end.kind, error: comparableError(end.error) } : end;

/** One chunk as openvpn writes it: CRLF after every line, none after the password prompt. */
const chunkOf = (value: unknown): Uint8Array => {
  const lines = Array.isArray(value) ? (value as unknown[]) : [value];
  const text = lines
    .map((line) => (line === PASSWORD_PROMPT ? line : `${String(line)}\r\n`))
    .join('');
  return Buffer.from(text, 'utf8');
};

interface MarbleSocket {
  readonly socket: ManagementSocket;
  /** Each write, without its final LF. */
  readonly written$: Observable<string>;
  /** A `c` for each call of `close`. */
  readonly closed$: Observable<string>;
}

/**
 * A socket whose incoming bytes are the `openvpn$` marbles (after `greeting`, read at once).
 * Closing it ends `data$`, as closing a Node socket does.
 */
const marbleSocket = (openvpn$: Observable<unknown>, greeting?: string): MarbleSocket => {
  const written$ = new Subject<string>();
  const closed$ = new Subject<string>();
  const data$ = concat(
    greeting === undefined ? EMPTY : of(chunkOf(greeting)),
    openvpn$.pipe(map(chunkOf)),
  ).pipe(takeUntil(closed$));
  return {
    socket: {
      data$,
      write: (text) => written$.next(text.endsWith('\n') ? text.slice(0, -1) : text),
      close: () => closed$.next('c'),
    },
    written$,
    closed$,
  };
};

const rowOr = (d: MarbleDiagram, name: string, fallback: string): string =>
  d.rows.get(name) ?? fallback;

/** Runs a diagram of marbles/command-queue.md. */
const runQueueDiagram = (d: MarbleDiagram): void => {
  newScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
    const openvpn$ = hot(row(d, 'openvpn'), d.values);
    const fake = marbleSocket(openvpn$, OPENVPN_BANNER);
    let attached: ManagementSession | undefined;
    attachSession(fake.socket).subscribe((s) => {
      attached = s;
    });
    if (attached === undefined) throw new Error('the banner did not attach the session');
    const session = attached;
    // The recorders subscribe first, so they see what the commands of frame 0 do.
    expectObservable(fake.written$).toBe(rowOr(d, 'written', '-'), d.values);
    expectObservable(fake.closed$).toBe(rowOr(d, 'closed', '-'));
    expectObservable(session.end$.pipe(map(comparableEnd))).toBe(rowOr(d, 'end', '-'), d.values);
    expectObservable(session.notification$).toBe(rowOr(d, 'notification', '-'), d.values);
    for (const [name, subscription] of d.rows) {
      if (!name.endsWith('Sub')) continue;
      const commandName = name.slice(0, -'Sub'.length);
      const make = COMMANDS[commandName];
      if (make === undefined) throw new Error(`no command for row ${name}`);
      expectObservable(outcome(session.send(make())), subscription).toBe(
        row(d, commandName),
        d.values,
        FAILED,
      );
    }
    const close = d.rows.get('close');
    if (close !== undefined) cold(close).subscribe(() => session.close());
    const openvpnSubs = d.rows.get('openvpnSubs');
    if (openvpnSubs !== undefined) expectSubscriptions(openvpn$.subscriptions).toBe(openvpnSubs);
  });
};

/** Runs an attach diagram of marbles/management-connect.md. */
const runAttachDiagram = (d: MarbleDiagram): void => {
  newScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
    const openvpn$ = hot(row(d, 'openvpn'), d.values);
    const fake = marbleSocket(openvpn$);
    expectObservable(fake.written$).toBe(rowOr(d, 'written', '-'), d.values);
    expectObservable(fake.closed$).toBe(rowOr(d, 'closed', '-'));
    // Deferred, so that the attach starts when the `attach` row subscribes.
    const attach$ = defer(() =>
      attachSession(fake.socket, { password: Secret.of(DIAGRAM_PASSWORD) }),
    ).pipe(map((session) => ({ banner: session.banner })));
    expectObservable(outcome(attach$), d.rows.get('attach')).toBe(
      row(d, 'session'),
      d.values,
      FAILED,
    );
    const openvpnSubs = d.rows.get('openvpnSubs');
    if (openvpnSubs !== undefined) expectSubscriptions(openvpn$.subscriptions).toBe(openvpnSubs);
  });
};

describe('the command queue, as drawn in marbles/command-queue.md', () => {
  it('writes the next command only once the one before it has its reply', () => {
    runQueueDiagram(diagram(QUEUE_DOC, 'one command in flight'));
  });

  it('routes a notification inside a multi-line reply to notification$', () => {
    runQueueDiagram(diagram(QUEUE_DOC, 'notification inside a multi-line reply'));
  });

  it('never writes a command given up while queued', () => {
    runQueueDiagram(diagram(QUEUE_DOC, 'a command dropped while queued is never written'));
  });

  it('lets a command given up in flight consume its own reply', () => {
    runQueueDiagram(diagram(QUEUE_DOC, 'a command dropped in flight still owns its reply'));
  });

  it('fails a refused command at once without writing or blocking', () => {
    runQueueDiagram(diagram(QUEUE_DOC, 'a refused command writes nothing and blocks nothing'));
  });

  it('ends the session on a command timeout and fails every other command as closed', () => {
    runQueueDiagram(diagram(QUEUE_DOC, 'a command timeout ends the session'));
  });

  it('fails every command when openvpn closes the socket', () => {
    runQueueDiagram(diagram(QUEUE_DOC, 'openvpn closing the socket fails every command'));
  });

  it('waits for a late reply while openvpn keeps talking', () => {
    runQueueDiagram(diagram(QUEUE_DOC, 'a late reply behind a flood is waited for'));
  });

  it('fails every pending command when the consumer closes the session', () => {
    runQueueDiagram(diagram(QUEUE_DOC, 'closing the session fails what is pending'));
  });
});

describe('attaching, as drawn in marbles/management-connect.md', () => {
  it('attaches on the banner, then completes', () => {
    runAttachDiagram(diagram(CONNECT_DOC, 'the banner attaches'));
  });

  it('fails with MANAGEMENT_UNREACHABLE and closes the socket when no banner comes', () => {
    runAttachDiagram(diagram(CONNECT_DOC, 'no banner within 5 s'));
  });

  it('answers the password prompt once', () => {
    runAttachDiagram(diagram(CONNECT_DOC, 'the password prompt is answered once'));
  });

  it('fails with MANAGEMENT_AUTH_FAILED at the second prompt instead of looping', () => {
    runAttachDiagram(diagram(CONNECT_DOC, 'a second prompt means a wrong password'));
  });

  it('fails with MANAGEMENT_CLOSED when openvpn hangs up before the banner', () => {
    runAttachDiagram(diagram(CONNECT_DOC, 'openvpn hangs up before the banner'));
  });

  it('closes the socket when the consumer gives up before the banner', () => {
    runAttachDiagram(diagram(CONNECT_DOC, 'unsubscribing before the banner closes the socket'));
  });
});
