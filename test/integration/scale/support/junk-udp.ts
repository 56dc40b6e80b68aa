import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { filter, firstValueFrom, merge, mergeMap, switchMap, timeout } from 'rxjs';
import * as command from '../../../../src/management/command.js';
import { connectWithRetry } from '../../../../src/management/connect-with-retry.js';
import { attachSession, type ManagementSession } from '../../../../src/management/session.js';
import { connectSocket } from '../../../../src/management/socket.js';
import type { Lab, LabProcess, LabServer } from '../../lab/lab.js';

/**
 * The local UDP port of the one UDP socket that process `pid` holds, read from procfs: its
 * socket inodes from `/proc/<pid>/fd`, their ports from `/proc/net/udp`. A client with
 * `nobind` gets an ephemeral port, which only this tells.
 */
export function udpPortOf(pid: number): number {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode !== undefined) inodes.add(inode);
  }
  const ports: number[] = [];
  // Columns: sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
  for (const row of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const columns = row.trim().split(/\s+/);
    const local = columns[1];
    const inode = columns[9];
    if (local === undefined || inode === undefined || !inodes.has(inode)) continue;
    ports.push(Number.parseInt(local.split(':')[1] ?? '', 16));
  }
  const [port, ...others] = ports;
  if (port === undefined || others.length > 0 || !Number.isInteger(port)) {
    throw new Error(`process ${pid} holds ${ports.length} UDP sockets; expected exactly one`);
  }
  return port;
}

/** A child process sending junk datagrams to one loopback port. */
export interface JunkSender {
  /** Stops the sender; resolves with the number of datagrams it sent. */
  readonly stop: () => Promise<number>;
}

// The sender runs in its own process so that sending never competes with the engine's event
// loop. It sends 40-byte datagrams in bursts, yielding between bursts so SIGTERM is heard,
// prints its count on the way out, and ends by itself when its parent does.
const SENDER_SOURCE = `
const dgram = require('node:dgram');
const port = Number(process.argv[1]);
const socket = dgram.createSocket('udp4');
const junk = Buffer.alloc(40, 0x6a);
let sent = 0;
let running = true;
process.on('SIGTERM', () => {
  running = false;
  process.stdout.write(String(sent) + '\\n', () => process.exit(0));
});
// The parent holds the other end of stdin: if it dies without stopping us, so do we.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
const burst = () => {
  if (!running) return;
  for (let i = 0; i < 64; i += 1) socket.send(junk, port, '127.0.0.1');
  sent += 64;
  setImmediate(burst);
};
burst();
`;

/** Starts sending junk UDP to 127.0.0.1:`port` (only loopback) until `stop`. */
export function sendJunk(port: number): JunkSender {
  const child = spawn(process.execPath, ['-e', SENDER_SOURCE, String(port)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => (output += chunk));
  const exited = once(child, 'exit');
  return {
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      return Number.parseInt(output, 10) || 0;
    },
  };
}

/** A new management session on the unix socket at `path`, retried while openvpn opens it. */
export const attachedTo = (path: string): Promise<ManagementSession> =>
  firstValueFrom(
    connectWithRetry(
      connectSocket({ kind: 'unix', path }).pipe(switchMap((socket) => attachSession(socket))),
    ),
  );

/** How long a bare client may take to connect on a loaded loopback. */
const CONNECT_TIMEOUT_MS = 30_000;

/** A bare openvpn client, driven only through its management interface. */
export interface FloodableClient {
  readonly openvpn: LabProcess;
  readonly session: ManagementSession;
  /** Its management socket, which serves another client once the session is closed. */
  readonly socketPath: string;
}

/**
 * Starts a bare openvpn client of `server` that logs to /dev/null (under a flood its stdout
 * would be hundreds of megabytes), attaches to its management socket, turns on what the engine
 * turns on for an openvpn it spawned (state notifications, a byte count every second; the log
 * it reads from stdout) and resolves once it is connected. The lab stops the process; the
 * caller closes the session.
 */
export async function floodableClient(lab: Lab, server: LabServer): Promise<FloodableClient> {
  const dir = await lab.tempDir();
  const config = join(dir, 'client.conf');
  await writeFile(config, server.clientConfig(), { mode: 0o600 });
  const socketPath = join(dir, 'management.sock');
  const openvpn = await lab.run([
    '--config',
    config,
    '--log',
    '/dev/null',
    '--management',
    socketPath,
    'unix',
  ]);
  const session = await attachedTo(socketPath);
  try {
    const connected$ = merge(
      session.notification$.pipe(filter((n) => n.type === 'state' && n.name === 'CONNECTED')),
      session
        .send(command.stateCurrent())
        .pipe(mergeMap((entries) => entries.filter((entry) => entry.name === 'CONNECTED'))),
    );
    const connected = firstValueFrom(connected$.pipe(timeout(CONNECT_TIMEOUT_MS)));
    await firstValueFrom(session.send(command.stateRealtime(true)));
    await connected;
    await firstValueFrom(session.send(command.bytecount(1)));
  } catch (error) {
    session.close();
    throw error;
  }
  return { openvpn, session, socketPath };
}
