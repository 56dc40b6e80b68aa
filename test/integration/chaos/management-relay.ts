import { once } from 'node:events';
import { createConnection, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import type { LaunchCommand } from '../../../src/launcher/launch-command.js';
import { execaSpawner, type Spawner } from '../../../src/process/spawner.js';

/**
 * A cuttable management link for dial-in mode, where the engine's listener takes no connector:
 * openvpn is told to dial the relay instead, and the relay joins each call to the engine's
 * socket byte for byte. Cutting closes both halves, as a broken link would.
 */
export interface ManagementRelay {
  /** Spawns as the engine's default does, with openvpn dialling the relay. */
  readonly spawner: Spawner;
  /** The command lines the engine sent through the relay, in order. */
  readonly commands: () => readonly string[];
  /** Cuts the link once `count` commands have reached openvpn (at once if they have). */
  readonly cutAfterCommands: (count: number) => void;
  readonly cut: () => void;
  /** True once a cut happened. */
  readonly wasCut: () => boolean;
  readonly close: () => Promise<void>;
}

/** Starts a relay listening on a unix socket in `dir` (short: openvpn caps the path). */
export async function managementRelay(dir: string): Promise<ManagementRelay> {
  const path = join(dir, 'relay.sock');
  const sockets = new Set<Socket>();
  const commands: string[] = [];
  let target: string | undefined;
  let cutDone = false;
  let cutAt = Number.POSITIVE_INFINITY;
  let pending = '';
  let closing: Promise<void> | undefined;

  const own = (socket: Socket): Socket => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // A reset from either side is part of the chaos, not a fault of the test.
    socket.on('error', () => undefined);
    return socket;
  };
  const cut = (): void => {
    cutDone = true;
    for (const socket of sockets) socket.destroy();
  };
  const maybeCut = (): void => {
    if (commands.length >= cutAt && !cutDone) cut();
  };

  const server = createServer({ pauseOnConnect: true }, (openvpnSide) => {
    own(openvpnSide);
    if (target === undefined || cutDone) {
      openvpnSide.destroy();
      return;
    }
    const engineSide = own(createConnection({ path: target }));
    // Whichever side closes, the other goes too: the link is one thing.
    openvpnSide.once('close', () => engineSide.destroy());
    engineSide.once('close', () => openvpnSide.destroy());
    engineSide.once('connect', () => {
      openvpnSide.pipe(engineSide);
      openvpnSide.resume();
    });
    engineSide.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      commands.push(...lines.map((line) => line.replace(/\r$/, '')));
      // Cut only once the chunk is on its way to openvpn: the command counts as delivered.
      openvpnSide.write(chunk, maybeCut);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });

  // The engine names its socket after `--management`; openvpn gets the relay's path instead.
  const redirect = (command: LaunchCommand): LaunchCommand => {
    const at = command.args.indexOf('--management');
    const socketPath = command.args[at + 1];
    if (at < 0 || socketPath === undefined) throw new Error('no --management in the command');
    target = socketPath;
    return { ...command, args: command.args.map((arg, index) => (index === at + 1 ? path : arg)) };
  };

  return {
    spawner: (command) => execaSpawner(redirect(command)),
    commands: () => commands,
    cutAfterCommands: (count) => {
      cutAt = count;
      maybeCut();
    },
    cut,
    wasCut: () => cutDone,
    close: () =>
      (closing ??= (async () => {
        cut();
        const closed = once(server, 'close');
        server.close();
        await closed;
      })()),
  };
}
