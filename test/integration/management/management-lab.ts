import { expect } from '@jest/globals';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import {
  ReplaySubject,
  filter,
  firstValueFrom,
  skip,
  switchMap,
  timeout,
  type Observable,
  type Subscription,
} from 'rxjs';
import type { Notification } from '../../../src/management/notification.js';
import {
  attachSession,
  type ManagementSession,
  type SessionEnd,
  type SessionOptions,
} from '../../../src/management/session.js';
import { connectSocket, type ManagementEndpoint } from '../../../src/management/socket.js';
import { connectWithRetry } from '../../../src/management/connect-with-retry.js';
import { isAlive, waitFor } from '../lab/lab.js';

/** Long enough for a loopback TLS handshake, short enough to fail a hung test quickly. */
export const NOTIFICATION_TIMEOUT_MS = 15_000;
/** How long openvpn may take to exit after SIGTERM or a management exit. */
export const EXIT_TIMEOUT_MS = 10_000;

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

/** Reaches the management interface at `endpoint` (with retry, as openvpn starts) and attaches. */
export function attachTo(
  endpoint: ManagementEndpoint,
  options: SessionOptions = {},
): Promise<ManagementSession> {
  return firstValueFrom(
    connectWithRetry(connectSocket(endpoint).pipe(switchMap((s) => attachSession(s, options)))),
  );
}

/** A session's notifications, kept from now on so a test can wait for one already received. */
export interface NotificationLog {
  readonly all: () => readonly Notification[];
  /** The first match among the notifications from number `from` (0-based) on. */
  readonly next: <N extends Notification>(
    match: (n: Notification) => n is N,
    what: string,
    from?: number,
  ) => Promise<N>;
  readonly stop: () => void;
}

export function logNotifications(session: ManagementSession): NotificationLog {
  const seen: Notification[] = [];
  const replay$ = new ReplaySubject<Notification>();
  const subscription: Subscription = session.notification$.subscribe((n) => {
    seen.push(n);
    replay$.next(n);
  });
  return {
    all: () => seen,
    next: (match, what, from = 0) =>
      firstValueFrom(
        (replay$ as Observable<Notification>).pipe(
          skip(from),
          filter(match),
          timeout({
            first: NOTIFICATION_TIMEOUT_MS,
            with: () => {
              throw new Error(
                `no ${what} within ${NOTIFICATION_TIMEOUT_MS} ms; got ${JSON.stringify(seen)}`,
              );
            },
          }),
        ),
      ),
    stop: () => subscription.unsubscribe(),
  };
}

/** Type guards for the notifications the tests wait for. */
export const isState =
  (name: string) =>
  (n: Notification): n is Extract<Notification, { type: 'state' }> =>
    n.type === 'state' && n.name === name;

export const isPasswordEvent =
  <E extends 'need' | 'verification-failed'>(event: E) =>
  (n: Notification): n is Extract<Notification, { type: 'password'; event: E }> =>
    n.type === 'password' && n.event === event;

export const isHold = (n: Notification): n is Extract<Notification, { type: 'hold' }> =>
  n.type === 'hold';

/** Resolves with how the session ended. */
export const endOf = (session: ManagementSession): Promise<SessionEnd> =>
  firstValueFrom(session.end$.pipe(timeout(EXIT_TIMEOUT_MS)));

/** Waits until the process with `pid` is gone (exited and reaped). */
export const waitGone = (pid: number, output: () => string): Promise<void> =>
  waitFor(
    () => !isAlive(pid),
    EXIT_TIMEOUT_MS,
    () => `openvpn ${pid} to exit:\n${output()}`,
  );

/** Asserts what every test promises: no openvpn left, no temp dir left. */
export function expectNothingLeft(pids: readonly number[], dirs: readonly string[]): void {
  for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  for (const dir of dirs) expect(existsSync(dir)).toBe(false);
}
