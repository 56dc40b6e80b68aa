import { afterEach, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EngineBed, TEST_TIMEOUT_MS, profileOf, reach } from './support/engine-bed.js';

const bed = new EngineBed('reconnect');
afterEach(() => bed.teardown());

// A peer silent for 3 s restarts the client (`ping-restart`); openvpn's default is 120 s.
const SHORT_KEEPALIVE = ['ping 1', 'ping-restart 3'];
// A failed handshake gives up in seconds instead of the default 60 s hand window.
const SHORT_HANDSHAKE = ['hand-window 3', 'tls-timeout 1'];

/** A self-signed CA that signed nothing the lab uses, made with openssl in `dir`. */
async function strangerCa(dir: string): Promise<string> {
  const certificate = join(dir, 'stranger-ca.crt');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    join(dir, 'stranger-ca.key'),
    '-out',
    certificate,
    '-days',
    '2',
    '-subj',
    '/CN=rx-openvpn stranger CA',
  ]);
  return readFile(certificate, 'utf8');
}

describe('the engine when the connection breaks', () => {
  it(
    'reconnects with reason ping-restart after the server dies, and connects again once it is back',
    async () => {
      const server = await bed.lab.server({ kind: 'p2p' });
      const watched = bed.start({ profile: profileOf(server.clientConfig(SHORT_KEEPALIVE)) });
      await reach(watched, 'connected', (s) => s.phase === 'connected');

      await server.stop();
      const reconnecting = await reach(watched, 'reconnecting', (s) => s.phase === 'reconnecting');
      expect(reconnecting).toMatchObject({
        phase: 'reconnecting',
        reason: 'ping-restart',
        rawReason: 'ping-restart',
        attempt: 1,
      });

      await server.restart();
      const connected = await reach(watched, 'connected again', (s) => s.phase === 'connected');
      expect(connected).toMatchObject({ remote: { host: '127.0.0.1', port: server.port } });

      watched.tunnel.stop();
      expect(await watched.tunnel.done).toMatchObject({ phase: 'stopped' });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'reconnects with reason tls-error when the server certificate is not from the profile CA',
    async () => {
      const server = await bed.lab.server({ kind: 'p2p' });
      const ca = await strangerCa(await bed.lab.tempDir());
      const text = server
        .clientConfig(SHORT_HANDSHAKE)
        .replace(/<ca>[\s\S]*?<\/ca>/, `<ca>\n${ca.trim()}\n</ca>`);
      expect(text).toContain(ca.trim());
      const watched = bed.start({ profile: profileOf(text) });

      const reconnecting = await reach(watched, 'reconnecting', (s) => s.phase === 'reconnecting');
      expect(reconnecting).toMatchObject({
        phase: 'reconnecting',
        reason: 'tls-error',
        lastError: { code: 'TLS_ERROR' },
      });
      expect(watched.states.map((s) => s.phase)).not.toContain('connected');

      watched.tunnel.stop();
      expect(await watched.tunnel.done).toMatchObject({ phase: 'stopped' });
    },
    TEST_TIMEOUT_MS,
  );
});
