import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { isVpnError, type VpnError } from '../../src/core/errors.js';
import {
  UNIX_SOCKET_PATH_MAX_BYTES,
  checkSocketPath,
  connectSocket,
  fromNodeSocket,
  listenManagement,
  type ManagementListener,
  type ManagementSocket,
} from '../../src/management/socket.js';

const BANNER = ">INFO:OpenVPN Management Interface Version 5 -- type 'help' for more info\r\n";
const GRACE_MS = 50;

const dirs: string[] = [];
const listeners: ManagementListener[] = [];
const servers: Server[] = [];
const sockets: Socket[] = [];
const opened: ManagementSocket[] = [];

afterEach(async () => {
  for (const socket of opened.splice(0)) socket.close();
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(listeners.splice(0).map((l) => l.close()));
  await Promise.all(
    servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
  );
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const tempDir = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'rx-openvpn-socket-'));
  dirs.push(dir);
  return dir;
};

const listen = async (
  where: Parameters<typeof listenManagement>[0],
): Promise<ManagementListener> => {
  const listener = await listenManagement(where);
  listeners.push(listener);
  return listener;
};

/** A Node client standing in for openvpn dialling in; it greets as soon as it is connected. */
const dialIn = (listener: ManagementListener, greeting?: string): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const { endpoint } = listener;
    const socket =
      endpoint.kind === 'unix'
        ? createConnection({ path: endpoint.path })
        : createConnection({ host: endpoint.host, port: endpoint.port });
    sockets.push(socket);
    socket.once('error', reject);
    socket.once('connect', () => {
      if (greeting !== undefined) socket.write(greeting);
      resolve(socket);
    });
  });

const text = (chunks: readonly Uint8Array[]): string => Buffer.concat(chunks).toString('utf8');

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const failureOf = async (promise: Promise<unknown>): Promise<VpnError> => {
  try {
    await promise;
  } catch (error) {
    if (isVpnError(error)) return error;
    throw error;
  }
  throw new Error('expected a failure');
};

/** A plain server standing in for openvpn's own management listener. */
const serve = async (
  listenOn: (server: Server, done: () => void) => void,
  onConnection: (socket: Socket) => void,
): Promise<Server> => {
  const server = createServer((socket) => {
    sockets.push(socket);
    onConnection(socket);
  });
  servers.push(server);
  await new Promise<void>((resolve) => listenOn(server, resolve));
  return server;
};

describe('checkSocketPath', () => {
  it('accepts 107 bytes and refuses 108, the size of sun_path with its NUL', () => {
    expect(checkSocketPath(`/${'a'.repeat(UNIX_SOCKET_PATH_MAX_BYTES - 1)}`)).toBeUndefined();
    const refused = checkSocketPath(`/${'a'.repeat(UNIX_SOCKET_PATH_MAX_BYTES)}`);
    expect(refused?.code).toBe('MANAGEMENT_UNREACHABLE');
    expect(refused?.details).toEqual(expect.objectContaining({ bytes: 108 }));
  });

  it('counts UTF-8 bytes, not characters', () => {
    const path = `/${'é'.repeat(54)}`;
    expect(path.length).toBeLessThanOrEqual(UNIX_SOCKET_PATH_MAX_BYTES);
    expect(checkSocketPath(path)?.details).toEqual(expect.objectContaining({ bytes: 109 }));
  });
});

describe('listenManagement on a unix socket', () => {
  it('refuses a path openvpn would truncate before listening', async () => {
    const dir = await tempDir();
    const path = join(dir, 'm'.repeat(UNIX_SOCKET_PATH_MAX_BYTES));
    const error = await failureOf(listenManagement({ kind: 'unix', path }));
    expect(error.code).toBe('MANAGEMENT_UNREACHABLE');
    await expect(stat(path)).rejects.toThrow('ENOENT');
  });

  it('creates the socket with mode 0600 and removes it on close', async () => {
    const dir = await tempDir();
    const path = join(dir, 'm.sock');
    const listener = await listen({ kind: 'unix', path });
    expect(listener.endpoint).toEqual({ kind: 'unix', path });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await listener.close();
    await expect(stat(path)).rejects.toThrow('ENOENT');
  });

  it('keeps the greeting of a dialled-in peer until data$ is subscribed', async () => {
    const listener = await listen({ kind: 'unix', path: join(await tempDir(), 'm.sock') });
    const accepted = firstValueFrom(listener.connection$);
    const peer = await dialIn(listener, BANNER);
    const socket = await accepted;
    opened.push(socket);
    await sleep(GRACE_MS);
    const received = lastValueFrom(socket.data$.pipe(toArray()));
    await sleep(GRACE_MS);
    peer.end();
    expect(text(await received)).toBe(BANNER);
  });

  it('destroys accepted connections and completes connection$ on close', async () => {
    const listener = await listen({ kind: 'unix', path: join(await tempDir(), 'm.sock') });
    const connections = lastValueFrom(listener.connection$.pipe(toArray()));
    const peer = await dialIn(listener);
    const peerClosed = new Promise<void>((resolve) => peer.once('close', () => resolve()));
    await sleep(GRACE_MS);
    await listener.close();
    await peerClosed;
    expect(await connections).toHaveLength(1);
  });
});

