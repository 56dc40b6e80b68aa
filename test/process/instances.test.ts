import { describe, expect, it } from '@jest/globals';
import { VpnError } from '../../src/core/errors.js';
import { discoverInstances } from '../../src/process/instances.js';
import type { ProcessRow, ProcessTable } from '../../src/process/instances-table.js';

const APP_ID = 'desk-vpn';
const OPENVPN = '/usr/sbin/openvpn';
const ENGINE_PID = 500;
const ENGINE_START = 7_000;
// The fake clock: every start time is in ticks of 10 ms, "now" is tick 100_000.
const NOW_TICKS = 100_000;
const MS_PER_TICK = 10;

interface FakeProcess {
  readonly pid: number;
  readonly startTime: number;
  readonly argv: readonly string[];
  /** Defaults to the basename of argv[0]. */
  readonly name?: string;
}

const marker = (appId: string, engine: string): readonly string[] => [
  '--setenv',
  'RX_OPENVPN_APP',
  appId,
  '--setenv',
  'RX_OPENVPN_ENGINE',
  engine,
];

const openvpn = (pid: number, ...options: readonly string[]): FakeProcess => ({
  pid,
  startTime: pid * 10,
  argv: [OPENVPN, '--config', `/etc/openvpn/${pid}.conf`, ...options],
});

const engine: FakeProcess = { pid: ENGINE_PID, startTime: ENGINE_START, argv: ['node', 'app.js'] };

const rowOf = (process: FakeProcess): ProcessRow => ({
  pid: process.pid,
  name: process.name ?? process.argv[0]?.split('/').at(-1) ?? '',
  cmd: process.argv.join(' '),
});

/** A process table holding `running`; `list` may be overridden to show rows that are gone. */
const fakeTable = (
  running: readonly FakeProcess[],
  overrides: Partial<ProcessTable> = {},
): ProcessTable => {
  const byPid = new Map(running.map((process) => [process.pid, process]));
  return {
    list: () => Promise.resolve(running.map(rowOf)),
    startTime: (pid) => Promise.resolve(byPid.get(pid)?.startTime),
    argv: (pid) => Promise.resolve(byPid.get(pid)?.argv),
    uptimeMs: (startTime) => Promise.resolve((NOW_TICKS - startTime) * MS_PER_TICK),
    ...overrides,
  };
};

