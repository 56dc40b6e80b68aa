import { readFile } from 'node:fs/promises';
import {
  asyncScheduler,
  distinctUntilChanged,
  exhaustMap,
  timer,
  type Observable,
  type SchedulerLike,
} from 'rxjs';

/** Linux's IPv4 routing table. */
export const ROUTE_TABLE_PATH = '/proc/net/route';
/** How often the routing table is read. */
export const ROUTE_POLL_MS = 3_000;

/** Whether the machine can reach the internet at all, as far as its routing table tells. */
export type Network =
  | { readonly kind: 'Online' }
  | { readonly kind: 'Offline' }
  /** The table could not be read (not Linux?): the application should try anyway. */
  | { readonly kind: 'Unknown'; readonly reason: string };

// route.h: the route is usable.
const RTF_UP = 0x1;
const ANY_ADDRESS_HEX = '00000000';
const HEX = 16;

/**
 * True when a `/proc/net/route` text holds a default route that is up: destination and mask
 * 0.0.0.0. openvpn's `redirect-gateway def1` adds two /1 routes and leaves the default route
 * in place, so a connected VPN does not hide a lost network.
 */
export function hasDefaultRoute(routeTable: string): boolean {
  // The columns: Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT.
  return routeTable
    .split('\n')
    .slice(1)
    .some((line) => {
      const [, destination, , flags, , , , mask] = line.trim().split(/\s+/);
      return (
        destination === ANY_ADDRESS_HEX &&
        mask === ANY_ADDRESS_HEX &&
        (Number.parseInt(flags ?? '0', HEX) & RTF_UP) !== 0
      );
    });
}

/** Options of {@link online$}. */
export interface OnlineOptions {
  readonly routeTablePath?: string;
  readonly pollMs?: number;
  readonly scheduler?: SchedulerLike;
}

const readNetwork = async (path: string): Promise<Network> => {
  try {
    return hasDefaultRoute(await readFile(path, 'utf8')) ? { kind: 'Online' } : { kind: 'Offline' };
  } catch (error) {
    return { kind: 'Unknown', reason: String(error) };
  }
};

/** The machine's network, polled from the routing table; emits on change only. */
export function online$(options: OnlineOptions = {}): Observable<Network> {
  const path = options.routeTablePath ?? ROUTE_TABLE_PATH;
  const scheduler = options.scheduler ?? asyncScheduler;
  return timer(0, options.pollMs ?? ROUTE_POLL_MS, scheduler).pipe(
    // A slow read is not stacked up behind: the next tick is skipped.
    exhaustMap(() => readNetwork(path)),
    distinctUntilChanged((previous, next) => previous.kind === next.kind),
  );
}
