import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { once } from 'node:events';
import { request, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BehaviorSubject, ReplaySubject } from 'rxjs';
import {
  createDashboardServer,
  type DashboardController,
} from '../../../examples/web-dashboard/dashboard-server.js';
import { sseFrame } from '../../../examples/web-dashboard/sse.js';
import { emptyTraffic, type Traffic } from '../../../src/state/traffic.js';
import type { VpnState } from '../../../src/state/vpn-state.js';

interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const CONNECTED: VpnState = {
  phase: 'connected',
  at: 2,
  since: 2,
  remote: { host: '127.0.0.1', port: 1194 },
};

describe('the dashboard server', () => {
  let server: Server;
  let port = 0;
  let state$: BehaviorSubject<VpnState>;
  let traffic$: ReplaySubject<Traffic>;
  const start = jest.fn<() => void>();
  const stop = jest.fn<() => Promise<VpnState>>();

  beforeEach(async () => {
    state$ = new BehaviorSubject<VpnState>({ phase: 'idle', at: 1 });
    traffic$ = new ReplaySubject<Traffic>(1);
    start.mockReset();
    stop.mockReset().mockResolvedValue({ phase: 'stopped', at: 3 });
    const controller: DashboardController = { state$, traffic$, start, stop };
    server = createDashboardServer(controller);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  afterEach(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  const send = (
    method: string,
    path: string,
    headers: Record<string, string> = {},
  ): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          headers: { host: `127.0.0.1:${port}`, ...headers },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });

  /** Opens the event stream; `received` fills as events arrive, `close` hangs up. */
  const openEvents = async () => {
    const received: { event: string; data: unknown }[] = [];
    let text = '';
    const req = request({
      host: '127.0.0.1',
      port,
      path: '/events',
      headers: { host: `127.0.0.1:${port}` },
    });
    req.end();
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      text += chunk;
      const frames = text.split('\n\n');
      text = frames.pop() ?? '';
      for (const frame of frames.filter((f) => f.startsWith('event: '))) {
        const [event, data] = frame.split('\n');
        received.push({
          event: event!.slice('event: '.length),
          data: JSON.parse(data!.slice('data: '.length)) as unknown,
        });
      }
    });
    return { received, close: () => req.destroy() };
  };

  const until = async (condition: () => boolean): Promise<void> => {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
  };

  it('serves the page with a policy that allows no inline script', async () => {
    const page = await send('GET', '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toContain('<script src="/dashboard.js"></script>');
    expect(page.body).not.toMatch(/<script>/);
    const script = await send('GET', '/dashboard.js');
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body).not.toContain('innerHTML');
    expect((await send('GET', '/dashboard.css')).status).toBe(200);
  });

  it('streams the latest state and traffic, then every change', async () => {
    traffic$.next({ ...emptyTraffic, bytesIn: 10, bytesOut: 20 });
    const stream = await openEvents();
    try {
      // Both replay their latest value to a new page; the change follows.
      await until(() => stream.received.length >= 2);
      state$.next(CONNECTED);
      await until(() => stream.received.length >= 3);
      expect(stream.received).toEqual([
        { event: 'state', data: { phase: 'idle', at: 1 } },
        {
          event: 'traffic',
          data: expect.objectContaining({ bytesIn: 10, bytesOut: 20, inBytesPerSecond: 0 }),
        },
        { event: 'state', data: CONNECTED },
      ]);
    } finally {
      stream.close();
    }
  });

  it('connects and disconnects on a POST from its own page', async () => {
    const origin = { origin: `http://127.0.0.1:${port}` };
    expect((await send('POST', '/connect', origin)).status).toBe(202);
    expect(start).toHaveBeenCalledTimes(1);
    expect((await send('POST', '/disconnect', origin)).status).toBe(202);
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('refuses a POST from another origin or without one', async () => {
    expect((await send('POST', '/connect', { origin: 'http://evil.example' })).status).toBe(403);
    expect((await send('POST', '/disconnect')).status).toBe(403);
    expect(start).not.toHaveBeenCalled();
    expect(stop).not.toHaveBeenCalled();
  });

  it('refuses a request for another host name (DNS rebinding)', async () => {
    const reply = await send('GET', '/', { host: `evil.example:${port}` });
    expect(reply.status).toBe(403);
    expect(reply.body).not.toContain('<html');
  });

  it('answers 404 for an unknown path and 405 for another method', async () => {
    expect((await send('GET', '/nothing')).status).toBe(404);
    expect((await send('PUT', '/')).status).toBe(405);
    expect((await send('POST', '/')).status).toBe(405);
  });
});

describe('sseFrame', () => {
  it('keeps data with line breaks on one data line', () => {
    expect(sseFrame({ event: 'state', data: { message: 'a\nb' } })).toBe(
      'event: state\ndata: {"message":"a\\nb"}\n\n',
    );
  });

  it('refuses an event name that would forge other fields', () => {
    expect(() => sseFrame({ event: 'state\ndata: x', data: 1 })).toThrow(/invalid event name/);
  });
});
