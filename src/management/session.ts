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
  mergeMap,
  race,
  startWith,
  switchMap,
  takeUntil,
  throwError,
  timeout,
  timer,
  type SchedulerLike,
} from 'rxjs';
import { VpnError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { Secret } from '../core/secret.js';
import { createCommandReplyCollector, type Command } from './command.js';
import { encodeCommand } from './encode.js';
import { createLineDecoder, type Frame } from './framing.js';
import { createNotificationAssembler, type Notification } from './notification.js';
import { claimsLine, isNotificationLine, type Reply } from './reply.js';
import {
  asVpnError,
  closedErrorOf,
  endErrorOf,
  passwordAnswer,
  replyError,
} from './session-errors.js';
import type { ManagementSocket } from './socket.js';

/** How long openvpn may take to greet a new management connection with `>INFO:`. */
export const ATTACH_TIMEOUT_MS = 5_000;
/** How long one command may wait for its reply once written. */
export const COMMAND_TIMEOUT_MS = 10_000;

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
  // Ticks on every chunk from openvpn: the command deadline counts silence.
  const activity$ = new Subject<void>();

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
      // The deadline counts openvpn's silence, not the wait for the reply: under a log flood a
      // reply queues behind thousands of lines, late but coming. Silence past the deadline with
      // a command pending means openvpn is hung.
      (reply$) =>
        race(
          reply$,
          activity$.pipe(
            startWith(undefined),
            switchMap(() => timer(job.timeoutMs, scheduler)),
            mergeMap(() => {
              const error = new VpnError(
                'MANAGEMENT_TIMEOUT',
                `openvpn sent nothing for ${job.timeoutMs} ms while "${job.command.name}" waited`,
                { details: { command: job.command.name, timeoutMs: job.timeoutMs } },
              );
              // This command timed out; the ones queued behind it fail as closed when the
              // session ends.
              outstanding.delete(job);
              job.fail(error);
              return throwError(() => error);
            }),
          ),
        ),
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
        decoder.pushTo(chunk, route);
        activity$.next();
      },
      error: (error: unknown) => finish({ kind: 'SessionFailed', error: asVpnError(error) }),
      complete: () => {
        decoder.endTo(route);
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
