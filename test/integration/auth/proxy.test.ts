import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { of } from 'rxjs';
import { Secret } from '../../../src/core/secret.js';
import type { ProxyQuery } from '../../../src/engine/connection-policies.js';
import type { EngineOptions } from '../../../src/engine/engine-options.js';
import { startTunnel, type Tunnel } from '../../../src/engine/vpn.js';
import { Lab } from '../lab/lab.js';
import {
  engineDeps,
  finished,
  openvpnTraces,
  profileOf,
  recordingLogger,
  recordingProvider,
  recordTunnel,
  settled,
  stopAll,
} from './auth-support.js';
import { startConnectProxy, type ConnectProxy } from './http-connect-proxy.js';

const lab = new Lab();
const appId = `it-auth-proxy-${process.pid}`;
const tunnels: Tunnel[] = [];
const proxies: ConnectProxy[] = [];
let runtimeBase = '';
const TEST_TIMEOUT_MS = 45_000;

// A quote, a backslash, a space and non-ASCII in both; no colon, which Basic auth cannot carry
// in a username.
const PROXY_USER = 'pr"o xy\\ü';
const PROXY_PASSWORD = 'SENTINEL-7c1e "p\\ass wörd€"';

beforeAll(async () => {
  runtimeBase = await lab.tempDir();
});
afterEach(() => stopAll(tunnels));
afterAll(async () => {
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  await lab.cleanup();
});

const proxyOf = async (credentials?: { username: string; password: string }) => {
  const proxy = await startConnectProxy(credentials === undefined ? {} : { credentials });
  proxies.push(proxy);
  return proxy;
};

const start = (options: Omit<EngineOptions, 'appId'>): Tunnel => {
  const tunnel = startTunnel({ ...options, appId }, engineDeps(appId, runtimeBase));
  tunnels.push(tunnel);
  return tunnel;
};

const tcpServer = () => lab.server({ kind: 'p2p', transport: 'tcp' });

describe('the proxy policy against real openvpn', () => {
  it(
    'answers >PROXY with the policy proxy, and the tunnel connects through it',
    async () => {
      const server = await tcpServer();
      const proxy = await proxyOf();
      const queries: ProxyQuery[] = [];
      const tunnel = start({
        profile: profileOf(server.clientConfig()),
        proxyPolicy: (query) => {
          queries.push(query);
          return of({ type: 'HTTP', host: '127.0.0.1', port: proxy.port } as const);
        },
      });

      expect(await settled(tunnel)).toMatchObject({ phase: 'connected' });
      expect(queries).toEqual([{ index: 1, protocol: 'TCP', host: '127.0.0.1' }]);
      expect(proxy.requests).toEqual([
        {
          target: `127.0.0.1:${server.port}`,
          credentials: undefined,
          authorization: undefined,
          accepted: true,
        },
      ]);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('the proxy policy with a proxy that needs credentials', () => {
  it(
    'answers >PROXY, then Need HTTP Proxy username/password, and connects',
    async () => {
      const server = await tcpServer();
      const proxy = await proxyOf({ username: PROXY_USER, password: PROXY_PASSWORD });
      const asked = recordingProvider(() => ({
        kind: 'UserPass',
        username: PROXY_USER,
        password: Secret.of(PROXY_PASSWORD),
      }));
      const tunnel = start({
        profile: profileOf(server.clientConfig()),
        credentials: asked.provider,
        proxyPolicy: () => of({ type: 'HTTP', host: '127.0.0.1', port: proxy.port } as const),
      });

      expect(await settled(tunnel)).toMatchObject({ phase: 'connected' });
      expect(asked.prompts).toEqual([
        { kind: 'UserPassRequested', authType: 'HTTP Proxy', fields: ['username', 'password'] },
      ]);
      expect(proxy.requests.at(-1)).toMatchObject({
        credentials: { username: PROXY_USER, password: PROXY_PASSWORD },
        accepted: true,
      });
    },
    TEST_TIMEOUT_MS,
  );
});

// `auto` learns the method from a first 407, then asks; `stdin basic` asks before it connects.
const AUTH_FORMS = [
  ['auto', 1],
  ['stdin basic', 0],
] as const;

describe.each(AUTH_FORMS)('HTTP proxy credentials with http-proxy ... %s', (form, probes) => {
  it(
    'answers Need HTTP Proxy username/password; the proxy gets exactly those bytes; no leak',
    async () => {
      const server = await tcpServer();
      const proxy = await proxyOf({ username: PROXY_USER, password: PROXY_PASSWORD });
      const logger = recordingLogger();
      const asked = recordingProvider(() => ({
        kind: 'UserPass',
        username: PROXY_USER,
        password: Secret.of(PROXY_PASSWORD),
      }));
      const tunnel = start({
        profile: profileOf(server.clientConfig([`http-proxy 127.0.0.1 ${proxy.port} ${form}`])),
        credentials: asked.provider,
        logger,
      });
      const { states, logs } = recordTunnel(tunnel);

      expect(await settled(tunnel)).toMatchObject({ phase: 'connected' });
      const { cmdline, environ } = await openvpnTraces(tunnel);
      tunnel.stop();
      expect(await finished(tunnel)).toMatchObject({ phase: 'stopped' });

      expect(asked.prompts).toEqual([
        expect.objectContaining({ kind: 'UserPassRequested', authType: 'HTTP Proxy' }),
      ]);
      const last = proxy.requests.at(-1);
      expect(proxy.requests).toHaveLength(probes + 1);
      if (probes > 0) {
        expect(proxy.requests[0]).toMatchObject({ credentials: undefined, accepted: false });
      }
      expect(last).toMatchObject({
        target: `127.0.0.1:${server.port}`,
        credentials: { username: PROXY_USER, password: PROXY_PASSWORD },
        accepted: true,
      });
      const encoded = last?.authorization?.replace(/^Basic /, '') ?? '';
      for (const secret of ['SENTINEL-7c1e', encoded]) {
        expect(cmdline).not.toContain(secret);
        expect(environ).not.toContain(secret);
        for (const state of states) expect(JSON.stringify(state)).not.toContain(secret);
        for (const record of logs) expect(JSON.stringify(record)).not.toContain(secret);
        for (const record of logger.records) expect(JSON.stringify(record)).not.toContain(secret);
      }
      expect(logs.length).toBeGreaterThan(0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a wrong proxy password: openvpn retries it forever, so the engine stops it with AUTH_FAILED',
    async () => {
      const server = await tcpServer();
      const proxy = await proxyOf({ username: PROXY_USER, password: PROXY_PASSWORD });
      const asked = recordingProvider(() => ({
        kind: 'UserPass',
        username: PROXY_USER,
        password: Secret.of(`${PROXY_PASSWORD}-wrong`),
      }));
      const tunnel = start({
        profile: profileOf(server.clientConfig([`http-proxy 127.0.0.1 ${proxy.port} ${form}`])),
        credentials: asked.provider,
      });

      expect(await finished(tunnel)).toMatchObject({
        phase: 'failed',
        error: { code: 'AUTH_FAILED', details: { credential: 'HTTP Proxy' } },
      });
      // openvpn never asks again: it resends the refused credentials.
      expect(asked.prompts).toHaveLength(1);
      expect(proxy.requests[probes]).toMatchObject({
        credentials: { username: PROXY_USER, password: `${PROXY_PASSWORD}-wrong` },
        accepted: false,
      });
    },
    TEST_TIMEOUT_MS,
  );
});
