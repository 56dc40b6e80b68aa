import { map, merge, type Observable } from 'rxjs';
import type { Traffic, VpnController, VpnState } from '../../src/index.js';

/** What the page is told about traffic: totals and rates, without the rate window. */
export interface TrafficSnapshot {
  /** Epoch ms of the sample. */
  readonly at: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly inBytesPerSecond: number;
  readonly outBytesPerSecond: number;
}

/** One Server-Sent Event: its name and its JSON payload. */
export type DashboardEvent =
  | { readonly event: 'state'; readonly data: VpnState }
  | { readonly event: 'traffic'; readonly data: TrafficSnapshot };

const snapshot = (traffic: Traffic): TrafficSnapshot => ({
  at: traffic.window[traffic.window.length - 1]?.at ?? Date.now(),
  bytesIn: traffic.bytesIn,
  bytesOut: traffic.bytesOut,
  inBytesPerSecond: traffic.inBytesPerSecond,
  outBytesPerSecond: traffic.outBytesPerSecond,
});

/**
 * The controller's state and traffic as page events. Both replay their latest value, so a page
 * that connects late is up to date at once.
 */
export function dashboardEvent$(
  controller: Pick<VpnController, 'state$' | 'traffic$'>,
): Observable<DashboardEvent> {
  return merge(
    controller.state$.pipe(map((state): DashboardEvent => ({ event: 'state', data: state }))),
    controller.traffic$.pipe(
      map((traffic): DashboardEvent => ({ event: 'traffic', data: snapshot(traffic) })),
    ),
  );
}
