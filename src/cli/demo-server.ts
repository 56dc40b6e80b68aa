import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { isLeft } from 'fp-ts/lib/Either.js';
import { VpnError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { findOpenvpn } from '../launcher/find-openvpn.js';
import type { ChildEnd, SpawnedChild, Spawner } from '../process/spawner.js';
import { execaSpawner } from '../process/spawner.js';
import { DEMO_SERVER_NAME, type DemoPki } from './demo-pki.js';

/** Options of {@link startDemoServer}. */
export interface DemoServerOptions {
  readonly pki: DemoPki;
  /** The openvpn binary; default: PATH, then the usual install places. */
  readonly openvpnPath?: string;
  readonly logger?: Logger;
  /** What {@link DemoServer.restart} waits between stop and start. Default 1 s. */
  readonly restartPauseMs?: number;
  /** What {@link DemoServer.stop} waits after SIGTERM before SIGKILL. Default 3 s. */
  readonly stopGraceMs?: number;
  /** How long openvpn may take to bind its port. Default 10 s. */
  readonly readyTimeoutMs?: number;
  /** Default: execa. */
  readonly spawner?: Spawner;
  /** Where the server's private directory (its config) is made. Default: the OS temp dir. */
  readonly tmpDir?: string;
}

/** The demo's OpenVPN server, listening on UDP `127.0.0.1:<port>`. */
export interface DemoServer {
  readonly port: number;
  /** Pid of the running openvpn; `undefined` while restarting and once stopped. */
  readonly pid: number | undefined;
  /** The `.ovpn` text of a client that connects to this server; holds the client's key. */
  clientProfile(): string;
  /** Stops the server, waits a moment and starts it again on the same port (`--chaos`). */
  restart(): Promise<void>;
  /** Stops the server and removes its files. Always resolves; later calls do nothing. */
  stop(): Promise<void>;
}

const RESTART_PAUSE_MS = 1_000;
const STOP_GRACE_MS = 3_000;
const READY_TIMEOUT_MS = 10_000;
const HOST = '127.0.0.1';
/** openvpn's line once its UDP socket is bound (socket.c, 2.6): it accepts packets from then. */
const BOUND = /UDPv4 link local \(bound\)/;
/** Output lines kept for the message when the server does not start. */
const TAIL_LINES = 8;

const pemBlock = (tag: string, pem: string): string => `<${tag}>\n${pem.trim()}\n</${tag}>`;

// A point-to-point TLS server: `dev null` needs no root. `float` lets a client that restarted
// (with a new source port, as `nobind` gives) take over the session; without it the client
// hangs in WAIT. keepalive lets each end notice the other is gone within 5 s.
const serverConfig = (pki: DemoPki, port: number): string =>
  [
    'dev null',
    'proto udp4',
    `local ${HOST}`,
    `port ${port}`,
    'tls-server',
    'dh none',
    'float',
    'keepalive 1 5',
    'remote-cert-tls client',
    'verb 3',
    pemBlock('ca', pki.caCert),
    pemBlock('cert', pki.serverCert),
    pemBlock('key', pki.serverKey),
    '',
  ].join('\n');

const clientProfileText = (pki: DemoPki, port: number): string =>
  [
    '# rx-openvpn demo client: connects to the demo server on this machine, no root needed.',
    'dev null',
    'proto udp',
    `remote ${HOST} ${port}`,
    'nobind',
    'tls-client',
    'remote-cert-tls server',
    `verify-x509-name ${DEMO_SERVER_NAME} name`,
    'keepalive 1 5',
    'connect-retry 1 5',
    'verb 3',
    pemBlock('ca', pki.caCert),
    pemBlock('cert', pki.clientCert),
    pemBlock('key', pki.clientKey),
    '',
  ].join('\n');

/** A UDP port of 127.0.0.1 that was free a moment ago: the kernel's pick for port 0. */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, HOST, resolve);
    });
    return socket.address().port;
  } finally {
    await new Promise<void>((resolve) => {
      socket.close(() => {
        resolve();
      });
    });
  }
}

const describeEnd = (end: ChildEnd): string =>
  end.kind === 'NotStarted'
    ? `did not start (${end.errno ?? String(end.cause)})`
    : `exited (${end.signal ?? `code ${String(end.code)}`})`;

