import { afterEach, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { Secret } from '../../../src/core/secret.js';
import type { AttachDeps, AttachOptions } from '../../../src/engine/attach-options.js';
import { attachTunnel, type AttachedTunnel } from '../../../src/engine/attach-tunnel.js';
import * as command from '../../../src/management/command.js';
import type { ManagementEndpoint } from '../../../src/management/socket.js';
import type { VpnState } from '../../../src/state/vpn-state.js';
import { isAlive, waitFor, type LabProcess } from '../lab/lab.js';
import { attachTo, freeTcpPort } from '../management/management-lab.js';
import { EngineBed, PHASE_TIMEOUT_MS, TEST_TIMEOUT_MS, reach } from './support/engine-bed.js';
import { faultyLink } from './support/faulty-link.js';
import { identityOf } from './support/process-watch.js';

const MANAGEMENT_PASSWORD = 'attach pässword';
/** How long the teardown waits for an attached tunnel it let go of. */
const DETACH_DONE_MS = 5_000;

const bed = new EngineBed('attach');
const tunnels: AttachedTunnel[] = [];

afterEach(async () => {
  await Promise.all(
    tunnels.splice(0).map(async (tunnel) => {
      tunnel.detach();
      await Promise.race([
        tunnel.done,
        new Promise((resolve) => setTimeout(resolve, DETACH_DONE_MS).unref()),
      ]);
    }),
  );
  await bed.teardown();
});

interface Attached {
  readonly tunnel: AttachedTunnel;
  readonly states: readonly VpnState[];
}

const attach = (options: AttachOptions, deps: AttachDeps = {}): Attached => {
  const tunnel = attachTunnel(options, { processTable: bed.processTable, ...deps });
  const states: VpnState[] = [];
  tunnel.state$.subscribe((state) => states.push(state));
  tunnels.push(tunnel);
  return { tunnel, states };
};

type ManagementKind = 'tcp' | 'unix';

/** A p2p server and a client started by the test (as a service would), waiting in its hold. */
async function startOpenvpn(
  kind: ManagementKind,
): Promise<{ readonly openvpn: LabProcess; readonly endpoint: ManagementEndpoint }> {
  const server = await bed.lab.server({ kind: 'p2p' });
  const dir = await bed.lab.tempDir();
  const config = join(dir, 'client.conf');
  await writeFile(config, server.clientConfig(), { mode: 0o600 });
  let management: string[];
  let endpoint: ManagementEndpoint;
  if (kind === 'tcp') {
    const passwordFile = join(dir, 'management.pw');
    await writeFile(passwordFile, `${MANAGEMENT_PASSWORD}\n`, { mode: 0o600 });
    const port = await freeTcpPort();
    management = ['--management', '127.0.0.1', String(port), passwordFile];
    endpoint = { kind: 'tcp', host: '127.0.0.1', port };
  } else {
    const path = join(dir, 'management.sock');
    management = ['--management', path, 'unix'];
    endpoint = { kind: 'unix', path };
  }
  const openvpn = await bed.lab.run(['--config', config, ...management, '--management-hold']);
  bed.watch(identityOf(openvpn.pid));
  return { openvpn, endpoint };
}

const connected = (s: VpnState): boolean => s.phase === 'connected';
const phases = (states: readonly VpnState[]): string[] => states.map((s) => s.phase);
const initCompleted = (openvpn: LabProcess): number =>
  openvpn.output().split('Initialization Sequence Completed').length - 1;

describe('attaching to an openvpn the engine did not start', () => {
  it(
    'attaches over TCP with the management password, survives a dropped link and stops openvpn',
    async () => {
      const { openvpn, endpoint } = await startOpenvpn('tcp');
      const link = faultyLink();
      const watched = attach(
        { endpoint, password: Secret.of(MANAGEMENT_PASSWORD) },
        { connector: link.connector },
      );
      const log: string[] = [];
      watched.tunnel.log$.subscribe((record) => log.push(record.text));

      await reach(watched, 'connected', connected);
      await expect(firstValueFrom(watched.tunnel.pid$)).resolves.toBe(openvpn.pid);

      // A new session turns bytecount on again: a fresh sample proves the re-attach.
      link.drop();
      await waitFor(
        () => link.connections() === 2,
        PHASE_TIMEOUT_MS,
        () => 'a second link',
      );
      const samples: unknown[] = [];
      watched.tunnel.traffic$.subscribe((traffic) => samples.push(traffic));
      await waitFor(
        () => samples.length >= 2,
        PHASE_TIMEOUT_MS,
        () => 'traffic after re-attach',
      );
      expect(phases(watched.states).filter((p) => p === 'connected')).toHaveLength(1);
      expect(watched.states.at(-1)?.phase).toBe('connected');

      watched.tunnel.stop();
      await expect(watched.tunnel.done).resolves.toEqual({
        phase: 'stopped',
        at: expect.any(Number),
      });
      expect(isAlive(openvpn.pid)).toBe(false);
      expect(log).toContain(`MANAGEMENT: CMD 'signal "SIGTERM"'`);
      expect(JSON.stringify(watched.states)).not.toContain(MANAGEMENT_PASSWORD);
      expect(log.join('\n')).not.toContain(MANAGEMENT_PASSWORD);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'reports the states openvpn went through while the link was down, once each',
    async () => {
      const { openvpn, endpoint } = await startOpenvpn('unix');
      const link = faultyLink();
      // openvpn's restart takes a p2p server's ping timeout: the link may stay down that long.
      const watched = attach(
        { endpoint, unreachableMs: PHASE_TIMEOUT_MS },
        { connector: link.connector },
      );
      await reach(watched, 'connected', connected);
      const before = watched.states.length;

      link.block(true);
      link.drop();
      // Another client meanwhile lets openvpn restart without waiting for a hold release.
      const other = await attachTo(endpoint);
      await firstValueFrom(other.send(command.hold(false)));
      other.close();
      process.kill(openvpn.pid, 'SIGUSR1');
      await waitFor(() => initCompleted(openvpn) === 2, PHASE_TIMEOUT_MS, openvpn.output);
      expect(watched.states.slice(before)).toEqual([]);

      link.block(false);
      await reach(watched, 'a reconnection replayed', () =>
        watched.states.slice(before).some((s) => s.phase === 'connected'),
      );
      const replayed = watched.states.slice(before);
      expect(replayed[0]).toMatchObject({ phase: 'reconnecting', rawReason: 'SIGUSR1' });
      expect(replayed.at(-1)?.phase).toBe('connected');
      expect(phases(replayed).filter((p) => p === 'connected')).toHaveLength(1);

      watched.tunnel.stop();
      await expect(watched.tunnel.done).resolves.toMatchObject({ phase: 'stopped' });
      expect(isAlive(openvpn.pid)).toBe(false);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'releases a hold that openvpn entered while the link was down, once re-attached',
    async () => {
      const { openvpn, endpoint } = await startOpenvpn('tcp');
      const link = faultyLink();
      const watched = attach(
        { endpoint, password: Secret.of(MANAGEMENT_PASSWORD), unreachableMs: PHASE_TIMEOUT_MS },
        { connector: link.connector },
      );
      await reach(watched, 'connected', connected);
      const before = watched.states.length;

      link.block(true);
      link.drop();
      process.kill(openvpn.pid, 'SIGUSR1');
      await waitFor(
        () =>
          /Need hold release from management interface/g.test(
            openvpn.output().split('SIGUSR1').at(-1) ?? '',
          ),
        PHASE_TIMEOUT_MS,
        openvpn.output,
      );
      link.block(false);
      await reach(watched, 'connected again', () =>
        watched.states.slice(before).some((s) => s.phase === 'connected'),
      );
      expect(watched.states.slice(before)[0]).toMatchObject({
        phase: 'reconnecting',
        rawReason: 'SIGUSR1',
      });
      expect(initCompleted(openvpn)).toBe(2);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'escalates to SIGKILL when openvpn answers neither the management signal nor SIGTERM',
    async () => {
      const { openvpn, endpoint } = await startOpenvpn('unix');
      const watched = attach({
        endpoint,
        stop: { managementMs: 500, sigtermMs: 500, sigkillMs: 5_000 },
      });
      await reach(watched, 'connected', connected);
      // A stopped process reads no command and takes no SIGTERM; only SIGKILL ends it.
      openvpn.pause();
      watched.tunnel.stop();
      await expect(watched.tunnel.done).resolves.toMatchObject({ phase: 'stopped' });
      expect(isAlive(openvpn.pid)).toBe(false);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'fails with MANAGEMENT_AUTH_FAILED on a wrong management password',
    async () => {
      const { openvpn, endpoint } = await startOpenvpn('tcp');
      const watched = attach({ endpoint, password: Secret.of('not the password') });
      await expect(watched.tunnel.done).resolves.toMatchObject({
        phase: 'failed',
        error: { code: 'MANAGEMENT_AUTH_FAILED' },
      });
      expect(isAlive(openvpn.pid)).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'detaches and leaves openvpn running on its own',
    async () => {
      const { openvpn, endpoint } = await startOpenvpn('unix');
      const watched = attach({ endpoint });
      await reach(watched, 'connected', connected);
      watched.tunnel.detach();
      await expect(watched.tunnel.done).resolves.toEqual({
        phase: 'stopped',
        at: expect.any(Number),
        detached: true,
      });
      // openvpn no longer holds after a restart: it reconnects with nobody attached.
      process.kill(openvpn.pid, 'SIGUSR1');
      await waitFor(() => initCompleted(openvpn) === 2, PHASE_TIMEOUT_MS, openvpn.output);
      expect(isAlive(openvpn.pid)).toBe(true);
      await openvpn.stop();
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'fails with PROCESS_EXITED when its local openvpn is killed',
    async () => {
      const { openvpn, endpoint } = await startOpenvpn('unix');
      const watched = attach({ endpoint });
      await reach(watched, 'connected', connected);
      process.kill(openvpn.pid, 'SIGKILL');
      await expect(watched.tunnel.done).resolves.toMatchObject({
        phase: 'failed',
        error: { code: 'PROCESS_EXITED' },
      });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'fails with MANAGEMENT_UNREACHABLE when an openvpn it cannot watch stays unreachable',
    async () => {
      const { openvpn, endpoint } = await startOpenvpn('unix');
      // As for an openvpn in another pid namespace: its pid names nothing this host can check.
      const table = { ...bed.processTable, argv: () => Promise.resolve(undefined) };
      const watched = attach({ endpoint, unreachableMs: 1_000 }, { processTable: table });
      await reach(watched, 'connected', connected);
      process.kill(openvpn.pid, 'SIGKILL');
      const final = await watched.tunnel.done;
      expect(final).toMatchObject({ phase: 'failed', error: { code: 'MANAGEMENT_UNREACHABLE' } });
    },
    TEST_TIMEOUT_MS,
  );

  it('refuses TCP off loopback and TCP without a password, before any connection', async () => {
    const off = attach({ endpoint: { kind: 'tcp', host: '192.0.2.1', port: 7505 } });
    await expect(off.tunnel.done).resolves.toMatchObject({
      phase: 'failed',
      error: { code: 'MANAGEMENT_ENDPOINT_REFUSED' },
    });
    const bare = attach({ endpoint: { kind: 'tcp', host: '127.0.0.1', port: 7505 } });
    await expect(bare.tunnel.done).resolves.toMatchObject({
      phase: 'failed',
      error: { code: 'MANAGEMENT_ENDPOINT_REFUSED' },
    });
  });
});
