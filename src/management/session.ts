import {
  EMPTY,
  Observable,
  ReplaySubject,
  Subject,
  asyncScheduler,
  catchError,
  concatMap,
  filter,
  first,
  map,
  takeUntil,
  throwError,
  timeout,
  type SchedulerLike,
} from 'rxjs';
import { VpnError, isVpnError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { Secret } from '../core/secret.js';
import { createCommandReplyCollector, type Command } from './command.js';
import { encodeCommand } from './encode.js';
import { createLineDecoder, type Frame } from './framing.js';
import { createNotificationAssembler, type Notification } from './notification.js';
import { claimsLine, isNotificationLine, type Reply } from './reply.js';
import type { ManagementSocket } from './socket.js';

/** How long openvpn may take to greet a new management connection with `>INFO:`. */
export const ATTACH_TIMEOUT_MS = 5_000;
/** How long one command may wait for its reply once written. */
export const COMMAND_TIMEOUT_MS = 10_000;

// eslint-disable-next-line no-control-regex -- the bytes openvpn's command reader drops
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

export interface SessionOptions {
  /** The management password (`--management IP port pw-file`), sent when openvpn asks. */
  readonly password?: Secret;
  readonly attachTimeoutMs?: number;
  readonly commandTimeoutMs?: number;
  readonly scheduler?: SchedulerLike;
  readonly logger?: Logger;
}

export interface SendOptions {
  readonly timeoutMs?: number;
}

/** Why a session ended. */
export type SessionEnd =
  | { readonly kind: 'SessionClosedByPeer' }
  | { readonly kind: 'SessionClosedByUs' }
  | { readonly kind: 'SessionFailed'; readonly error: VpnError };

/**
 * An attached management session: one command in flight at a time (the protocol has no
 * correlation ids), real-time notifications on a hot stream.
 */
export interface ManagementSession {
  /** The `>INFO:` banner that made the session count as attached. */
  readonly banner: string;
  /** Hot: every real-time notification from the moment of attachment. */
  readonly notification$: Observable<Notification>;
  /** Emits once, when the session ends, then completes. */
  readonly end$: Observable<SessionEnd>;
  /** Queues `command`; emits its typed result and completes, or errors with a VpnError. */
  send<R>(command: Command<R>, options?: SendOptions): Observable<R>;
  close(): void;
}

interface Job {
  readonly bytes: string;
  readonly command: Command<unknown>;
  readonly timeoutMs: number;
  readonly deliver: (reply: Reply) => void;
  readonly fail: (error: VpnError) => void;
  abandoned: boolean;
}

type Routed =
  | { readonly kind: 'notification'; readonly notification: Notification }
  | { readonly kind: 'reply-line'; readonly line: string }
  | { readonly kind: 'password-prompt' }
  | { readonly kind: 'malformed'; readonly frame: Frame };

/**
 * Attaches to an open management socket. Emits the session once openvpn's `>INFO:` banner has
 * arrived (openvpn serves one client at a time and a second one is accepted but hears nothing,
 * so the banner is the only proof of attachment), answering the password prompt on the way.
 */
export function attachSession(
  socket: ManagementSocket,
  options: SessionOptions = {},
): Observable<ManagementSession> {
  return new Observable<ManagementSession>((subscriber) => {
    const scheduler = options.scheduler ?? asyncScheduler;
    const logger = options.logger ?? silentLogger;
    const session = createSession(socket, options, scheduler, logger);
    let published = false;
    const attached = session.routed$
      .pipe(
        filter(
          (r): r is Extract<Routed, { kind: 'notification' }> =>
            r.kind === 'notification' && r.notification.type === 'info',
        ),
        first(),
        map((r) => bannerOf(r.notification)),
        takeUntil(session.end$),
        timeout({
          first: options.attachTimeoutMs ?? ATTACH_TIMEOUT_MS,
          scheduler,
          with: () =>
            throwError(
              () =>
                new VpnError(
                  'MANAGEMENT_UNREACHABLE',
                  'openvpn accepted the management connection but sent no greeting; ' +
                    'another management client is probably attached',
                ),
            ),
        }),
      )
      .subscribe({
        next: (banner) => {
          published = true;
          subscriber.next(session.publish(banner));
        },
        error: (error: unknown) => {
          session.close();
          subscriber.error(error);
        },
        complete: () => {
          // The session, once delivered, is the consumer's; ended before the banner: report why.
          if (published) subscriber.complete();
          else subscriber.error(session.endError());
        },
      });
    let prompts = 0;
    const passwordSubscription = session.routed$.subscribe((r) => {
      if (r.kind !== 'password-prompt') return;
      prompts += 1;
      const answer = passwordAnswer(options.password, prompts);
      if (typeof answer === 'string') socket.write(answer);
      else session.fail(answer);
    });
    session.start();
    return () => {
      attached.unsubscribe();
      passwordSubscription.unsubscribe();
      // Given up before the banner: nobody else will ever close this socket.
      if (!published) session.close();
    };
  });
}

/**
 * The line that answers the management password prompt, or why there is none. openvpn 2.6.14
 * answers a wrong password with nothing but a new prompt (no ERROR line), so a second prompt
 * means the password was refused; answering it again would loop forever.
 */
function passwordAnswer(password: Secret | undefined, prompt: number): string | VpnError {
  if (password === undefined) {
    return new VpnError(
      'MANAGEMENT_AUTH_FAILED',
      'the management interface asks for a password; pass the one from its password file',
    );
  }
  if (prompt > 1) {
    return new VpnError(
      'MANAGEMENT_AUTH_FAILED',
      'openvpn refused the management password; check it against its password file',
    );
  }
  // The password goes out as a raw line: a line end in it would run the rest as a command.
  if (CONTROL_CHARACTER.test(password.reveal())) {
    return new VpnError(
      'ENCODE_REFUSED',
      'the management password holds a control character, which openvpn drops or splits on',
    );
  }
  return `${password.reveal()}\n`;
}

function bannerOf(notification: Notification): string {
  return notification.type === 'info' ? notification.text : '';
}

function createSession(
  socket: ManagementSocket,
  options: SessionOptions,
  scheduler: SchedulerLike,
  logger: Logger,
) {
  const decoder = createLineDecoder();
  const assembler = createNotificationAssembler();
  const routed$ = new Subject<Routed>();
  const end$ = new ReplaySubject<SessionEnd>(1);
  const notification$ = new Subject<Notification>();
  const job$ = new Subject<Job>();
  const outstanding = new Set<Job>();
  let ended: SessionEnd | undefined;
  let inFlight: Job | undefined;

  const route = (frame: Frame): void => {
    if (frame.kind === 'password-prompt') {
      routed$.next({ kind: 'password-prompt' });
      return;
    }
    if (frame.kind !== 'line') {
      routed$.next({ kind: 'malformed', frame });
      return;
    }
    // A few replies (pkcs11-id-count) look like real-time lines; the command in flight claims them.
    const claimed = inFlight !== undefined && claimsLine(inFlight.command.shape, frame.text);
    if (!isNotificationLine(frame.text) || claimed) {
      routed$.next({ kind: 'reply-line', line: frame.text });
      return;
    }
    const notification = assembler.push(frame.text);
    if (notification !== undefined) routed$.next({ kind: 'notification', notification });
  };

  const finish = (end: SessionEnd): void => {
    if (ended !== undefined) return;
    ended = end;
    const error = closedErrorOf(end);
    for (const job of outstanding) job.fail(error);
    outstanding.clear();
    socket.close();
    end$.next(end);
    end$.complete();
    notification$.complete();
    routed$.complete();
    job$.complete();
  };

  const replyLine$ = routed$.pipe(
    filter((r): r is Extract<Routed, { kind: 'reply-line' }> => r.kind === 'reply-line'),
    map((r) => r.line),
  );

  // Write a command after its reply waiter is subscribed, so no reply can be missed.
  const exchange = (job: Job): Observable<never> => {
    if (job.abandoned) {
      outstanding.delete(job);
      return EMPTY;
    }
    return new Observable<Reply>((subscriber) => {
      inFlight = job;
      const collector = createCommandReplyCollector(job.command);
      const waiter = replyLine$
        .pipe(
          map((line) => collector.push(line)),
          first((step): step is Extract<typeof step, { done: true }> => step.done),
        )
        .subscribe({
          next: (step) => {
            subscriber.next(step.reply);
            subscriber.complete();
          },
          error: (error: unknown) => subscriber.error(error),
          complete: () => subscriber.complete(),
        });
      socket.write(job.bytes);
      if (job.command.shape === 'none') {
        subscriber.next({ kind: 'none' });
        subscriber.complete();
      }
      return () => {
        inFlight = undefined;
        waiter.unsubscribe();
      };
    }).pipe(
      timeout({
        first: job.timeoutMs,
        scheduler,
        with: () => {
          const error = new VpnError(
            'MANAGEMENT_TIMEOUT',
            `openvpn did not answer "${job.command.name}" within ${job.timeoutMs} ms`,
            { details: { command: job.command.name, timeoutMs: job.timeoutMs } },
          );
          // This command timed out; the ones queued behind it fail as closed when the session ends.
          outstanding.delete(job);
          job.fail(error);
          return throwError(() => error);
        },
      }),
      map((reply) => {
        outstanding.delete(job);
        job.deliver(reply);
      }),
      filter(() => false),
    ) as Observable<never>;
  };

  const start = (): void => {
    job$
      .pipe(
        concatMap(exchange),
        // A missing reply leaves request and reply streams out of step with no way back (no
        // correlation ids), so a command timeout ends the session.
        catchError((error: unknown) => {
          finish({ kind: 'SessionFailed', error: asVpnError(error) });
          return EMPTY;
        }),
      )
      .subscribe();
    routed$.subscribe((r) => {
      if (r.kind === 'notification') notification$.next(r.notification);
      if (r.kind === 'malformed') logger.warn('management line dropped', { frame: r.frame.kind });
    });
    socket.data$.subscribe({
      next: (chunk) => {
        for (const frame of decoder.push(chunk)) route(frame);
      },
      error: (error: unknown) => finish({ kind: 'SessionFailed', error: asVpnError(error) }),
      complete: () => {
        for (const frame of decoder.end()) route(frame);
        // A CLIENT or UPDOWN block cut short by the hang-up still carries what it got.
        for (const notification of assembler.flush()) {
          routed$.next({ kind: 'notification', notification });
        }
        finish({ kind: 'SessionClosedByPeer' });
      },
    });
  };

  const send = <R>(command: Command<R>, sendOptions: SendOptions = {}): Observable<R> =>
    new Observable<R>((subscriber) => {
      if (ended !== undefined) {
        subscriber.error(closedErrorOf(ended));
        return;
      }
      const encoded = encodeCommand(command);
      if (encoded._tag === 'Left') {
        subscriber.error(
          new VpnError(
            'ENCODE_REFUSED',
            `refused to send "${command.name}": ${encoded.left.reason}`,
            {
              details: encoded.left,
            },
          ),
        );
        return;
      }
      const job: Job = {
        bytes: encoded.right,
        command,
        timeoutMs: sendOptions.timeoutMs ?? options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS,
        abandoned: false,
        deliver: (reply) => {
          if (job.abandoned) return;
          const decoded = command.decode(reply);
          if (decoded._tag === 'Right') {
            subscriber.next(decoded.right);
            subscriber.complete();
          } else {
            subscriber.error(replyError(command.name, reply, decoded.left));
          }
        },
        fail: (error) => {
          if (!job.abandoned) subscriber.error(error);
        },
      };
      outstanding.add(job);
      logger.debug('management command queued', {
        command: command.sensitive ? `${command.name} [redacted]` : job.bytes.trimEnd(),
      });
      job$.next(job);
      return () => {
        // A command already written still owns the next reply: the queue waits for it.
        job.abandoned = true;
      };
    });

  return {
    routed$: routed$.asObservable(),
    end$: end$.asObservable(),
    start,
    close: () => finish({ kind: 'SessionClosedByUs' }),
    fail: (error: VpnError) => finish({ kind: 'SessionFailed', error }),
    endError: () => endErrorOf(ended ?? { kind: 'SessionClosedByPeer' }),
    publish: (banner: string): ManagementSession => ({
      banner,
      notification$: notification$.asObservable(),
      end$: end$.asObservable(),
      send,
      close: () => finish({ kind: 'SessionClosedByUs' }),
    }),
  };
}

function endErrorOf(end: SessionEnd): VpnError {
  if (end.kind === 'SessionFailed') return end.error;
  return new VpnError('MANAGEMENT_CLOSED', 'the management session is closed');
}

/** The error of a command caught by the end of the session, queued or waiting for its reply. */
function closedErrorOf(end: SessionEnd): VpnError {
  if (end.kind === 'SessionFailed' && end.error.code === 'MANAGEMENT_CLOSED') return end.error;
  const why = end.kind === 'SessionFailed' ? `: ${end.error.message}` : '';
  return new VpnError('MANAGEMENT_CLOSED', `the management session is closed${why}`, {
    ...(end.kind === 'SessionFailed' ? { cause: end.error } : {}),
  });
}

function asVpnError(error: unknown): VpnError {
  if (isVpnError(error)) return error;
  return new VpnError('MANAGEMENT_CLOSED', `management session failed: ${String(error)}`, {
    cause: error,
  });
}

function replyError(name: string, reply: Reply, failure: unknown): VpnError {
  if (reply.kind === 'error') {
    return new VpnError('COMMAND_FAILED', `openvpn refused "${name}": ${reply.text}`, {
      details: { command: name, text: reply.text },
    });
  }
  return new VpnError('REPLY_MALFORMED', `unexpected reply to "${name}"`, {
    details: { command: name, failure },
  });
}
