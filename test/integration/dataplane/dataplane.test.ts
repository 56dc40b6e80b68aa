import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { firstValueFrom, filter, tap, throwError, timeout, type Observable } from 'rxjs';
import { discoverInstances } from '../../../src/process/instances.js';
import type { Traffic } from '../../../src/state/traffic.js';
import {
  EngineBed,
  TEST_TIMEOUT_MS,
  openvpnOf,
  profileOf,
  reach,
  runtimeDirsOf,
} from '../engine/support/engine-bed.js';
import { exitsWithin } from '../engine/support/process-watch.js';
import { OPENVPN_BIN, SAMPLE_KEYS, waitFor } from '../lab/lab.js';
import { createNamespacePair, type NamespacePair } from './network-namespaces.js';
import { pingFrom } from './ping.js';

const bed = new EngineBed('dataplane');
let namespaces: NamespacePair | undefined;

beforeAll(async () => {
  namespaces = await createNamespacePair(String(process.pid));
});
afterEach(() => bed.teardown());
afterAll(async () => {
  await namespaces?.remove();
});

const pairOf = (): NamespacePair => {
  if (namespaces === undefined) throw new Error('the namespaces were not created');
  return namespaces;
};

const SERVER_TUNNEL_IP = '10.199.0.1';
const CLIENT_TUNNEL_IP = '10.199.0.2';
const OPENVPN_PORT = 1194;
const PING = { count: 20, payloadBytes: 1_000, intervalS: 0.2, replyWaitS: 5, deadlineS: 30 };
const SERVER_READY_MS = 10_000;
/** Many `>BYTECOUNT` intervals (1 s): the counters catch up with the last reply long before. */
const COUNTERS_SETTLE_MS = 15_000;
const STOP_DEADLINES = { managementMs: 1_000, sigtermMs: 1_000, sigkillMs: 2_000 };
const EXIT_MS = 5_000;

const inline = (tag: string, file: string): string =>
  `<${tag}>\n${readFileSync(join(SAMPLE_KEYS, file), 'utf8').trim()}\n</${tag}>`;

/** A p2p client profile with real tunnel addresses: openvpn configures its tun device. */
const clientProfileText = (pair: NamespacePair): string =>
  [
    'dev tun',
    `ifconfig ${CLIENT_TUNNEL_IP} ${SERVER_TUNNEL_IP}`,
    'proto udp',
    `remote ${pair.serverCarrier} ${OPENVPN_PORT}`,
    'nobind',
    'tls-client',
    'remote-cert-tls server',
    inline('ca', 'ca.crt'),
    inline('cert', 'client.crt'),
    inline('key', 'client.key'),
    'ping 1',
    'verb 3',
  ].join('\n') + '\n';

