import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { of } from 'rxjs';
import type { RemoteQuery } from '../../../src/engine/connection-policies.js';
import { startTunnel, type Tunnel } from '../../../src/engine/vpn.js';
import { Lab, freeUdpPort } from '../lab/lab.js';
import { engineDeps, profileOf, settled, stopAll } from './auth-support.js';

const lab = new Lab();
const appId = `it-auth-remote-${process.pid}`;
const tunnels: Tunnel[] = [];
let runtimeBase = '';
// Well under openvpn's 60 s TLS hand-window: only a skipped first remote connects this soon.
const CONNECT_TIMEOUT_MS = 20_000;

beforeAll(async () => {
  runtimeBase = await lab.tempDir();
});
afterEach(() => stopAll(tunnels));
afterAll(() => lab.cleanup());

describe('the remote policy', () => {
  it(
    'skips a dead first remote and connects to the second, seeing the whole list',
    async () => {
      const server = await lab.server({ kind: 'pull' });
      const deadPort = await freeUdpPort();
      const text = server
        .clientConfig()
        .replace(
          `remote 127.0.0.1 ${server.port}`,
          `remote 127.0.0.1 ${deadPort}\nremote 127.0.0.1 ${server.port}`,
        );
      const queries: RemoteQuery[] = [];
      const tunnel = startTunnel(
        {
          profile: profileOf(text),
          appId,
          remotePolicy: (query) => {
            queries.push(query);
            return of(query.port === deadPort ? { action: 'skip' } : { action: 'accept' });
          },
        },
        engineDeps(appId, runtimeBase),
      );
      tunnels.push(tunnel);

      expect(await settled(tunnel)).toMatchObject({
        phase: 'connected',
        remote: { host: '127.0.0.1', port: server.port },
      });
      const entries = [
        { index: 0, host: '127.0.0.1', port: deadPort, protocol: 'udp', enabled: true },
        { index: 1, host: '127.0.0.1', port: server.port, protocol: 'udp', enabled: true },
      ];
      expect(queries.map(({ port }) => port)).toEqual([deadPort, server.port]);
      expect(queries[0]).toMatchObject({ host: '127.0.0.1', port: deadPort, entries });
    },
    CONNECT_TIMEOUT_MS,
  );
});