// Waits for the bound line; rejects when openvpn ends or takes too long, with its last words.
async function awaitBound(child: SpawnedChild, logger: Logger, timeoutMs: number): Promise<void> {
  const tail: string[] = [];
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  const bound = new Promise<'bound'>((resolve) => {
    lines.on('line', (line) => {
      logger.debug('demo server', { line });
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      if (BOUND.test(line)) resolve('bound');
    });
  });
  const timeout = new AbortController();
  const outcome = await Promise.race([
    bound,
    child.end,
    sleep(timeoutMs, 'timeout' as const, { signal: timeout.signal }),
  ]).finally(() => {
    timeout.abort();
  });
  if (outcome === 'bound') return;
  const what = outcome === 'timeout' ? `did not bind within ${timeoutMs} ms` : describeEnd(outcome);
  // A copy: the listener goes on filling `tail` while openvpn is being stopped.
  const output = [...tail];
  throw new VpnError(
    'DEMO_SERVER_FAILED',
    `the demo's openvpn server ${what}:\n${output.join('\n')}`,
    {
      details: { output },
    },
  );
}

// SIGTERM, then SIGKILL after the grace; resolves once the process is gone.
async function terminate(child: SpawnedChild, graceMs: number): Promise<void> {
  child.kill('SIGTERM');
  const grace = new AbortController();
  const ended = await Promise.race([
    child.end.then(() => true),
    sleep(graceMs, false, { signal: grace.signal }),
  ]).finally(() => {
    grace.abort();
  });
  if (ended) return;
  child.kill('SIGKILL');
  await child.end;
}

const resolveOpenvpn = (path: string | undefined): string => {
  const found = findOpenvpn({
    ...(path === undefined ? {} : { path }),
    envPath: process.env['PATH'],
    platform: process.platform,
    exists: existsSync,
  });
  if (isLeft(found)) throw found.left;
  return found.right;
};

/**
 * Starts the demo's OpenVPN server on a free UDP port of 127.0.0.1 and resolves once it
 * listens. Rejects with `OPENVPN_NOT_FOUND` (saying how to install openvpn) or
 * `DEMO_SERVER_FAILED` with openvpn's last output lines.
 */
export async function startDemoServer(options: DemoServerOptions): Promise<DemoServer> {
  const { pki } = options;
  const logger = options.logger ?? silentLogger;
  const spawner = options.spawner ?? execaSpawner;
  const stopGraceMs = options.stopGraceMs ?? STOP_GRACE_MS;
  const readyTimeoutMs = options.readyTimeoutMs ?? READY_TIMEOUT_MS;
  const openvpnPath = resolveOpenvpn(options.openvpnPath);
  const port = await freeUdpPort();
  const dir = await mkdtemp(join(options.tmpDir ?? tmpdir(), 'rx-openvpn-demo-server-'));
  const configPath = join(dir, 'server.conf');

  const launch = async (): Promise<SpawnedChild> => {
    const child = spawner({ file: openvpnPath, args: ['--config', configPath] });
    // Read stderr too: a full pipe would block openvpn.
    createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', (line) => {
      logger.warn('demo server', { line });
    });
    try {
      await awaitBound(child, logger, readyTimeoutMs);
    } catch (error) {
      await terminate(child, stopGraceMs);
      throw error;
    }
    logger.info('demo server listening', { port, pid: child.pid });
    return child;
  };

  let current: SpawnedChild | undefined;
  let stopped = false;
  // restart() and stop() run one after the other, never interleaved.
  let queue: Promise<unknown> = Promise.resolve();
  const enqueue = <T>(task: () => Promise<T>): Promise<T> => {
    const result = queue.then(task);
    queue = result.catch(() => undefined);
    return result;
  };

  try {
    await writeFile(configPath, serverConfig(pki, port), { mode: 0o600 });
    current = await launch();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    port,
    get pid() {
      return current?.pid;
    },
    clientProfile: () => clientProfileText(pki, port),
    restart: () =>
      enqueue(async () => {
        if (stopped) throw new VpnError('DEMO_SERVER_FAILED', 'the demo server was stopped');
        if (current !== undefined) await terminate(current, stopGraceMs);
        current = undefined;
        await sleep(options.restartPauseMs ?? RESTART_PAUSE_MS);
        current = await launch();
      }),
    stop: () =>
      enqueue(async () => {
        if (stopped) return;
        stopped = true;
        if (current !== undefined) await terminate(current, stopGraceMs);
        current = undefined;
        // Leftover files must not turn a finished stop into a failure.
        await rm(dir, { recursive: true, force: true }).catch((error: unknown) => {
          logger.warn('cannot remove the demo server directory', { dir, error: String(error) });
        });
      }),
  };
}
