/**
 * How a larger Rx application uses the engine. The tunnel is one cold `vpnState$`; around it:
 * - a new session after a failure, with back-off (1 s, 2 s, 4 s ... capped at 60 s, reset by
 *   a minute connected; `reconnect-with-backoff.ts`, drawn in `marbles/backoff-example.md`);
 * - no session while the machine has no default route (`online$` polls /proc/net/route): going
 *   offline unsubscribes, which stops openvpn; coming back subscribes again;
 * - a derived "connected for N min" line.
 *
 * Run, from the repository root:
 *   npx tsc -p examples && node examples/.build/examples/rx-composition/main.js client.ovpn
 *
 * Ctrl-C unsubscribes everything; the process exits once openvpn has stopped.
 * `RX_OPENVPN_EXAMPLE_ROUTE_TABLE` reads another file than /proc/net/route (the test uses it).
 */
import { concat, connect, EMPTY, filter, map, merge, of, switchMap, type Observable } from 'rxjs';
import { idleState, vpnState$, type VpnState } from '../../src/index.js';
import { describeState } from '../shared/describe-state.js';
import { exampleEngine } from '../shared/example-engine.js';
import { loadProfile } from '../shared/load-profile.js';
import { connectedMinutes } from './connected-minutes.js';
import { online$, ROUTE_TABLE_PATH, type Network } from './online.js';
import {
  isRetryScheduled,
  reconnectWithBackoff,
  type Supervised,
} from './reconnect-with-backoff.js';

const EXIT_USAGE = 2;
const EXIT_INTERRUPTED = 130;
const MS_PER_SECOND = 1000;

/** Everything the application reacts to, in one stream. */
type AppEvent = Network | Supervised;

const isNetwork = (event: AppEvent): event is Network =>
  'kind' in event && event.kind !== 'RetryScheduled';

const describeEvent = (event: AppEvent): string => {
  if (isNetwork(event)) {
    switch (event.kind) {
      case 'Online':
        return 'network online';
      case 'Offline':
        return 'network offline: no default route, no tunnel until it is back';
      case 'Unknown':
        return `network unknown (${event.reason}): connecting anyway`;
    }
  }
  return isRetryScheduled(event)
    ? `retry in ${event.delayMs / MS_PER_SECOND} s (failure ${event.attempt} in a row)`
    : describeState(event);
};

// What the "connected for" count follows: the sessions' states; offline means no session.
const sessionState = (event: AppEvent): VpnState | undefined => {
  if (isNetwork(event)) return event.kind === 'Offline' ? idleState(Date.now()) : undefined;
  return isRetryScheduled(event) ? undefined : event;
};

const [profilePath] = process.argv.slice(2);
if (profilePath === undefined) {
  console.error('usage: node examples/.build/examples/rx-composition/main.js <profile.ovpn>');
  process.exit(EXIT_USAGE);
}
const profile = await loadProfile(profilePath).catch((error: unknown) => {
  console.error(String(error));
  process.exit(EXIT_USAGE);
});
const { appId, deps } = exampleEngine('rx-openvpn-example-composition');
const routeTablePath = process.env['RX_OPENVPN_EXAMPLE_ROUTE_TABLE'] ?? ROUTE_TABLE_PATH;

// Each subscription is a new openvpn; the back-off subscribes again after a failure.
const session$: Observable<Supervised> = vpnState$({ profile, appId }, deps).pipe(
  reconnectWithBackoff(),
);

// switchMap: a change of network drops the session (unsubscribing stops openvpn) and, when
// the network is usable, starts a new one.
const event$: Observable<AppEvent> = online$({ routeTablePath }).pipe(
  switchMap((network) => concat(of(network), network.kind === 'Offline' ? EMPTY : session$)),
);

// connect: both branches see every event of one subscription, the first state included.
const line$ = event$.pipe(
  connect((shared$) =>
    merge(
      shared$.pipe(map(describeEvent)),
      shared$.pipe(
        map(sessionState),
        filter((state) => state !== undefined),
        connectedMinutes(),
        filter((minutes) => minutes !== undefined),
        map((minutes) => `connected for ${minutes} min`),
      ),
    ),
  ),
);

const subscription = line$.subscribe((line) => {
  console.log(`${new Date().toISOString()} ${line}`);
});

process.once('SIGINT', () => {
  console.log(`${new Date().toISOString()} interrupted: stopping openvpn`);
  // The engine goes on stopping openvpn after the unsubscription; Node exits when it is gone.
  subscription.unsubscribe();
  process.once('SIGINT', () => process.exit(EXIT_INTERRUPTED));
});
