import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The sample PKI shipped with Debian's openvpn package, valid to 2033. */
export const SAMPLE_KEYS = '/usr/share/doc/openvpn/examples/sample-keys';
export const OPENVPN_BIN = process.env['OPENVPN_BIN'] ?? '/usr/sbin/openvpn';

const TEMP_PREFIX = 'rx-openvpn-test-';
const SERVER_READY_TIMEOUT_MS = 10_000;
const SERVER_STOP_GRACE_MS = 3_000;

/** A fresh private temp directory (mode 0700); removed by {@link Lab.cleanup}. */
export async function makeTempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), TEMP_PREFIX));
  await chmod(dir, 0o700);
  return dir;
}

/** A UDP port on 127.0.0.1 that was free a moment ago. */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port bound');
  return address.port;
}

/** A running openvpn started by the lab (a server, or a bare client for process tests). */
export interface LabProcess {
  readonly pid: number;
  readonly output: () => string;
  /** SIGTERM, then SIGKILL after a grace; resolves once the process is gone. */
  readonly stop: () => Promise<void>;
  readonly pause: () => void;
  readonly resume: () => void;
}

export type ServerKind = 'p2p' | 'pull';

/** The transport between client and server; TCP is what an HTTP proxy can carry. */
export type Transport = 'udp' | 'tcp';

export interface ServerOptions {
  readonly kind: ServerKind;
  /** UDP unless told otherwise. */
  readonly transport?: Transport;
  /** Extra config lines for the server. */
  readonly extra?: readonly string[];
  /** A script body (sh) used as `auth-user-pass-verify <script> via-file` (pull servers only). */
  readonly verifyScript?: string;
}

/** A loopback openvpn server, restartable on the same port. */
export interface LabServer extends LabProcess {
  readonly port: number;
  readonly kind: ServerKind;
  readonly restart: () => Promise<void>;
  /** Client config lines (without management options) that reach this server. */
  readonly clientConfig: (extra?: readonly string[]) => string;
}

/** A set of temp dirs and processes that one test file owns; `cleanup` ends them all. */
export class Lab {
  readonly #dirs: string[] = [];
  readonly #processes = new Set<LabProcess>();

  async tempDir(): Promise<string> {
    const dir = await makeTempDir();
    this.#dirs.push(dir);
    return dir;
  }

  /** Starts openvpn with `args` and resolves once a stdout line matches `ready`. */
  async run(args: readonly string[], ready?: RegExp): Promise<LabProcess> {
    const labProcess = await runOpenvpn(args, ready);
    this.#processes.add(labProcess);
    return labProcess;
  }

  async server(options: ServerOptions): Promise<LabServer> {
    const dir = await this.tempDir();
    const transport = options.transport ?? 'udp';
    const port = transport === 'tcp' ? await freeTcpPort() : await freeUdpPort();
    const lines = serverConfig(options, port, dir);
    if (options.verifyScript !== undefined) {
      const script = join(dir, 'verify.sh');
      await writeFile(script, `#!/bin/sh\n${options.verifyScript}\n`, { mode: 0o700 });
      lines.push('script-security 2', `auth-user-pass-verify ${script} via-file`);
    }
    const config = join(dir, 'server.conf');
    await writeFile(config, lines.join('\n') + '\n', { mode: 0o600 });
    // A point-to-point server completes its initialisation only once a client connects; it is
    // ready as soon as its socket is bound (UDP) or listening (TCP).
    const p2pReady =
      transport === 'tcp' ? /Listening for incoming TCP connection/ : /UDPv4 link local \(bound\)/;
    const ready = options.kind === 'p2p' ? p2pReady : /Initialization Sequence Completed/;
    const start = (): Promise<LabProcess> => this.run(['--config', config], ready);
    let current = await start();
    const server: LabServer = {
      port,
      kind: options.kind,
      get pid() {
        return current.pid;
      },
      output: () => current.output(),
      stop: () => current.stop(),
      pause: () => current.pause(),
      resume: () => current.resume(),
      restart: async () => {
        await current.stop();
        current = await start();
      },
      clientConfig: (extra = []) => clientConfig(options.kind, transport, port, extra),
    };
    return server;
  }

  async cleanup(): Promise<void> {
    await Promise.all([...this.#processes].map((p) => p.stop()));
    this.#processes.clear();
    await Promise.all(this.#dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    this.#dirs.length = 0;
  }
}

function serverConfig(options: ServerOptions, port: number, dir: string): string[] {
  const common = [
    options.transport === 'tcp' ? 'proto tcp-server' : 'proto udp',
    'local 127.0.0.1',
    `port ${port}`,
    'tls-server',
    'dh none',
    `ca ${SAMPLE_KEYS}/ca.crt`,
    `cert ${SAMPLE_KEYS}/server.crt`,
    `key ${SAMPLE_KEYS}/server.key`,
    'keepalive 1 5',
    'verb 3',
  ];
  const kind =
    options.kind === 'p2p'
      ? // A point-to-point server needs float, or a restarted client hangs in WAIT.
        ['dev null', 'float']
      : // mode server needs a tun device; ifconfig-noexec leaves it without an address so
        // nothing on the host is configured or routed.
        [
          'dev tun',
          'topology subnet',
          'server 10.209.0.0 255.255.255.0',
          'ifconfig-noexec',
          'duplicate-cn',
          `status ${join(dir, 'status.txt')} 1`,
        ];
  return [...kind, ...common, ...(options.extra ?? [])];
}

function clientConfig(
  kind: ServerKind,
  transport: Transport,
  port: number,
  extra: readonly string[],
): string {
  const lines = [
    ...(kind === 'p2p'
      ? ['dev null', 'tls-client']
      : ['client', 'dev tun', 'ifconfig-noexec', 'route-noexec']),
    transport === 'tcp' ? 'proto tcp-client' : 'proto udp',
    `remote 127.0.0.1 ${port}`,
    'nobind',
    // Unified profile, as VPN providers ship them: key material inline.
    inline('ca', `${SAMPLE_KEYS}/ca.crt`),
    inline('cert', `${SAMPLE_KEYS}/client.crt`),
    inline('key', `${SAMPLE_KEYS}/client.key`),
    'remote-cert-tls server',
    'verb 3',
    ...extra,
  ];
  return lines.join('\n') + '\n';
}

function inline(tag: string, file: string): string {
  return `<${tag}>\n${readFileSync(file, 'utf8').trim()}\n</${tag}>`;
}

async function runOpenvpn(args: readonly string[], ready?: RegExp): Promise<LabProcess> {
  const child = spawn(OPENVPN_BIN, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid ?? -1));
    child.once('error', reject);
  });
  const labProcess: LabProcess = {
    pid,
    output: () => output,
    stop: () => stopChild(child, exited),
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
  };
  if (ready !== undefined) {
    await waitFor(
      () => ready.test(output),
      SERVER_READY_TIMEOUT_MS,
      () => {
        return `openvpn ${args.join(' ')} did not print ${String(ready)}:\n${output}`;
      },
    ).catch(async (error: unknown) => {
      await labProcess.stop();
      throw error;
    });
  }
  return labProcess;
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGCONT');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), SERVER_STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/** Polls `condition` every 20 ms until it holds or `timeoutMs` passes. */
export async function waitFor(
  condition: () => boolean,
  timeoutMs: number,
  describe: () => string = () => 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** True while a process with `pid` exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
