import { once } from 'node:events';
import { createConnection } from 'node:net';
import { asyncScheduler, concat, filter, map, of, share, switchMap, takeUntil } from 'rxjs';
import { silentLogger } from '../../src/core/logger.js';
import { driveManagement } from '../../src/engine/management-driver.js';
import type { TunnelOutput } from '../../src/engine/tunnel-output.js';
import { attachSession } from '../../src/management/session.js';
import { fromNodeSocket } from '../../src/management/socket.js';
import type { EngineEvent } from '../../src/state/engine-event.js';
import { toVpnState$ } from '../../src/state/vpn-state-stream.js';
import { idleState, type VpnState } from '../../src/state/vpn-state.js';
import { BYTECOUNT_INTERVAL_S } from '../../src/engine/engine-options.js';

/** Who watches the pipeline: the bare reader and the state consumer. */
export interface PipelineObservers {
  /** Every chunk at the socket's `data` event, before the pipeline sees it. */
  readonly data: (chunk: Buffer) => void;
  /** Every state the pipeline emits, as `startTunnel` derives them. */
  readonly state: (state: VpnState) => void;
}

/** The running pipeline. */
export interface PipelineClient {
  /** Hangs up; the pipeline completes. */
  close(): void;
}

/**
 * Connects to a management interface at `path` and runs the real pieces the engine runs:
 * `attachSession` → `driveManagement` (which turns on state and bytecount, as for a spawned
 * openvpn, and releases the hold) → `toVpnState$` over its events, and a bare reader on the
 * same socket beside it.
 */
export async function connectPipeline(
  path: string,
  observers: PipelineObservers,
): Promise<PipelineClient> {
  const socket = createConnection({ path });
  await once(socket, 'connect');
  // Registered first, so Node calls it first for each chunk; both listeners are in place
  // before the first chunk can be emitted (emission starts on a later tick).
  socket.on('data', observers.data);
  const output$ = attachSession(fromNodeSocket(socket), { logger: silentLogger }).pipe(
    switchMap((session) =>
      driveManagement(session, {
        now: () => Date.now(),
        scheduler: asyncScheduler,
        logger: silentLogger,
        bytecountIntervalS: BYTECOUNT_INTERVAL_S,
        credentials: undefined,
        managementLog: false,
      }).pipe(takeUntil(session.end$)),
    ),
    share(),
  );
  const event$ = output$.pipe(
    filter((o): o is Extract<TunnelOutput, { channel: 'event' }> => o.channel === 'event'),
    map((o): EngineEvent => o.event),
  );
  const state$ = toVpnState$(
    concat(of<EngineEvent>({ kind: 'StartRequested', at: Date.now() }), event$),
    idleState(Date.now()),
  );
  // Subscribed in the same tick as the bare listener, so the banner reaches both.
  const subscription = state$.subscribe(observers.state);
  return {
    close: () => {
      socket.destroy();
      subscription.unsubscribe();
    },
  };
}
