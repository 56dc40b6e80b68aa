import { describe, expect, it } from '@jest/globals';
import {
  concat,
  firstValueFrom,
  lastValueFrom,
  map,
  of,
  switchMap,
  throwError,
  toArray,
  type Observable,
} from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { isVpnError, type VpnError } from '../../src/core/errors.js';
import type { LogFields, Logger } from '../../src/core/logger.js';
import { Secret } from '../../src/core/secret.js';
import * as command from '../../src/management/command.js';
import type { Notification } from '../../src/management/notification.js';
import {
  attachSession,
  type ManagementSession,
  type SessionOptions,
} from '../../src/management/session.js';
import type { ManagementSocket } from '../../src/management/socket.js';
import {
  OPENVPN_BANNER,
  createFakeManagementPeer,
  type FakeManagementPeer,
  type FakePeerScript,
} from '../../src/testing/index.js';

const newScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });

const attach = (
  peer: FakeManagementPeer,
  options: SessionOptions = {},
): Promise<ManagementSession> => firstValueFrom(attachSession(peer.socket, options));

/** The VpnError an observable fails with; fails the test when it does not fail. */
const failureOf = async (source$: Observable<unknown>): Promise<VpnError> => {
  try {
    await lastValueFrom(source$, { defaultValue: undefined });
  } catch (error) {
    if (isVpnError(error)) return error;
    throw error;
  }
  throw new Error('expected a failure');
};

const sentLines = (peer: FakeManagementPeer): string[] =>
  peer.transcript.filter((e) => e.direction === 'to-openvpn').map((e) => e.text);

interface LogRecord {
  readonly level: string;
  readonly message: string;
  readonly fields: LogFields | undefined;
}

const recordingLogger = (records: LogRecord[]): Logger => ({
  debug: (message, fields) => records.push({ level: 'debug', message, fields }),
  info: (message, fields) => records.push({ level: 'info', message, fields }),
  warn: (message, fields) => records.push({ level: 'warn', message, fields }),
  error: (message, fields) => records.push({ level: 'error', message, fields }),
});

describe('attachSession', () => {
  it('emits the session with its banner, then completes', async () => {
    const peer = createFakeManagementPeer();
    const emitted = await lastValueFrom(attachSession(peer.socket).pipe(toArray()));
    expect(emitted.map((s) => s.banner)).toEqual([OPENVPN_BANNER.slice('>INFO:'.length)]);
    // Completing the attach hands the session over: it stays open.
    expect(peer.closedByClient).toBe(false);
    emitted[0]?.close();
    expect(peer.closedByClient).toBe(true);
  });

  it('delivers the banner and the rest of its chunk to a consumer subscribed on delivery', async () => {
    const peer = createFakeManagementPeer({ afterBanner: ['>HOLD:Waiting for hold release:0'] });
    const seen: Notification[] = [];
    const session = await firstValueFrom(
      attachSession(peer.socket).pipe(
        map((s) => {
          s.notification$.subscribe((n) => seen.push(n));
          return s;
        }),
      ),
    );
    expect(seen).toEqual([
      { type: 'info', text: OPENVPN_BANNER.slice('>INFO:'.length), managementVersion: 5 },
      { type: 'hold', text: 'Waiting for hold release:0', waitSeconds: 0 },
    ]);
    session.close();
  });

  it('waits attachTimeoutMs for the banner when given', () => {
    newScheduler().run(({ expectObservable }) => {
      const peer = createFakeManagementPeer({ banner: null });
      const attach$ = attachSession(peer.socket, { attachTimeoutMs: 250 }).pipe(
        map((s) => s.banner),
      );
      expectObservable(attach$).toBe(
        '250ms #',
        undefined,
        expect.objectContaining({ code: 'MANAGEMENT_UNREACHABLE' }),
      );
    });
  });

  it('fails with MANAGEMENT_AUTH_FAILED, writing nothing, when asked for a password it lacks', async () => {
    const peer = createFakeManagementPeer({ password: 'letmein' });
    const error = await failureOf(attachSession(peer.socket));
    expect(error.code).toBe('MANAGEMENT_AUTH_FAILED');
    expect(sentLines(peer)).toEqual([]);
    expect(peer.closedByClient).toBe(true);
  });

  it('refuses a password holding a line end instead of running the rest as a command', async () => {
    const peer = createFakeManagementPeer({ password: 'letmein' });
    const error = await failureOf(
      attachSession(peer.socket, { password: Secret.of('letmein\nsignal SIGTERM') }),
    );
    expect(error.code).toBe('ENCODE_REFUSED');
    expect(error.message).not.toContain('letmein');
    expect(sentLines(peer)).toEqual([]);
  });

  it('fails with MANAGEMENT_AUTH_FAILED against a peer that re-prompts after a wrong password', async () => {
    const peer = createFakeManagementPeer({ password: 'letmein' });
    const error = await failureOf(attachSession(peer.socket, { password: Secret.of('wrong') }));
    expect(error.code).toBe('MANAGEMENT_AUTH_FAILED');
    expect(sentLines(peer)).toEqual(['wrong']);
  });
});

