import type { EngineEvent } from '../state/engine-event.js';

/** A `>BYTECOUNT` sample: totals since the connection started, in bytes. */
export interface TrafficSample {
  readonly channel: 'traffic';
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly at: number;
}

/**
 * The tunnel device's own counters (`TUN/TAP read bytes`, `TUN/TAP write bytes` from
 * `status`): payload bytes, where `>BYTECOUNT` counts the encrypted link. Polled while
 * connected, since no notification carries them.
 */
export interface TunTrafficSample {
  readonly channel: 'tun';
  readonly readBytes: number;
  readonly writeBytes: number;
  readonly at: number;
}

/**
 * One log line, from `>LOG` or from openvpn's stdout/stderr; either way `text` is the message
 * alone, without openvpn's timestamp.
 */
export interface LogRecord {
  readonly channel: 'log';
  readonly source: 'management' | 'stdout' | 'stderr';
  readonly flags?: string;
  readonly text: string;
  readonly at: number;
}

/** Everything a running tunnel reports: events for the reducer, and companion streams. */
export type TunnelOutput =
  | { readonly channel: 'event'; readonly event: EngineEvent }
  | TrafficSample
  | TunTrafficSample
  | LogRecord;