/** Starts the p2p server inside the server namespace; the bed kills it at teardown. */
async function startServer(pair: NamespacePair): Promise<void> {
  const args = [
    ...['netns', 'exec', pair.server, OPENVPN_BIN],
    ...['--dev', 'tun', '--ifconfig', SERVER_TUNNEL_IP, CLIENT_TUNNEL_IP],
    ...['--proto', 'udp', '--local', pair.serverCarrier, '--port', String(OPENVPN_PORT)],
    ...['--tls-server', '--dh', 'none', '--keepalive', '1', '5', '--verb', '3'],
    ...['--ca', join(SAMPLE_KEYS, 'ca.crt')],
    ...['--cert', join(SAMPLE_KEYS, 'server.crt'), '--key', join(SAMPLE_KEYS, 'server.key')],
  ];
  const child = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  bed.adopt(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  await waitFor(
    () => /UDPv4 link local \(bound\)/.test(output),
    SERVER_READY_MS,
    () => `the namespaced server to bind:\n${output}`,
  );
}

/** A script the engine takes for openvpn: it runs the real one inside the client namespace. */
async function namespacedOpenvpn(pair: NamespacePair): Promise<string> {
  const wrapper = join(await bed.lab.tempDir(), 'openvpn-in-netns');
  // exec, twice: the shell becomes ip, ip becomes openvpn, so the engine's pid is openvpn's.
  const script = `#!/bin/sh\nexec ip netns exec ${pair.client} ${OPENVPN_BIN} "$@"\n`;
  await writeFile(wrapper, script, { mode: 0o755 });
  return wrapper;
}

/** The first traffic total that has moved by at least `bytes` each way since `before`. */
const trafficPast = (traffic$: Observable<Traffic>, before: Traffic, bytes: number) => {
  const totals = ({ bytesIn, bytesOut }: Traffic): string => JSON.stringify({ bytesIn, bytesOut });
  let last = before;
  return firstValueFrom(
    traffic$.pipe(
      tap((t) => (last = t)),
      filter((t) => t.bytesOut - before.bytesOut >= bytes && t.bytesIn - before.bytesIn >= bytes),
      timeout({
        first: COUNTERS_SETTLE_MS,
        with: () =>
          throwError(
            () =>
              new Error(
                `traffic$ did not move by ${bytes} bytes each way: ` +
                  `before ${totals(before)}, last ${totals(last)}`,
              ),
          ),
      }),
    ),
  );
};

/** What `ip` prints for `args`. */
const ipOutput = async (...args: string[]): Promise<string> =>
  (await promisify(execFile)('ip', args)).stdout;

describe('the data plane through a tunnel the engine runs in a network namespace', () => {
  it(
    'carries pings across the tunnel, counts them in traffic$, and stops through the wrapper',
    async () => {
      const pair = pairOf();
      await startServer(pair);
      const watched = bed.start({
        profile: profileOf(clientProfileText(pair)),
        openvpnPath: await namespacedOpenvpn(pair),
        stop: STOP_DEADLINES,
      });
      const connected = await reach(watched, 'connected', (s) => s.phase === 'connected');
      expect(connected).toMatchObject({
        localIpv4: CLIENT_TUNNEL_IP,
        remote: { host: pair.serverCarrier, port: OPENVPN_PORT },
      });

      // The process the engine follows is openvpn itself, marked as ours, not the wrapper.
      const openvpn = await openvpnOf(watched);
      expect(readFileSync(`/proc/${openvpn.pid}/comm`, 'utf8').trim()).toBe('openvpn');
      const instances = await discoverInstances(bed.appId, bed.processTable);
      expect(instances).toContainEqual(expect.objectContaining({ kind: 'ours', pid: openvpn.pid }));

      // The client namespace reaches the server's tunnel address only through openvpn's tun
      // device, and has no default route: the pings cannot leave the namespace pair.
      expect(await ipOutput('-n', pair.client, 'route', 'get', SERVER_TUNNEL_IP)).toMatch(
        / dev tun\d+ /,
      );
      expect((await ipOutput('-n', pair.client, 'route', 'show', 'default')).trim()).toBe('');

      const before = await firstValueFrom(watched.tunnel.traffic$);
      const ping = await pingFrom(pair.client, SERVER_TUNNEL_IP, PING);
      expect(ping).toEqual({
        transmitted: PING.count,
        received: PING.count,
      });
      // A lower bound: openvpn's counters also hold headers, encryption and keepalives.
      const payloadBytes = PING.count * PING.payloadBytes;
      const after = await trafficPast(watched.tunnel.traffic$, before, payloadBytes);
      expect(after.bytesOut - before.bytesOut).toBeGreaterThanOrEqual(payloadBytes);
      expect(after.bytesIn - before.bytesIn).toBeGreaterThanOrEqual(payloadBytes);

      watched.tunnel.stop();
      expect(await watched.tunnel.done).toMatchObject({ phase: 'stopped' });
      expect(await exitsWithin(openvpn, EXIT_MS)).toBe(true);
      expect(await runtimeDirsOf(bed.appId)).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'escalates to SIGKILL through the wrapper when the namespaced openvpn is frozen',
    async () => {
      const pair = pairOf();
      await startServer(pair);
      const watched = bed.start({
        profile: profileOf(clientProfileText(pair)),
        openvpnPath: await namespacedOpenvpn(pair),
        stop: STOP_DEADLINES,
      });
      await reach(watched, 'connected', (s) => s.phase === 'connected');
      const openvpn = await openvpnOf(watched);
      process.kill(openvpn.pid, 'SIGSTOP');
      watched.tunnel.stop();
      expect(await watched.tunnel.done).toMatchObject({ phase: 'stopped', signal: 'SIGKILL' });
      expect(await exitsWithin(openvpn, EXIT_MS)).toBe(true);
      expect(await runtimeDirsOf(bed.appId)).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});
