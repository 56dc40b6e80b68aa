import { finalize, map, tap, throwError, type Observable } from 'rxjs';
import { VpnError } from '../../../../src/core/errors.js';
import {
  connectSocket,
  type ManagementSocket,
  type SocketConnector,
} from '../../../../src/management/socket.js';

/** A real link whose connections the test can cut and hold back, as a flaky link would. */
export interface FaultyLink {
  /** Give it to the engine as its `connector`. */
  readonly connector: SocketConnector;
  /** How many connections the engine has made through the link so far. */
  readonly connections: () => number;
  /** Connections the engine has not let go of yet: neither closed nor done reading. */
  readonly open: () => number;
  /** Closes the connection in use: openvpn keeps running, the engine sees the link drop. */
  readonly drop: () => void;
  /** While blocked, every new connection is refused. */
  readonly block: (blocked: boolean) => void;
}

/** A link over the real connector, to the real management interface. */
export function faultyLink(): FaultyLink {
  const sockets: ManagementSocket[] = [];
  const held = new Set<ManagementSocket>();
  let blocked = false;
  // The engine lets go of a connection by closing it or by ending its read.
  const tracked = (socket: ManagementSocket): ManagementSocket => {
    const wrapped: ManagementSocket = {
      data$: socket.data$.pipe(finalize(() => held.delete(wrapped))),
      write: (text) => socket.write(text),
      close: () => {
        held.delete(wrapped);
        socket.close();
      },
    };
    held.add(wrapped);
    return wrapped;
  };
  return {
    connector: (endpoint): Observable<ManagementSocket> =>
      blocked
        ? throwError(() => new VpnError('MANAGEMENT_UNREACHABLE', 'held back by the test'))
        : connectSocket(endpoint).pipe(
            map(tracked),
            tap((socket) => sockets.push(socket)),
          ),
    connections: () => sockets.length,
    open: () => held.size,
    drop: () => sockets.at(-1)?.close(),
    block: (value) => {
      blocked = value;
    },
  };
}
