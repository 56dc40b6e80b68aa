import { filter, firstValueFrom, throwError, timeout } from 'rxjs';
import type { EngineDeps, EngineOptions } from '../../../../src/engine/engine-options.js';
import { startTunnel, type Tunnel } from '../../../../src/engine/vpn.js';
import type { ProcessTable } from '../../../../src/process/instances-table.js';
import type { Profile } from '../../../../src/profile/profile-model.js';
import { isTerminal, type VpnState } from '../../../../src/state/vpn-state.js';
import { scopedProcessTable } from '../../engine/support/scoped-process-table.js';

/** How long a tunnel may take to connect on a loaded loopback (many start at once). */
export const CONNECT_TIMEOUT_MS = 45_000;
/** How long `stopAll` waits for graceful stops before it asks for kills. */
const STOP_ALL_GRACE_MS = 15_000;

/** Resolves with the first `connected` state; rejects on a terminal state or after the timeout. */
export async function connected(tunnel: Tunnel, timeoutMs = CONNECT_TIMEOUT_MS): Promise<VpnState> {
  const state = await firstValueFrom(
    tunnel.state$.pipe(
      filter((s) => s.phase === 'connected' || isTerminal(s)),
      timeout({
        first: timeoutMs,
        with: () => throwError(() => new Error(`not connected within ${timeoutMs} ms`)),
      }),
    ),
  );
  if (state.phase !== 'connected') {
    throw new Error(`ended before connecting: ${JSON.stringify(state)}`);
  }
  return state;
}

/**
 * Tunnels of one app id supervised by this process. Every start goes through the fleet, so
 * `stopAll` ends whatever is still running, on success and failure paths alike.
 */
export class Fleet {
  readonly appId: string;
  readonly #deps: EngineDeps;
  readonly #live = new Set<Tunnel>();

  /** `wrapTable` lets a benchmark try another process table over the scoped one. */
  constructor(appId: string, wrapTable: (table: ProcessTable) => ProcessTable = (t) => t) {
    this.appId = appId;
    // Other test files run openvpn under their own app ids: only ours count here.
    this.#deps = { processTable: wrapTable(scopedProcessTable([appId])) };
  }

  get size(): number {
    return this.#live.size;
  }

  /** Starts a tunnel of `profile`; `options` adds engine options beside the profile and app id. */
  start(profile: Profile, options: Omit<EngineOptions, 'profile' | 'appId'> = {}): Tunnel {
    const tunnel = startTunnel({ ...options, profile, appId: this.appId }, this.#deps);
    this.#live.add(tunnel);
    void tunnel.done.then(() => this.#live.delete(tunnel));
    return tunnel;
  }

  /** Stops one tunnel gracefully and resolves with its final state. */
  async stop(tunnel: Tunnel): Promise<VpnState> {
    tunnel.stop();
    return tunnel.done;
  }

  /** Stops every live tunnel: graceful first, then kill for any that lingers. */
  async stopAll(): Promise<void> {
    const tunnels = [...this.#live];
    for (const tunnel of tunnels) tunnel.stop();
    const all = Promise.all(tunnels.map((t) => t.done));
    let timer: NodeJS.Timeout | undefined;
    const lingering = new Promise<'lingering'>((resolve) => {
      timer = setTimeout(() => resolve('lingering'), STOP_ALL_GRACE_MS);
    });
    if ((await Promise.race([all, lingering])) === 'lingering') {
      for (const tunnel of tunnels) tunnel.stop('kill');
    }
    await all;
    clearTimeout(timer);
  }
}
