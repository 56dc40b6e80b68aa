import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDemoPki } from '../../../src/cli/demo-pki.js';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const MS_PER_DAY = 86_400_000;
const TEST_TIMEOUT_MS = 30_000;

let base = '';
let dir = '';

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'rx-openvpn-it-pki-'));
  dir = join(base, 'rx-openvpn', 'demo-pki');
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe('ensureDemoPki with the real openssl', () => {
  it(
    'makes a CA, a serverAuth and a clientAuth certificate, private to the user',
    async () => {
      const pki = await ensureDemoPki({ dir });
      const ca = new X509Certificate(pki.caCert);
      const server = new X509Certificate(pki.serverCert);
      const client = new X509Certificate(pki.clientCert);
      expect(ca.ca).toBe(true);
      expect(server.verify(ca.publicKey) && client.verify(ca.publicKey)).toBe(true);
      expect(server.keyUsage).toEqual([SERVER_AUTH]);
      expect(client.keyUsage).toEqual([CLIENT_AUTH]);
      expect(pki.validUntil - Date.now()).toBeGreaterThan(29 * MS_PER_DAY);
      expect(await modeOf(dir)).toBe(0o700);
      const files = (await readdir(dir)).sort();
      // The CA key is not kept: nothing is signed with it after the first run.
      expect(files).toEqual(['ca.crt', 'client.crt', 'client.key', 'server.crt', 'server.key']);
      for (const file of files) expect(await modeOf(join(dir, file))).toBe(0o600);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'reuses the cached PKI while it is valid',
    async () => {
      const first = await ensureDemoPki({ dir });
      const second = await ensureDemoPki({ dir, opensslPath: '/nonexistent/openssl' });
      expect(second).toEqual(first);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'makes a new PKI when the cached one expires within a day',
    async () => {
      const first = await ensureDemoPki({ dir });
      const later = (): number => first.validUntil - MS_PER_DAY / 2;
      const renewed = await ensureDemoPki({ dir, now: later });
      expect(renewed.caCert).not.toBe(first.caCert);
      expect(await ensureDemoPki({ dir })).toEqual(renewed);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'makes a new PKI when a cached file is damaged',
    async () => {
      const first = await ensureDemoPki({ dir });
      await writeFile(join(dir, 'client.key'), 'garbage');
      const repaired = await ensureDemoPki({ dir });
      expect(repaired.caCert).not.toBe(first.caCert);
      expect(repaired.clientKey).not.toBe('garbage');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'gives two demos started at once the same PKI and leaves no temp directory',
    async () => {
      const [one, two] = await Promise.all([ensureDemoPki({ dir }), ensureDemoPki({ dir })]);
      expect(two).toEqual(one);
      expect(await ensureDemoPki({ dir, opensslPath: '/nonexistent/openssl' })).toEqual(one);
      expect(await readdir(join(base, 'rx-openvpn'))).toEqual(['demo-pki']);
    },
    TEST_TIMEOUT_MS,
  );
});