describe('listenManagement on TCP', () => {
  it('listens on 127.0.0.1 with an ephemeral port and carries bytes both ways', async () => {
    const listener = await listen({ kind: 'tcp' });
    expect(listener.endpoint).toEqual({ kind: 'tcp', host: '127.0.0.1', port: expect.any(Number) });
    const accepted = firstValueFrom(listener.connection$);
    const peer = await dialIn(listener, BANNER);
    const socket = await accepted;
    opened.push(socket);
    const heard = new Promise<string>((resolve) =>
      peer.once('data', (d: Buffer) => resolve(String(d))),
    );
    const received = firstValueFrom(socket.data$);
    socket.write('pid\n');
    expect(await heard).toBe('pid\n');
    expect(text([await received])).toBe(BANNER);
  });
});

describe('connectSocket', () => {
  it('reaches a unix socket, and data$ completes when the peer hangs up', async () => {
    const path = join(await tempDir(), 'm.sock');
    await serve(
      (server, done) => server.listen(path, done),
      (peer) => peer.end(BANNER),
    );
    const socket = await firstValueFrom(connectSocket({ kind: 'unix', path }));
    opened.push(socket);
    expect(text(await lastValueFrom(socket.data$.pipe(toArray())))).toBe(BANNER);
  });

  it('reaches TCP on loopback', async () => {
    const server = await serve(
      (s, done) => s.listen(0, '127.0.0.1', done),
      (peer) => peer.write(BANNER),
    );
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    const socket = await firstValueFrom(
      connectSocket({ kind: 'tcp', host: '127.0.0.1', port: address.port }),
    );
    opened.push(socket);
    expect(text([await firstValueFrom(socket.data$)])).toBe(BANNER);
  });

  it('fails with MANAGEMENT_UNREACHABLE when the unix socket does not exist', async () => {
    const path = join(await tempDir(), 'missing.sock');
    const error = await failureOf(firstValueFrom(connectSocket({ kind: 'unix', path })));
    expect(error.code).toBe('MANAGEMENT_UNREACHABLE');
    expect(error.details).toEqual({ endpoint: { kind: 'unix', path }, errno: 'ENOENT' });
  });

  it('fails with MANAGEMENT_UNREACHABLE when nothing listens on the TCP port', async () => {
    const server = await serve(
      (s, done) => s.listen(0, '127.0.0.1', done),
      () => undefined,
    );
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    servers.splice(servers.indexOf(server), 1);
    const error = await failureOf(
      firstValueFrom(connectSocket({ kind: 'tcp', host: '127.0.0.1', port: address.port })),
    );
    expect(error.details).toEqual(expect.objectContaining({ errno: 'ECONNREFUSED' }));
  });
});

describe('fromNodeSocket', () => {
  it('lets data$ be subscribed once only', async () => {
    const path = join(await tempDir(), 'm.sock');
    await serve(
      (server, done) => server.listen(path, done),
      () => undefined,
    );
    const socket = await firstValueFrom(connectSocket({ kind: 'unix', path }));
    opened.push(socket);
    socket.data$.subscribe({ error: () => undefined });
    await expect(firstValueFrom(socket.data$)).rejects.toThrow('subscribed only once');
  });

  it('reports a socket error as MANAGEMENT_CLOSED and ignores writes once closed', async () => {
    const path = join(await tempDir(), 'm.sock');
    await serve(
      (server, done) => server.listen(path, done),
      () => undefined,
    );
    const raw = createConnection({ path });
    sockets.push(raw);
    await new Promise<void>((resolve) => raw.once('connect', () => resolve()));
    const socket = fromNodeSocket(raw);
    const failed = failureOf(lastValueFrom(socket.data$.pipe(take(1))));
    raw.destroy(new Error('read ECONNRESET'));
    const error = await failed;
    expect(error.code).toBe('MANAGEMENT_CLOSED');
    expect(error.cause).toEqual(new Error('read ECONNRESET'));
    expect(() => socket.write('pid\n')).not.toThrow();
  });
});
