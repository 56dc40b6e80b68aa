import { createConnection, type Socket } from 'node:net';
import { sleep, stamp, within } from './clock.js';

/** What the minimal management client saw, as timestamps. */
export interface HoldReleaseRun {
  /** The `>HOLD` line arrived. */
  readonly holdAt: bigint;
  /** Just before `hold release` was written. */
  readonly releasedAt: bigint;
  /** The `>STATE:…,CONNECTED` line arrived. */
  readonly connectedAt: bigint;
}

// openvpn creates its socket a few ms after the spawn; a refused or missing one is retried.
const RETRY_MS = 5;

async function connectWhenListening(path: string, deadlineMs: number, signal: AbortSignal) {
  for (;;) {
    const socket = createConnection({ path });
    const connected = await new Promise<boolean>((resolve) => {
      socket.once('connect', () => resolve(true));
      socket.once('error', () => resolve(false));
    });
    if (connected) return socket;
    socket.destroy();
    if (Date.now() > deadlineMs) throw new Error(`no management socket at ${path}`);
    await sleep(RETRY_MS, signal);
  }
}

/**
 * The bare side of the hold-release measurement: connects to openvpn's management socket
 * (`--management <path> unix --management-hold`), turns real-time state on, writes
 * `hold release` on `>HOLD` and waits for CONNECTED; then hangs up, leaving openvpn running.
 */
export async function releaseHold(
  path: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<HoldReleaseRun> {
  const socket: Socket = await connectWhenListening(path, Date.now() + timeoutMs, signal);
  // An error is followed by `close`, which ends the wait below.
  socket.on('error', () => undefined);
  try {
    socket.setEncoding('utf8');
    const run = new Promise<HoldReleaseRun>((resolve, reject) => {
      let pending = '';
      let holdAt: bigint | undefined;
      let releasedAt: bigint | undefined;
      socket.on('data', (text: string) => {
        const at = stamp();
        pending += text;
        let end = pending.indexOf('\n');
        while (end !== -1) {
          const line = pending.slice(0, end);
          pending = pending.slice(end + 1);
          end = pending.indexOf('\n');
          if (line.startsWith('>HOLD:') && releasedAt === undefined) {
            holdAt = at;
            releasedAt = stamp();
            socket.write('hold release\n');
          } else if (/^>STATE:\d+,CONNECTED,/.test(line)) {
            if (holdAt === undefined || releasedAt === undefined) {
              reject(new Error('CONNECTED before the hold was released'));
            } else {
              resolve({ holdAt, releasedAt, connectedAt: at });
            }
          }
        }
      });
      socket.once('close', () => reject(new Error('openvpn closed the management socket')));
    });
    socket.write('state on\n');
    return await within(run, timeoutMs, 'CONNECTED after hold release', signal);
  } finally {
    socket.destroy();
  }
}