describe('discoverInstances', () => {
  it('classifies an openvpn of ours whose engine runs, with profile and uptime', async () => {
    const ours = openvpn(101, ...marker(APP_ID, `${ENGINE_PID}:${ENGINE_START}`));
    expect(await discoverInstances(APP_ID, fakeTable([engine, ours]))).toEqual([
      {
        kind: 'ours',
        pid: 101,
        startTime: 1010,
        argv: ours.argv,
        profile: '/etc/openvpn/101.conf',
        uptimeMs: (NOW_TICKS - 1010) * MS_PER_TICK,
        engine: { pid: ENGINE_PID, startTime: ENGINE_START },
        engineAlive: true,
      },
    ]);
  });

  it('finds the engine gone when no process has its pid', async () => {
    const stale = openvpn(102, ...marker(APP_ID, `${ENGINE_PID}:${ENGINE_START}`));
    expect(await discoverInstances(APP_ID, fakeTable([stale]))).toMatchObject([
      { kind: 'ours', pid: 102, engineAlive: false },
    ]);
  });

  it('finds the engine gone when its pid now belongs to a process started at another time', async () => {
    const reused: FakeProcess = { ...engine, startTime: ENGINE_START + 1 };
    const stale = openvpn(103, ...marker(APP_ID, `${ENGINE_PID}:${ENGINE_START}`));
    expect(await discoverInstances(APP_ID, fakeTable([reused, stale]))).toMatchObject([
      { kind: 'ours', pid: 103, engine: { pid: ENGINE_PID }, engineAlive: false },
    ]);
  });

  it('counts an instance of ours whose marker names no engine as one with its engine gone', async () => {
    const orphan = openvpn(104, '--setenv', 'RX_OPENVPN_APP', APP_ID);
    expect(await discoverInstances(APP_ID, fakeTable([engine, orphan]))).toMatchObject([
      { kind: 'ours', pid: 104, engine: undefined, engineAlive: false },
    ]);
  });

  it('tells apart instances of another application and unmarked ones', async () => {
    const alien = openvpn(105, ...marker('other-app', `${ENGINE_PID}:${ENGINE_START}`));
    const plain = openvpn(106);
    expect(await discoverInstances(APP_ID, fakeTable([engine, alien, plain]))).toEqual([
      expect.objectContaining({ kind: 'alien', appId: 'other-app', pid: 105 }),
      expect.objectContaining({ kind: 'unmarked', pid: 106, profile: '/etc/openvpn/106.conf' }),
    ]);
  });

  it('recognises openvpn by process name or by argv[0], on POSIX and Windows paths', async () => {
    const renamed: FakeProcess = {
      ...openvpn(107),
      name: 'openvpn',
      argv: ['ovpn', '--dev', 'null'],
    };
    const byArgv: FakeProcess = { ...openvpn(108), name: '' };
    const windows: FakeProcess = {
      ...openvpn(109),
      name: 'OpenVPN.exe',
      argv: ['C:\\Program Files\\OpenVPN\\bin\\openvpn.exe', '--config', 'C:\\vpn\\a b.ovpn'],
    };
    const lookalikes: readonly FakeProcess[] = [
      { pid: 110, startTime: 1, argv: ['/usr/bin/openvpn-helper', '--openvpn'] },
      { pid: 111, startTime: 1, argv: ['/bin/sh', '-c', 'openvpn --config x.conf'] },
      { pid: 112, startTime: 1, argv: ['/usr/sbin/NetworkManager', '--no-daemon'] },
    ];
    const found = await discoverInstances(
      APP_ID,
      fakeTable([renamed, byArgv, windows, ...lookalikes]),
    );
    expect(found.map(({ pid, profile }) => ({ pid, profile }))).toEqual([
      { pid: 107, profile: undefined },
      { pid: 108, profile: '/etc/openvpn/108.conf' },
      { pid: 109, profile: 'C:\\vpn\\a b.ovpn' },
    ]);
  });

  it('reads the exact argv from the table, not the ambiguous space-joined command', async () => {
    const spaced: FakeProcess = {
      pid: 113,
      startTime: 1,
      argv: [OPENVPN, '--config', '/etc/My VPN/x.conf'],
    };
    const table = fakeTable([spaced]);
    expect(await discoverInstances(APP_ID, table)).toMatchObject([
      { pid: 113, profile: '/etc/My VPN/x.conf' },
    ]);
  });

  it('leaves out a listed openvpn that exited before it could be read', async () => {
    const exited = openvpn(114, ...marker(APP_ID, `${ENGINE_PID}:${ENGINE_START}`));
    const zombie = openvpn(115);
    const staying = openvpn(116);
    const table = fakeTable([engine, zombie, staying], {
      list: () => Promise.resolve([engine, exited, zombie, staying].map(rowOf)),
      argv: (pid) => Promise.resolve(pid === staying.pid ? staying.argv : undefined),
    });
    expect((await discoverInstances(APP_ID, table)).map(({ pid }) => pid)).toEqual([116]);
  });

  it('leaves out a pid that changed hands while it was read', async () => {
    const first = openvpn(117, ...marker(APP_ID, `${ENGINE_PID}:${ENGINE_START}`));
    let reads = 0;
    const table = fakeTable([engine, first], {
      // The first openvpn exits after its start time is read; a newcomer takes the pid.
      startTime: (pid) => {
        if (pid !== first.pid) return Promise.resolve(engine.startTime);
        reads += 1;
        return Promise.resolve(reads === 1 ? first.startTime : first.startTime + 5);
      },
    });
    expect(await discoverInstances(APP_ID, table)).toEqual([]);
    expect(reads).toBe(2);
  });

  it('rejects with the table fault instead of reporting no instances', async () => {
    const fault = new VpnError('PROCESS_LIST_FAILED', 'cannot read /proc/1/stat');
    const table = fakeTable([openvpn(118)], { argv: () => Promise.reject(fault) });
    await expect(discoverInstances(APP_ID, table)).rejects.toBe(fault);
  });
});
