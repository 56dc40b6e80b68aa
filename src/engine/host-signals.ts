import type { Logger } from '../core/logger.js';
import type { StopKind } from './tunnel.js';

/** The signals that end a Node process by default and that a running tunnel answers. */
export const HOST_STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** What the guard needs of the host process; `process` itself in production. */
export interface HostProcess {
  readonly pid: number;
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  listenerCount(signal: NodeJS.Signals): number;
  kill(pid: number, signal: NodeJS.Signals): unknown;
}

/** A tunnel as the guard sees it. */
export interface GuardedTunnel {
  stop(kind: StopKind): void;
  /** Settles once openvpn has exited and the tunnel is cleaned up; never rejects. */
  readonly done: Promise<unknown>;
  readonly logger: Logger;
}

/** Stops tunnels when the host is signalled; see {@link createHostSignalGuard}. */
export interface HostSignalGuard {
  /** Guards `tunnel` until its `done` settles. */
  guard(tunnel: GuardedTunnel): void;
}

/**
 * Makes SIGINT, SIGTERM and SIGHUP of the host end its tunnels cleanly. By default such a
 * signal ends Node at once: openvpn would be SIGKILLed by the exit hook (no goodbye to the
 * server) and the runtime directory left for the next start to sweep. While at least one
 * tunnel runs, the guard listens instead: the first signal stops every tunnel gracefully, a
 * second one kills them. Once all are done the guard stops listening and, if the host has no
 * listener of its own for that signal, raises it again, so the host ends as it would have, only
 * later. A host that listens itself has chosen what the signal means, and is left to it.
 */
export function createHostSignalGuard(host: HostProcess): HostSignalGuard {
  const live = new Set<GuardedTunnel>();
  let received: NodeJS.Signals | undefined;

  const onSignal = (signal: NodeJS.Signals): void => {
    const kind: StopKind = received === undefined ? 'graceful' : 'kill';
    received ??= signal;
    const tunnels = [...live];
    for (const tunnel of tunnels) {
      tunnel.logger.info('host process signalled: stopping the tunnel', { signal, kind });
      tunnel.stop(kind);
    }
    if (kind === 'kill') return;
    void Promise.all(tunnels.map((tunnel) => tunnel.done)).then(() => {
      const first = received;
      received = undefined;
      if (live.size > 0 || first === undefined) return;
      if (host.listenerCount(first) === 0) host.kill(host.pid, first);
    });
  };

  const listen = (on: boolean): void => {
    for (const signal of HOST_STOP_SIGNALS) {
      if (on) host.on(signal, onSignal);
      else host.off(signal, onSignal);
    }
  };

  return {
    guard: (tunnel) => {
      if (live.size === 0) listen(true);
      live.add(tunnel);
      void tunnel.done.then(() => {
        live.delete(tunnel);
        if (live.size === 0) listen(false);
      });
    },
  };
}

let processGuard: HostSignalGuard | undefined;

/** The guard of this Node process, made on first use. */
export const hostSignalGuard = (): HostSignalGuard =>
  (processGuard ??= createHostSignalGuard(process));
