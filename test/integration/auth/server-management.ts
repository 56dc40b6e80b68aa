import { join } from 'node:path';
import { filter, firstValueFrom, switchMap, type Observable } from 'rxjs';
import type { Command } from '../../../src/management/command.js';
import type { ClientNotification } from '../../../src/management/notification/types.js';
import { attachSession, type ManagementSession } from '../../../src/management/session.js';
import { connectSocket } from '../../../src/management/socket.js';
import type { Lab, LabServer } from '../lab/lab.js';

/** A pull server whose logins the test decides, through the server's own management socket. */
export interface ManagedServer {
  readonly server: LabServer;
  /** The server's `>CLIENT:` blocks. */
  readonly client$: Observable<ClientNotification>;
  readonly send: <R>(command: Command<R>) => Promise<R>;
  readonly close: () => void;
}

/**
 * Starts a pull server with `--management-client-auth` on a unix socket in a private temp dir
 * of `lab`, and attaches to it with the project's own session. {@link ManagedServer.close} ends
 * the session; the lab stops the server.
 */
export async function managedServer(lab: Lab): Promise<ManagedServer> {
  const dir = await lab.tempDir();
  const socketPath = join(dir, 'server-management.sock');
  const server = await lab.server({
    kind: 'pull',
    extra: [`management ${socketPath} unix`, 'management-client-auth'],
  });
  const session: ManagementSession = await firstValueFrom(
    connectSocket({ kind: 'unix', path: socketPath }).pipe(
      switchMap((socket) => attachSession(socket)),
    ),
  );
  return {
    server,
    client$: session.notification$.pipe(
      filter((n): n is ClientNotification => n.type === 'client'),
    ),
    send: (command) => firstValueFrom(session.send(command)),
    close: () => session.close(),
  };
}
