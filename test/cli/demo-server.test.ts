import { afterEach, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PassThrough } from 'node:stream';
import type { DemoPki } from '../../src/cli/demo-pki.js';
import { startDemoServer, type DemoServer } from '../../src/cli/demo-server.js';
import { isVpnError } from '../../src/core/errors.js';
import type { LaunchCommand } from '../../src/launcher/launch-command.js';
import type { ChildEnd, SpawnedChild } from '../../src/process/spawner.js';

const PKI: DemoPki = {
  dir: '/nonexistent',
  caCert: '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n',
  serverCert: 'SERVER CERT',
  serverKey: 'SERVER KEY',
  clientCert: 'CLIENT CERT',
  clientKey: 'CLIENT KEY',
  validUntil: 0,
};
const BOUND_LINE = '2026-01-01 00:00:00 UDPv4 link local (bound): [AF_INET]127.0.0.1:40000';
// Any file that exists: the fake spawner never runs it.
const EXISTING_BINARY = process.execPath;

interface Behaviour {
  readonly output?: readonly string[];
  readonly bind: boolean;
  readonly exitBeforeBind?: boolean;
  readonly ignoresTerm?: boolean;
}

interface Spawned {
  readonly command: LaunchCommand;
  readonly config: string;
  readonly signals: NodeJS.Signals[];
  readonly exited: () => boolean;
}

const spawned: Spawned[] = [];
const servers: DemoServer[] = [];

// A fake openvpn: prints its lines on the next turn, exits on signals as `behaviour` says.
const fakeSpawner =
  (behaviour: Behaviour) =>
  (command: LaunchCommand): SpawnedChild => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const signals: NodeJS.Signals[] = [];
    let resolveEnd: (end: ChildEnd) => void = () => undefined;
    let exited = false;
    const end = new Promise<ChildEnd>((resolve) => {
      resolveEnd = resolve;
    });
    const exit = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (exited) return;
      exited = true;
      stdout.end();
      stderr.end();
      resolveEnd({ kind: 'Exited', code, signal });
    };
    const configPath = command.args[1] ?? '';
    spawned.push({
      command,
      config: readFileSync(configPath, 'utf8'),
      signals,
      exited: () => exited,
    });
    setImmediate(() => {
      for (const line of behaviour.output ?? []) stdout.write(`${line}\n`);
      if (behaviour.bind) stdout.write(`${BOUND_LINE}\n`);
      if (behaviour.exitBeforeBind === true) exit(1, null);
    });
    return {
      pid: 1000 + spawned.length,
      stdout,
      stderr,
      end,
      kill: (signal) => {
        signals.push(signal);
        if (signal === 'SIGKILL' || behaviour.ignoresTerm !== true) exit(null, signal);
        return !exited;
      },
    };
  };

const start = async (behaviour: Behaviour, extra: { readyTimeoutMs?: number } = {}) => {
  const server = await startDemoServer({
    pki: PKI,
    openvpnPath: EXISTING_BINARY,
    spawner: fakeSpawner(behaviour),
    restartPauseMs: 10,
    stopGraceMs: 50,
    ...extra,
  });
  servers.push(server);
  return server;
};

const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

const configDirOf = (entry: Spawned | undefined): string => dirname(entry?.command.args[1] ?? '');

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  spawned.splice(0);
});

describe('startDemoServer', () => {
  it('runs openvpn with a loopback point-to-point TLS server config on a free port', async () => {
    const server = await start({ bind: true });
    expect(server.port).toBeGreaterThan(0);
    expect(server.pid).toBe(1001);
    expect(spawned[0]?.command).toMatchObject({
      file: EXISTING_BINARY,
      args: ['--config', expect.any(String)],
    });
    const config = spawned[0]?.config.split('\n') ?? [];
    expect(config).toEqual(
      expect.arrayContaining([
        'dev null',
        'proto udp4',
        'local 127.0.0.1',
        `port ${server.port}`,
        'tls-server',
        'dh none',
        'float',
        'keepalive 1 5',
      ]),
    );
    expect(spawned[0]?.config).toContain('<key>\nSERVER KEY\n</key>');
  });

  it('gives a client profile with the inline client credentials and the server port', async () => {
    const server = await start({ bind: true });
    const profile = server.clientProfile();
    expect(profile.split('\n')).toEqual(
      expect.arrayContaining([
        'dev null',
        'tls-client',
        `remote 127.0.0.1 ${server.port}`,
        'nobind',
        'remote-cert-tls server',
        'proto udp',
      ]),
    );
    expect(profile).toContain(
      '<ca>\n-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n</ca>',
    );
    expect(profile).toContain('<cert>\nCLIENT CERT\n</cert>');
    expect(profile).toContain('<key>\nCLIENT KEY\n</key>');
    expect(profile).not.toContain('SERVER KEY');
  });

  it('stops with SIGTERM and removes its files; a second stop does nothing', async () => {
    const server = await start({ bind: true });
    await server.stop();
    await server.stop();
    expect(spawned[0]?.signals).toEqual(['SIGTERM']);
    expect(existsSync(configDirOf(spawned[0]))).toBe(false);
    expect(server.pid).toBeUndefined();
  });

  it('kills a server that outlives the grace after SIGTERM', async () => {
    const server = await start({ bind: true, ignoresTerm: true });
    await server.stop();
    expect(spawned[0]?.signals).toEqual(['SIGTERM', 'SIGKILL']);
    expect(spawned[0]?.exited()).toBe(true);
  });

  it('restarts on the same port with a new process', async () => {
    const server = await start({ bind: true });
    await server.restart();
    expect(spawned).toHaveLength(2);
    expect(spawned[0]?.exited()).toBe(true);
    expect(spawned[1]?.config).toBe(spawned[0]?.config);
    expect(server.pid).toBe(1002);
    await server.stop();
    expect(spawned[1]?.exited()).toBe(true);
    expect(isVpnError(await rejection(server.restart()), 'DEMO_SERVER_FAILED')).toBe(true);
  });

  it("fails with openvpn's last words when it exits before binding, leaving no files", async () => {
    const error = await rejection(
      start({ bind: false, exitBeforeBind: true, output: ['Options error: nope'] }),
    );
    expect(isVpnError(error, 'DEMO_SERVER_FAILED')).toBe(true);
    expect((error as Error).message).toContain('exited (code 1)');
    expect((error as Error).message).toContain('Options error: nope');
    expect(existsSync(configDirOf(spawned[0]))).toBe(false);
  });

  it('kills a server that does not bind in time', async () => {
    const error = await rejection(start({ bind: false }, { readyTimeoutMs: 30 }));
    expect((error as Error).message).toContain('did not bind within 30 ms');
    expect(spawned[0]?.signals).toEqual(['SIGTERM']);
    expect(spawned[0]?.exited()).toBe(true);
  });

  it('says how to install openvpn when it is missing', async () => {
    const error = await rejection(
      startDemoServer({ pki: PKI, openvpnPath: '/nonexistent/openvpn' }),
    );
    expect(isVpnError(error, 'OPENVPN_NOT_FOUND')).toBe(true);
    expect((error as Error).message).toContain('apt-get install -y openvpn');
  });
});
