import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { VpnController } from '../../src/index.js';
import { dashboardEvent$ } from './dashboard-events.js';
import { DASHBOARD_CSS, DASHBOARD_HTML, DASHBOARD_SCRIPT } from './page.js';
import { streamEvents } from './sse.js';

/** What the dashboard needs of a controller. */
export type DashboardController = Pick<VpnController, 'state$' | 'traffic$' | 'start' | 'stop'>;

const SECURITY_HEADERS = {
  // Only this server's own files: no inline script, no other origin, no framing.
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
    "img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
} as const;

const STATIC_FILES: ReadonlyMap<string, { readonly type: string; readonly body: string }> = new Map(
  [
    ['/', { type: 'text/html; charset=utf-8', body: DASHBOARD_HTML }],
    ['/dashboard.css', { type: 'text/css; charset=utf-8', body: DASHBOARD_CSS }],
    ['/dashboard.js', { type: 'text/javascript; charset=utf-8', body: DASHBOARD_SCRIPT }],
  ],
);

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

const reply = (response: ServerResponse, status: number, text = ''): void => {
  response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(text);
};

/**
 * The Host a request must name: the server's loopback address and port. Another name means
 * a page of some other site reached this server through DNS rebinding.
 */
const isOwnHost = (server: Server, host: string | undefined): boolean => {
  const address = server.address() as AddressInfo | null;
  return (
    address !== null && LOOPBACK_NAMES.some((name) => host === `${name}:${String(address.port)}`)
  );
};

/**
 * A state-changing request must come from the dashboard page itself: browsers send `Origin`
 * with every POST, and another site's page cannot forge it (cross-site request forgery).
 */
const isSameOrigin = (request: IncomingMessage): boolean =>
  request.headers.origin === `http://${request.headers.host ?? ''}`;

/**
 * The dashboard's HTTP server: the page (`/`, `/dashboard.css`, `/dashboard.js`), the live
 * state and traffic as Server-Sent Events (`GET /events`), and `POST /connect` and
 * `POST /disconnect`. Listen on a loopback address only: it controls the VPN and has no login.
 */
export function createDashboardServer(controller: DashboardController): Server {
  const event$ = dashboardEvent$(controller);
  const server = createServer((request, response) => {
    if (!isOwnHost(server, request.headers.host)) {
      reply(response, 403, 'unexpected Host header\n');
      return;
    }
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method === 'POST' && (path === '/connect' || path === '/disconnect')) {
      if (!isSameOrigin(request)) {
        reply(response, 403, 'cross-origin request refused\n');
        return;
      }
      if (path === '/connect') {
        controller.start();
      } else {
        // The page follows the stop through the event stream; no need to wait here.
        void controller.stop();
      }
      reply(response, 202);
      return;
    }
    if (request.method !== 'GET') {
      reply(response, 405, 'method not allowed\n');
      return;
    }
    if (path === '/events') {
      streamEvents(response, event$);
      return;
    }
    const file = STATIC_FILES.get(path);
    if (file === undefined) {
      reply(response, 404, 'not found\n');
      return;
    }
    response.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': file.type });
    response.end(file.body);
  });
  return server;
}
