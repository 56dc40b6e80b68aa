import { once } from 'node:events';
import { createConnection } from 'node:net';
import { stamp } from './clock.js';

/** How often the Python original asks openvpn for its state. */
export const POLL_INTERVAL_MS = 1_000;

/** A state change as the poller noticed it. */
export interface SeenChange {
  readonly name: string;
  /** When the `state` reply that showed the new state was read. */
  readonly at: bigint;
}

/** The baseline: learns the state only by asking. */
export interface PollingSupervisor {
  /** Resolves at the first reply (which only sets the state to compare against). */
  readonly firstReply: Promise<void>;
  /** Resolves at the next change the poller notices. */
  nextChange(): Promise<SeenChange>;
  close(): void;
}

/**
 * The 1 s polling supervisor of vpnprocess.py, reduced to what matters here: send `state` every
 * {@link POLL_INTERVAL_MS}, read the reply up to `END`, compare the state name of its last line
 * with the previous one. Real-time notifications are never turned on.
 */
export async function startPollingSupervisor(path: string): Promise<PollingSupervisor> {
  const socket = createConnection({ path });
  await once(socket, 'connect');
  socket.setEncoding('utf8');
  let pending = '';
  let lastLine: string | undefined;
  let previous: string | undefined;
  let waiter: ((change: SeenChange) => void) | undefined;
  let first: () => void = () => undefined;
  const firstReply = new Promise<void>((resolve) => (first = resolve));

  const onReplyEnd = (): void => {
    const name = lastLine?.split(',')[1];
    lastLine = undefined;
    if (name === undefined) return;
    if (previous === undefined) {
      previous = name;
      first();
      return;
    }
    if (name === previous) return;
    previous = name;
    const seen = { name, at: stamp() };
    waiter?.(seen);
    waiter = undefined;
  };
  const onLine = (line: string): void => {
    if (line === 'END') onReplyEnd();
    // Notifications (banner, >HOLD) and status words are not state lines.
    else if (!line.startsWith('>') && !/^(SUCCESS|ERROR):/.test(line)) lastLine = line;
  };
  socket.on('data', (text: string) => {
    pending += text;
    let end = pending.indexOf('\n');
    while (end !== -1) {
      onLine(pending.slice(0, end).replace(/\r$/, ''));
      pending = pending.slice(end + 1);
      end = pending.indexOf('\n');
    }
  });
  socket.on('error', () => undefined);
  const poll = (): void => {
    if (!socket.destroyed) socket.write('state\n');
  };
  poll();
  const timer = setInterval(poll, POLL_INTERVAL_MS);

  return {
    firstReply,
    nextChange: () =>
      new Promise<SeenChange>((resolve) => {
        waiter = resolve;
      }),
    close: () => {
      clearInterval(timer);
      socket.destroy();
    },
  };
}
