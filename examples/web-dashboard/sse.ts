import type { ServerResponse } from 'node:http';
import { asyncScheduler, interval, map, merge, type Observable, type SchedulerLike } from 'rxjs';

/** A comment line this often keeps proxies and the browser from closing an idle stream. */
export const SSE_HEARTBEAT_MS = 15_000;
/** How long the browser waits before it reconnects a dropped stream. */
export const SSE_RETRY_MS = 2_000;

/** An event to send: `name` is one of the page's fixed event names, `data` any JSON value. */
export interface ServerSentEvent {
  readonly event: string;
  readonly data: unknown;
}

const EVENT_NAME = /^[a-z][a-z-]*$/;

/**
 * One event in the wire format. JSON text holds no raw line break, so `data` fits on one
 * `data:` line; the name is checked because a line break there would forge other fields.
 */
export function sseFrame({ event, data }: ServerSentEvent): string {
  if (!EVENT_NAME.test(event)) throw new Error(`invalid event name ${JSON.stringify(event)}`);
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Streams `event$` to one client as Server-Sent Events until it goes away. */
export function streamEvents(
  response: ServerResponse,
  event$: Observable<ServerSentEvent>,
  scheduler: SchedulerLike = asyncScheduler,
): void {
  response.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
  });
  response.write(`retry: ${SSE_RETRY_MS}\n\n`);
  const subscription = merge(
    event$.pipe(map(sseFrame)),
    interval(SSE_HEARTBEAT_MS, scheduler).pipe(map(() => ': heartbeat\n\n')),
  ).subscribe({
    next: (chunk) => response.write(chunk),
    complete: () => response.end(),
    error: () => response.destroy(),
  });
  // The response closes when the client goes away (the request may close earlier: its body is
  // read at once).
  response.once('close', () => {
    subscription.unsubscribe();
  });
}
