import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Secret } from '../../../src/core/secret.js';
import type { CredentialsProvider } from '../../../src/engine/credentials.js';
import type { LogRecord } from '../../../src/engine/tunnel-output.js';
import { startTunnel, type Tunnel } from '../../../src/engine/vpn.js';
import type { TranscriptLine } from '../../../src/management/transcript.js';
import type { VpnState } from '../../../src/state/vpn-state.js';
import { Lab, SAMPLE_KEYS } from '../lab/lab.js';
import {
  engineDeps,
  exactCredentialsScript,
  finished,
  openvpnTraces,
  profileOf,
  recordingLogger,
  recordingProvider,
  recordTunnel,
  settled,
  stopAll,
  withBlock,
  type LogEntry,
} from './auth-support.js';

const lab = new Lab();
const appId = `it-auth-sentinel-${process.pid}`;
const tunnels: Tunnel[] = [];
let runtimeBase = '';
const PASSWORD_SENTINEL = 'SENTINEL-9f3b2c';
const KEY_PASSPHRASE_SENTINEL = 'KEYPASS-SENTINEL-61d0a4';
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

/** Everywhere a connected tunnel could have put a secret it was given. */
interface Exposure {
  readonly cmdline: string;
  readonly environ: string;
  readonly runtimeFiles: readonly { path: string; text: string }[];
  readonly states: readonly VpnState[];
  readonly logs: readonly LogRecord[];
  readonly logger: readonly LogEntry[];
  readonly transcript: readonly TranscriptLine[];
}

/**
 * Connects with `profileText`, answering prompts through `credentials`, reads the openvpn
 * process and the runtime files while connected, then stops the tunnel and checks that the
 * runtime files went with it.
 */
async function connectAndExpose(
  profileText: string,
  credentials: CredentialsProvider,
): Promise<Exposure> {
  const logger = recordingLogger();
  const transcript: TranscriptLine[] = [];
  const tunnel = startTunnel(
    {
      profile: profileOf(profileText),
      appId,
      credentials,
      logger,
      transcript: (line) => transcript.push(line),
    },
    engineDeps(appId, runtimeBase),
  );
  tunnels.push(tunnel);
  const { states, logs } = recordTunnel(tunnel);

  expect(await settled(tunnel)).toMatchObject({ phase: 'connected' });
  const { cmdline, environ } = await openvpnTraces(tunnel);
  const runtimeFiles = await filesUnder(runtimeBase);
  tunnel.stop();
  expect(await finished(tunnel)).toMatchObject({ phase: 'stopped' });
  expect(await filesUnder(runtimeBase)).toEqual([]);
  return { cmdline, environ, runtimeFiles, states, logs, logger: logger.records, transcript };
}

/**
 * Fails if `secret` shows in any part of `exposure`. Each part is checked on its own, so a
 * failure names where the secret leaked; a part that could be empty is first shown to hold
 * something, so an empty haystack cannot pass for a clean one.
 */
function expectNowhere(exposure: Exposure, secret: string): void {
  expect(exposure.cmdline).toContain('--management-query-passwords');
  expect(exposure.cmdline).not.toContain(secret);
  expect(exposure.environ).not.toContain(secret);
  expect(exposure.runtimeFiles.map(({ path }) => path)).toEqual(
    expect.arrayContaining([expect.stringMatching(/profile\.conf$/)]),
  );
  for (const file of exposure.runtimeFiles) expect(file.text).not.toContain(secret);
  expect(exposure.states.length).toBeGreaterThan(3);
  for (const state of exposure.states) expect(JSON.stringify(state)).not.toContain(secret);
  expect(exposure.logs.length).toBeGreaterThan(0);
  for (const record of exposure.logs) expect(JSON.stringify(record)).not.toContain(secret);
  // The logger heard the password command go out (at debug level), without its value.
  expect(exposure.logger).toContainEqual(
    expect.objectContaining({ fields: { command: 'password [redacted]' } }),
  );
  for (const record of exposure.logger) expect(JSON.stringify(record)).not.toContain(secret);
  expect(exposure.transcript.length).toBeGreaterThan(0);
  for (const line of exposure.transcript) expect(line.text).not.toContain(secret);
}

/** The lines the engine wrote to openvpn, as the transcript kept them. */
const sentLines = (exposure: Exposure): string[] =>
  exposure.transcript.filter((l) => l.direction === 'to-openvpn').map((l) => l.text);

/**
 * The sample client key, encrypted under `passphrase` in a fresh PEM. openssl reads the
 * passphrase from its stdin, so it is on no command line, not even openssl's.
 */
async function clientKeyEncryptedWith(passphrase: string): Promise<string> {
  const key = join(SAMPLE_KEYS, 'client.key');
  const args = ['pkey', '-in', key, '-aes-256-cbc', '-passout', 'stdin'];
  const pending = promisify(execFile)('openssl', args);
  pending.child.stdin?.end(`${passphrase}\n`);
  const { stdout } = await pending;
  expect(stdout).toContain('-----BEGIN ENCRYPTED PRIVATE KEY-----');
  return stdout;
}

describe('a password on its way to openvpn', () => {
  it(
    'appears in no log, state, log$ record, transcript, argv, environment or runtime file',
    async () => {
      const server = await lab.server({
        kind: 'pull',
        verifyScript: await exactCredentialsScript(
          await lab.tempDir(),
          'sentinel-user',
          PASSWORD_SENTINEL,
        ),
      });
      const asked = recordingProvider(() => ({
        kind: 'UserPass',
        username: 'sentinel-user',
        password: Secret.of(PASSWORD_SENTINEL),
      }));

      // Connected proves the sentinel reached the server's script byte for byte.
      const exposure = await connectAndExpose(
        server.clientConfig(['auth-user-pass']),
        asked.provider,
      );

      expectNowhere(exposure, PASSWORD_SENTINEL);
      expect(sentLines(exposure)).toContain('password "Auth" [redacted]');
      expect(asked.prompts).toHaveLength(1);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('a private-key passphrase on its way to openvpn', () => {
  it(
    'appears in no log, state, log$ record, transcript, argv, environment or runtime file',
    async () => {
      const server = await lab.server({ kind: 'pull' });
      const encryptedKey = await clientKeyEncryptedWith(KEY_PASSPHRASE_SENTINEL);
      const asked = recordingProvider(() => ({
        kind: 'Password',
        password: Secret.of(KEY_PASSPHRASE_SENTINEL),
      }));

      // Connected proves openvpn unlocked the key with the sentinel.
      const exposure = await connectAndExpose(
        withBlock(server.clientConfig(), 'key', encryptedKey),
        asked.provider,
      );

      expectNowhere(exposure, KEY_PASSPHRASE_SENTINEL);
      expect(exposure.runtimeFiles.some((f) => f.text.includes(encryptedKey.trim()))).toBe(true);
      expect(sentLines(exposure)).toContain('password "Private Key" [redacted]');
      expect(asked.prompts).toEqual([{ kind: 'PasswordRequested', authType: 'Private Key' }]);
    },
    TEST_TIMEOUT_MS,
  );
});
