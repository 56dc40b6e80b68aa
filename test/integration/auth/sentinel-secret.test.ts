import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { Secret } from '../../../src/core/secret.js';
import type { LogRecord } from '../../../src/engine/tunnel-output.js';
import { startTunnel, type Tunnel } from '../../../src/engine/vpn.js';
import type { VpnState } from '../../../src/state/vpn-state.js';
import { Lab } from '../lab/lab.js';
import {
  engineDeps,
  exactCredentialsScript,
  finished,
  profileOf,
  recordingLogger,
  recordingProvider,
  settled,
  stopAll,
} from './auth-support.js';

const lab = new Lab();
const appId = `it-auth-sentinel-${process.pid}`;
const tunnels: Tunnel[] = [];
let runtimeBase = '';
const SENTINEL = 'SENTINEL-9f3b2c';
const TEST_TIMEOUT_MS = 45_000;

beforeAll(async () => {
  runtimeBase = await lab.tempDir();
});
afterEach(() => stopAll(tunnels));
afterAll(() => lab.cleanup());

/** The regular files under `dir`, recursively, with their contents (sockets are skipped). */
const filesUnder = async (dir: string): Promise<{ path: string; text: string }[]> => {
  const found: { path: string; text: string }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(path)));
    if (entry.isFile()) found.push({ path, text: await readFile(path, 'latin1') });
  }
  return found;
};

describe('a password on its way to openvpn', () => {
  it(
    'appears in no log, state, log$ record, process argument, environment or runtime file',
    async () => {
      const server = await lab.server({
        kind: 'pull',
        verifyScript: await exactCredentialsScript(await lab.tempDir(), 'sentinel-user', SENTINEL),
      });
      const logger = recordingLogger();
      const asked = recordingProvider(() => ({
        kind: 'UserPass',
        username: 'sentinel-user',
        password: Secret.of(SENTINEL),
      }));
      const tunnel = startTunnel(
        {
          profile: profileOf(server.clientConfig(['auth-user-pass'])),
          appId,
          credentials: asked.provider,
          logger,
        },
        engineDeps(appId, runtimeBase),
      );
      tunnels.push(tunnel);
      const states: VpnState[] = [];
      const logs: LogRecord[] = [];
      tunnel.state$.subscribe((state) => states.push(state));
      tunnel.log$.subscribe((record) => logs.push(record));

      // Connected proves the sentinel reached the server's script byte for byte.
      expect(await settled(tunnel)).toMatchObject({ phase: 'connected' });
      const pid = await firstValueFrom(tunnel.pid$);
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'latin1');
      const environ = await readFile(`/proc/${pid}/environ`, 'latin1');
      const runtimeFiles = await filesUnder(runtimeBase);
      tunnel.stop();
      expect(await finished(tunnel)).toMatchObject({ phase: 'stopped' });

      // Each haystack is checked on its own, so a failure names where the secret leaked.
      expect(cmdline).toContain('--management-query-passwords');
      expect(cmdline).not.toContain(SENTINEL);
      expect(environ).not.toContain(SENTINEL);
      expect(runtimeFiles.map(({ path }) => path)).toEqual(
        expect.arrayContaining([expect.stringMatching(/profile\.conf$/)]),
      );
      for (const file of runtimeFiles) expect(file.text).not.toContain(SENTINEL);
      expect(await filesUnder(runtimeBase)).toEqual([]);
      expect(states.length).toBeGreaterThan(3);
      for (const state of states) expect(JSON.stringify(state)).not.toContain(SENTINEL);
      expect(logs.length).toBeGreaterThan(0);
      for (const record of logs) expect(JSON.stringify(record)).not.toContain(SENTINEL);
      // The logger heard the credentials go out (at debug level), without their value.
      expect(logger.records.some((r) => JSON.stringify(r).includes('password'))).toBe(true);
      for (const record of logger.records) expect(JSON.stringify(record)).not.toContain(SENTINEL);
      expect(asked.prompts).toHaveLength(1);
    },
    TEST_TIMEOUT_MS,
  );
});
