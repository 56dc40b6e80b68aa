import { createServer, type Socket } from 'node:net';
import { stamp } from './clock.js';

/** The openvpn states the peer reports. */
export type PeerStateName = 'CONNECTING' | 'CONNECTED' | 'RECONNECTING';

/** One client connection, seen from the fake openvpn's side. */
export interface PeerLink {
  /**
   * Switches the state openvpn reports and returns the moment of the switch: taken just before
   * the `>STATE` line is written when the client turned real-time state on, else the moment
   * the `state` command starts answering with the new line.
   */
  changeState(name: PeerStateName): bigint;
  /** Resolves once the client sent `hold release`. */
  readonly holdReleased: Promise<void>;
}

/** A fake openvpn management interface listening on a unix socket in this process. */
export interface StatePeer {
  readonly path: string;
  /** The next client connection (in the order they were accepted). */
  nextLink(): Promise<PeerLink>;
  close(): Promise<void>;
}

// What openvpn 2.6.14 answers (test/fixtures/transcripts/p2p-client-session.txt).
const BANNER = ">INFO:OpenVPN Management Interface Version 5 -- type 'help' for more info";
const HOLD = '>HOLD:Waiting for hold release:0';
const STATE_ON = 'SUCCESS: real-time state notification set to ON';
const LOG_ON = 'SUCCESS: real-time log notification set to ON';
const BYTECOUNT_SET = 'SUCCESS: bytecount interval changed';
const HOLD_RELEASED = 'SUCCESS: hold release succeeded';
const UNKNOWN = "ERROR: unknown command, enter 'help' for more options";
const MS_PER_SECOND = 1000;
// Bytes the fake tunnel carries per >BYTECOUNT tick; the figure only has to grow.
const BYTES_PER_TICK = 1_234;

// The fields after the time, as openvpn reports these states on a client.
const STATE_FIELDS: Readonly<Record<PeerStateName, string>> = {
  CONNECTING: 'CONNECTING,,,,,,',
  CONNECTED: 'CONNECTED,SUCCESS,,127.0.0.1,1194,,',
  RECONNECTING: 'RECONNECTING,ping-restart,,,,,',
};

const stateLine = (name: PeerStateName): string =>
  `${Math.floor(Date.now() / MS_PER_SECOND)},${STATE_FIELDS[name]}`;

// `status 1` of a p2p client (test/fixtures/outputs/p2p-client-status-1.txt), with this
// link's byte count.
const statusReply = (bytes: number): readonly string[] => [
  'OpenVPN STATISTICS',
  `Updated,${new Date().toISOString().slice(0, 19).replace('T', ' ')}`,
  `TUN/TAP read bytes,${bytes}`,
  `TUN/TAP write bytes,${bytes}`,
  `TCP/UDP read bytes,${bytes}`,
  `TCP/UDP write bytes,${bytes}`,
  'Auth read bytes,992',
  'END',
];

const framed = (lines: readonly string[]): string => lines.map((line) => `${line}\r\n`).join('');

// The words of a command line; the engine quotes every argument (`hold "release"`).
const wordsOf = (line: string): string => line.replaceAll('"', '').trim().split(/\s+/).join(' ');

function serveLink(socket: Socket): { link: PeerLink; stop: () => void } {
  let current = stateLine('CONNECTING');
  let realtime = false;
  let bytecount: NodeJS.Timeout | undefined;
  let bytes = 0;
  let pending = '';
  let release: () => void = () => undefined;
  const holdReleased = new Promise<void>((resolve) => (release = resolve));

  const write = (lines: readonly string[]): void => {
    if (!socket.destroyed) socket.write(framed(lines));
  };
  const startBytecount = (seconds: number): void => {
    clearInterval(bytecount);
    bytecount = undefined;
    if (seconds <= 0) return;
    bytecount = setInterval(() => {
      bytes += BYTES_PER_TICK;
      write([`>BYTECOUNT:${bytes},${bytes}`]);
    }, seconds * MS_PER_SECOND);
  };
  const answer = (line: string): readonly string[] => {
    const words = wordsOf(line);
    if (words === 'state') return [current, 'END'];
    if (words === 'state on all' || words === 'state on') {
      realtime = true;
      return words === 'state on' ? [STATE_ON] : [STATE_ON, current, 'END'];
    }
    if (words === 'log on') return [LOG_ON];
    if (words === 'status' || words === 'status 1') return statusReply(bytes);
    if (words === 'hold release') {
      release();
      return [HOLD_RELEASED];
    }
    const bytecountMatch = /^bytecount (\d+)$/.exec(words);
    if (bytecountMatch?.[1] !== undefined) {
      startBytecount(Number(bytecountMatch[1]));
      return [BYTECOUNT_SET];
    }
    return [UNKNOWN];
  };

  socket.setEncoding('utf8');
  socket.on('data', (text: string) => {
    pending += text;
    let end = pending.indexOf('\n');
    while (end !== -1) {
      write(answer(pending.slice(0, end).replace(/\r$/, '')));
      pending = pending.slice(end + 1);
      end = pending.indexOf('\n');
    }
  });
  socket.on('error', () => undefined);
  write([BANNER, HOLD]);

  const link: PeerLink = {
    changeState: (name) => {
      current = stateLine(name);
      const at = stamp();
      if (realtime && !socket.destroyed) socket.write(`>STATE:${current}\r\n`);
      return at;
    },
    holdReleased,
  };
  const stop = (): void => {
    clearInterval(bytecount);
    socket.destroy();
  };
  return { link, stop };
}

/** Starts the fake peer on `path` (a socket in a directory the caller owns and removes). */
export async function startStatePeer(path: string): Promise<StatePeer> {
  const accepted: PeerLink[] = [];
  const waiting: ((link: PeerLink) => void)[] = [];
  const stops: (() => void)[] = [];
  const server = createServer((socket) => {
    const { link, stop } = serveLink(socket);
    stops.push(stop);
    const waiter = waiting.shift();
    if (waiter === undefined) accepted.push(link);
    else waiter(link);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    path,
    nextLink: () => {
      const ready = accepted.shift();
      return ready === undefined
        ? new Promise((resolve) => waiting.push(resolve))
        : Promise.resolve(ready);
    },
    close: async () => {
      for (const stop of stops) stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