describe('session.send', () => {
  const script: FakePeerScript = {
    answers: {
      pid: ['SUCCESS: pid=4242'],
      'verb 99': ['ERROR: verb level out of range'],
      mute: ['SUCCESS: not a number'],
      'pkcs11-id-count': ['>PKCS11ID-COUNT:2'],
    },
  };

  it('fails with COMMAND_FAILED on an ERROR reply and keeps the session usable', async () => {
    const peer = createFakeManagementPeer(script);
    const session = await attach(peer);
    const error = await failureOf(session.send(command.verb(99)));
    expect(error.code).toBe('COMMAND_FAILED');
    expect(error.details).toEqual({ command: 'verb', text: 'verb level out of range' });
    await expect(firstValueFrom(session.send(command.pid()))).resolves.toBe(4242);
    session.close();
  });

  it('fails with REPLY_MALFORMED when the reply does not parse', async () => {
    const session = await attach(createFakeManagementPeer(script));
    const error = await failureOf(session.send(command.muteQuery()));
    expect(error.code).toBe('REPLY_MALFORMED');
    session.close();
  });

  it('gives a real-time-looking line to the pkcs11 command waiting for it', async () => {
    const session = await attach(createFakeManagementPeer(script));
    const seen: Notification[] = [];
    session.notification$.subscribe((n) => seen.push(n));
    await expect(firstValueFrom(session.send(command.pkcs11IdCount()))).resolves.toEqual([
      '>PKCS11ID-COUNT:2',
    ]);
    expect(seen).toEqual([]);
    session.close();
  });

  it('completes a command that gets no reply as soon as it is written', async () => {
    const peer = createFakeManagementPeer();
    const session = await attach(peer);
    await expect(lastValueFrom(session.send(command.exit()))).resolves.toBeUndefined();
    // The fake, like openvpn, hangs up on `exit`.
    await expect(firstValueFrom(session.end$)).resolves.toEqual({ kind: 'SessionClosedByPeer' });
    expect(sentLines(peer)).toEqual(['exit']);
  });

  it('writes a multi-line command and its END in one write', async () => {
    const writes: string[] = [];
    const peer = createFakeManagementPeer({ answers: { 'pk-sig': ['SUCCESS: pk-sig accepted'] } });
    const socket: ManagementSocket = {
      ...peer.socket,
      write: (text) => {
        writes.push(text);
        peer.socket.write(text);
      },
    };
    const session = await firstValueFrom(attachSession(socket));
    await expect(firstValueFrom(session.send(command.pkSig('QUJD')))).resolves.toBe(
      'pk-sig accepted',
    );
    expect(writes).toEqual(['pk-sig\nQUJD\nEND\n']);
    session.close();
  });

  it('logs a command with a secret by its name only', async () => {
    const records: LogRecord[] = [];
    const peer = createFakeManagementPeer({
      answers: { password: ["SUCCESS: 'Auth' password entered, but not yet verified"] },
    });
    const session = await attach(peer, { logger: recordingLogger(records) });
    await firstValueFrom(session.send(command.password('Auth', Secret.of('hunter2'))));
    expect(JSON.stringify(records)).not.toContain('hunter2');
    expect(records).toContainEqual({
      level: 'debug',
      message: 'management command queued',
      fields: { command: 'password [redacted]' },
    });
    expect(sentLines(peer)).toEqual(['password "Auth" "hunter2"']);
    session.close();
  });

  it('times a command out after its own timeoutMs when given', () => {
    newScheduler().run(({ expectObservable }) => {
      const peer = createFakeManagementPeer({ answers: { pid: [] } });
      const pid$ = attachSession(peer.socket).pipe(
        switchMap((session) => session.send(command.pid(), { timeoutMs: 300 })),
      );
      expectObservable(pid$).toBe(
        '300ms #',
        undefined,
        expect.objectContaining({
          code: 'MANAGEMENT_TIMEOUT',
          details: { command: 'pid', timeoutMs: 300 },
        }),
      );
    });
  });

  it('times commands out after the session commandTimeoutMs', () => {
    newScheduler().run(({ expectObservable }) => {
      const peer = createFakeManagementPeer({ answers: { pid: [] } });
      const end$ = attachSession(peer.socket, { commandTimeoutMs: 2_000 }).pipe(
        switchMap((session) => {
          session.send(command.pid()).subscribe({ error: () => undefined });
          return session.end$;
        }),
        map((end) => (end.kind === 'SessionFailed' ? end.error.code : end.kind)),
      );
      expectObservable(end$).toBe('2s (t|)', { t: 'MANAGEMENT_TIMEOUT' });
    });
  });
});

describe('the end of a session', () => {
  it('ends with SessionFailed and MANAGEMENT_CLOSED when the socket fails', async () => {
    const banner = Buffer.from(`${OPENVPN_BANNER}\r\n`);
    const socket: ManagementSocket = {
      data$: concat(
        of(banner),
        throwError(() => new Error('read ECONNRESET')),
      ),
      write: () => undefined,
      close: () => undefined,
    };
    const session = await firstValueFrom(attachSession(socket));
    const end = await firstValueFrom(session.end$);
    expect(end.kind).toBe('SessionFailed');
    expect(end.kind === 'SessionFailed' && end.error.code).toBe('MANAGEMENT_CLOSED');
    const error = await failureOf(session.send(command.pid()));
    expect(error.code).toBe('MANAGEMENT_CLOSED');
  });

  it('emits a CLIENT block cut short by the hang-up as incomplete', async () => {
    const peer = createFakeManagementPeer();
    const session = await attach(peer);
    const notification$ = lastValueFrom(session.notification$.pipe(toArray()));
    peer.push('>CLIENT:CONNECT,0,1', '>CLIENT:ENV,common_name=alice');
    peer.hangUp();
    const notifications = await notification$;
    expect(notifications).toEqual([
      expect.objectContaining({
        type: 'client',
        event: 'connect',
        env: { common_name: 'alice' },
        complete: false,
      }),
    ]);
  });

  it('closes once, however many times it is asked', async () => {
    const peer = createFakeManagementPeer();
    const session = await attach(peer);
    const ends = lastValueFrom(session.end$.pipe(toArray()));
    session.close();
    session.close();
    await expect(ends).resolves.toEqual([{ kind: 'SessionClosedByUs' }]);
    expect(peer.closedByClient).toBe(true);
  });
});
