import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { discoverInstances, type OpenvpnInstance } from '../../../src/process/instances.js';
import { planStart } from '../../../src/process/instances-plan.js';
import { createProcessTable } from '../../../src/process/instances-table.js';

const OPENVPN_BIN = process.env['OPENVPN_BIN'] ?? '/usr/sbin/openvpn';
const SAMPLE_KEYS = '/usr/share/doc/openvpn/examples/sample-keys';
// Test files run in parallel, other files start openvpn too: every id names this worker.
const APP_ID = `rx-openvpn-it-${process.pid}`;
const ALIEN_APP_ID = `rx-openvpn-it-alien-${process.pid}`;
// Spaces and parentheses in comm, which /proc/<pid>/stat shows between parentheses.
const ODD_NAME = 'open vpn) (x';
const STOP_GRACE_MS = 3_000;
const DISCOVERY_TIMEOUT_MS = 10_000;
const POLL_INTERVAL_MS = 100;
const TEST_TIMEOUT_MS = 30_000;

// A client that never connects: nothing answers on UDP port 1, so it retries until stopped.
const CLIENT_CONFIG = [
  'client',
  'dev null',
  'nobind',
  'proto udp',
  'remote 127.0.0.1 1',
  `ca ${SAMPLE_KEYS}/ca.crt`,
  `cert ${SAMPLE_KEYS}/client.crt`,
  `key ${SAMPLE_KEYS}/client.key`,
  'verb 0',
].join('\n');

const marker = (appId: string, enginePid: number, engineStart: number): readonly string[] => [
  '--setenv',
  'RX_OPENVPN_APP',
  appId,
  '--setenv',
  'RX_OPENVPN_ENGINE',
  `${enginePid}:${engineStart}`,
];

const table = createProcessTable();
const children = new Set<ChildProcess>();
let dir = '';

interface Started {
  readonly pid: number;
  readonly child: ChildProcess;
}

const start = async (command: string, args: readonly string[]): Promise<Started> => {
  const child = spawn(command, args, { stdio: 'ignore' });
  children.add(child);
  // 'spawn' comes once exec succeeded, so /proc already shows the new program's argv.
  await once(child, 'spawn');
  if (child.pid === undefined) throw new Error(`${command} has no pid`);
  return { pid: child.pid, child };
};

const stop = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const escalation = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  try {
    await exited;
  } finally {
    clearTimeout(escalation);
  }
};

const hasExited = (pid: number): boolean =>
  [...children].some(
    (child) => child.pid === pid && (child.exitCode !== null || child.signalCode !== null),
  );

// Discovery, retried until every pid shows up: an openvpn that dies on start fails fast.
const discover = async (pids: readonly number[]): Promise<ReadonlyMap<number, OpenvpnInstance>> => {
  const deadline = Date.now() + DISCOVERY_TIMEOUT_MS;
  for (;;) {
    const found = new Map((await discoverInstances(APP_ID, table)).map((i) => [i.pid, i]));
    const missing = pids.filter((pid) => !found.has(pid));
    if (missing.length === 0) return found;
    const dead = missing.filter(hasExited);
    if (dead.length > 0 || Date.now() > deadline) {
      throw new Error(`openvpn not discovered: ${missing.join(', ')} (exited: ${dead.join(', ')})`);
    }
    await sleep(POLL_INTERVAL_MS);
  }
};

const isLeftover = (pids: readonly number[]) => (instance: OpenvpnInstance) =>
  pids.includes(instance.pid) ||
  instance.kind === 'ours' ||
  (instance.kind === 'alien' && instance.appId === ALIEN_APP_ID);

