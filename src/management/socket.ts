import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { chmod, rm } from 'node:fs/promises';
import { Observable } from 'rxjs';
import { VpnError } from '../core/errors.js';

/** Where a management interface is reached: a unix socket path, or TCP on loopback. */
export type ManagementEndpoint =
  | { readonly kind: 'unix'; readonly path: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

/**
 * A byte stream to or from openvpn's management interface. `data$` may be subscribed once: it
 * starts the flow, completes when the peer closes and errors on a socket error.
 */
export interface ManagementSocket {
  readonly data$: Observable<Uint8Array>;
  write(text: string): void;
  close(): void;
}

/** Opens a connection to an endpoint; the Observable emits once, when connected. */
export type SocketConnector = (endpoint: ManagementEndpoint) => Observable<ManagementSocket>;

/**
 * openvpn copies a unix socket path into `sockaddr_un.sun_path` (108 bytes with the NUL) and
 * silently truncates a longer one (2.6), so such a path is refused up front.
 */
export const UNIX_SOCKET_PATH_MAX_BYTES = 107;

/** Refuses a unix socket path that openvpn would truncate. */
export function checkSocketPath(path: string): VpnError<'MANAGEMENT_UNREACHABLE'> | undefined {
  const bytes = Buffer.byteLength(path, 'utf8');
  if (bytes <= UNIX_SOCKET_PATH_MAX_BYTES) return undefined;
  return new VpnError(
    'MANAGEMENT_UNREACHABLE',
    `management socket path is ${bytes} bytes, over the ${UNIX_SOCKET_PATH_MAX_BYTES} openvpn ` +
      'accepts; choose a shorter runtime directory',
    { details: { path, bytes } },
  );
}

/** Wraps a connected Node socket. */
export function fromNodeSocket(socket: Socket): ManagementSocket {
  let subscribed = false;
  const data$ = new Observable<Uint8Array>((subscriber) => {
    if (subscribed) {
      subscriber.error(new Error('ManagementSocket.data$ can be subscribed only once'));
      return;
    }
    subscribed = true;
    const onData = (chunk: Buffer): void => subscriber.next(chunk);
    const onClose = (): void => subscriber.complete();
    const onError = (error: Error): void =>
      subscriber.error(
        new VpnError('MANAGEMENT_CLOSED', `management socket failed: ${error.message}`, {
          cause: error,
        }),
      );
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.once('error', onError);
    // An accepted socket stays paused until here, so a greeting sent at once is not lost.
    socket.resume();
    return () => {
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onError);
    };
  });
  return {
    data$,
    write: (text) => {
      if (!socket.destroyed) socket.write(text, 'utf8');
    },
    close: () => {
      socket.destroy();
    },
  };
}

/** The Node connector: unix socket or TCP. */
export const connectSocket: SocketConnector = (endpoint) =>
  new Observable<ManagementSocket>((subscriber) => {
    const socket =
      endpoint.kind === 'unix'
        ? createConnection({ path: endpoint.path })
        : createConnection({ host: endpoint.host, port: endpoint.port });
    const onError = (error: NodeJS.ErrnoException): void =>
      subscriber.error(
        new VpnError(
          'MANAGEMENT_UNREACHABLE',
          `cannot reach management interface: ${error.message}`,
          {
            cause: error,
            details: { endpoint, errno: error.code },
          },
        ),
      );
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      subscriber.next(fromNodeSocket(socket));
      subscriber.complete();
    });
    return () => {
      socket.off('error', onError);
      // Only a socket that never connected is ours to destroy; a delivered one is the
      // consumer's.
      if (socket.connecting) socket.destroy();
    };
  });

/** A listening endpoint for `--management-client`: openvpn dials in. */
export interface ManagementListener {
  readonly endpoint: ManagementEndpoint;
  /** Emits each accepted connection. Completes when the listener closes. */
  readonly connection$: Observable<ManagementSocket>;
  close(): Promise<void>;
}

/**
 * Listens on a unix socket (mode 0600, in a directory the caller made 0700) or on TCP
 * 127.0.0.1 with an ephemeral port. Resolves once listening.
 */
export async function listenManagement(
  where: { readonly kind: 'unix'; readonly path: string } | { readonly kind: 'tcp' },
): Promise<ManagementListener> {
  if (where.kind === 'unix') {
    const refused = checkSocketPath(where.path);
    if (refused !== undefined) throw refused;
  }
  const server = createServer({ pauseOnConnect: true });
  const accepted: Socket[] = [];
  const connection$ = new Observable<ManagementSocket>((subscriber) => {
    const onConnection = (socket: Socket): void => {
      accepted.push(socket);
      subscriber.next(fromNodeSocket(socket));
    };
    const onClose = (): void => subscriber.complete();
    server.on('connection', onConnection);
    server.once('close', onClose);
    return () => {
      server.off('connection', onConnection);
      server.off('close', onClose);
    };
  });
  await listen(server, where);
  const endpoint = endpointOf(server, where);
  if (where.kind === 'unix') await chmod(where.path, 0o600);
  return {
    endpoint,
    connection$,
    close: async () => {
      for (const socket of accepted) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (where.kind === 'unix') await rm(where.path, { force: true });
    },
  };
}

function listen(
  server: Server,
  where: { readonly kind: 'unix'; readonly path: string } | { readonly kind: 'tcp' },
): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = (): void => {
      server.off('error', reject);
      resolve();
    };
    if (where.kind === 'unix') server.listen(where.path, done);
    else server.listen(0, '127.0.0.1', done);
  });
}

function endpointOf(
  server: Server,
  where: { readonly kind: 'unix'; readonly path: string } | { readonly kind: 'tcp' },
): ManagementEndpoint {
  if (where.kind === 'unix') return { kind: 'unix', path: where.path };
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('TCP listener has no port');
  }
  return { kind: 'tcp', host: '127.0.0.1', port: address.port };
}
