import {
  ReplaySubject,
  Subject,
  distinctUntilChanged,
  filter,
  map,
  scan,
  type Observable,
  type Subscription,
} from 'rxjs';
import type { EngineEvent } from '../state/engine-event.js';
import { addByteCount, emptyTraffic, type Traffic } from '../state/traffic.js';
import { toVpnState$ } from '../state/vpn-state-stream.js';
import { idleState, type VpnState } from '../state/vpn-state.js';
import type { Demand } from './demand.js';
import type { StopKind } from './tunnel.js';
import type { LogRecord, TunTrafficSample, TunnelOutput } from './tunnel-output.js';
import type { Tunnel } from './vpn.js';

/**
 * The handle over one run's output: the state is the reduction of its events, and the
 * companion streams are split off it. With `tunDemand`, subscribing to `tunTraffic$` is what
 * makes the run poll the tunnel device's counters. The run is subscribed at once and runs to its end
 * whoever watches; `done` resolves with the last state when it completes. `output$` must be
 * shared (it is subscribed several times).
 */
export function tunnelHandle(
  output$: Observable<TunnelOutput>,
  now: () => number,
  stop: (kind?: StopKind) => void,
  tunDemand?: Demand,
): Tunnel {
  const event$ = output$.pipe(
    filter((o): o is Extract<TunnelOutput, { channel: 'event' }> => o.channel === 'event'),
    map((o): EngineEvent => o.event),
  );
  const state$ = toVpnState$(event$, idleState(now()));
  const traffic$ = new ReplaySubject<Traffic>(1);
  const log$ = new Subject<LogRecord>();
  const pid$ = new ReplaySubject<number>(1);
  const tunTraffic$ = new ReplaySubject<TunTrafficSample>(1);

  const subscriptions: Subscription[] = [];
  const done = new Promise<VpnState>((resolve) => {
    let last: VpnState = idleState(now());
    subscriptions.push(state$.subscribe((state) => (last = state)));
    subscriptions.push(
      output$
        .pipe(
          filter((o) => o.channel === 'traffic'),
          scan((traffic, sample) => addByteCount(traffic, sample), emptyTraffic),
        )
        .subscribe(traffic$),
    );
    subscriptions.push(
      output$.pipe(filter((o): o is LogRecord => o.channel === 'log')).subscribe(log$),
    );
    subscriptions.push(
      output$
        .pipe(filter((o): o is TunTrafficSample => o.channel === 'tun'))
        .subscribe(tunTraffic$),
    );
    subscriptions.push(
      event$
        .pipe(
          filter((e) => e.kind === 'ProcessSpawned' || e.kind === 'PidReported'),
          map((e) => e.pid),
          // A re-attached session reports the same pid again.
          distinctUntilChanged(),
        )
        .subscribe(pid$),
    );
    // The tunnel runs until openvpn is gone, whoever watches its state.
    subscriptions.push(
      output$.subscribe({
        complete: () => resolve(last),
        error: () => resolve(last),
      }),
    );
  });

  return {
    state$,
    traffic$: traffic$.asObservable(),
    log$: log$.asObservable(),
    pid$: pid$.asObservable(),
    tunTraffic$:
      tunDemand === undefined ? tunTraffic$.asObservable() : tunDemand.track(tunTraffic$),
    stop,
    done,
  };
}