describe('discovering real openvpn processes', () => {
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rx-openvpn-instances-'));
  });

  afterEach(async () => {
    const pids = [...children].flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
    try {
      await Promise.all([...children].map(stop));
    } finally {
      children.clear();
      await rm(dir, { recursive: true, force: true });
    }
    const left = await discoverInstances(APP_ID, table);
    expect(left.filter(isLeftover(pids))).toEqual([]);
  });

  it(
    'classifies instances of a gone engine, of a live engine, of another app and unmarked ones',
    async () => {
      const profile = join(dir, 'client.conf');
      await writeFile(profile, CLIENT_CONFIG);
      const oddOpenvpn = join(dir, ODD_NAME);
      await symlink(OPENVPN_BIN, oddOpenvpn);

      const deadEngine = await start(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
      const deadEngineStart = await table.startTime(deadEngine.pid);
      if (deadEngineStart === undefined) throw new Error('no start time for the fake engine');
      await stop(deadEngine.child);
      const selfStart = await table.startTime(process.pid);
      if (selfStart === undefined) throw new Error('no start time for the test process');

      const config = ['--config', profile];
      const { pid: stale } = await start(OPENVPN_BIN, [
        ...config,
        ...marker(APP_ID, deadEngine.pid, deadEngineStart),
      ]);
      const { pid: live } = await start(OPENVPN_BIN, [
        ...config,
        ...marker(APP_ID, process.pid, selfStart),
      ]);
      const { pid: alien } = await start(OPENVPN_BIN, [
        ...config,
        ...marker(ALIEN_APP_ID, process.pid, selfStart),
      ]);
      const { pid: unmarked } = await start(oddOpenvpn, config);

      const found = await discover([stale, live, alien, unmarked]);
      const mine = [stale, live, alien, unmarked].map((pid) => found.get(pid));
      expect(mine).toEqual([
        expect.objectContaining({
          kind: 'ours',
          engine: { pid: deadEngine.pid, startTime: deadEngineStart },
          engineAlive: false,
        }),
        expect.objectContaining({
          kind: 'ours',
          engine: { pid: process.pid, startTime: selfStart },
          engineAlive: true,
        }),
        expect.objectContaining({ kind: 'alien', appId: ALIEN_APP_ID }),
        expect.objectContaining({ kind: 'unmarked', argv: [oddOpenvpn, ...config] }),
      ]);
      for (const instance of mine) {
        expect(instance).toMatchObject({ profile, uptimeMs: expect.any(Number) });
        expect(instance?.uptimeMs).toBeLessThan(TEST_TIMEOUT_MS);
      }

      const [staleInstance, liveInstance, alienInstance] = mine.filter((i) => i !== undefined);
      if (staleInstance === undefined || liveInstance === undefined) throw new Error('missing');
      const plan = (instances: readonly OpenvpnInstance[]) =>
        planStart(instances, { appId: APP_ID, selfPid: 1, takeover: false });
      expect(plan([staleInstance])).toEqual({
        kind: 'proceed',
        stop: [{ reason: 'stale', instance: staleInstance }],
        unmarked: [],
      });
      expect(plan([staleInstance, liveInstance])).toMatchObject({
        kind: 'refuse',
        error: { code: 'OPENVPN_ALREADY_RUNNING' },
      });
      expect(plan(mine.filter((i) => i !== undefined))).toMatchObject({
        kind: 'refuse',
        error: { code: 'ALIEN_OPENVPN_RUNNING', details: { blocking: [alienInstance] } },
      });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'reads the start time and argv of a real process and nothing for a reaped one',
    async () => {
      const { pid, child } = await start(process.execPath, [
        '-e',
        'setInterval(() => {}, 1000)',
        'a b',
      ]);
      const startTime = await table.startTime(pid);
      expect(startTime).toEqual(expect.any(Number));
      expect(await table.argv(pid)).toEqual([process.execPath, '-e', expect.any(String), 'a b']);
      await stop(child);
      // The pid may be reused by now, but never with the same start time.
      expect(await table.startTime(pid)).not.toBe(startTime);
      expect((await table.argv(pid)) ?? []).not.toContain('a b');
    },
    TEST_TIMEOUT_MS,
  );
});
