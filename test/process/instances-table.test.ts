import { parseProcStatStartTime } from '../../src/process/process-info.js';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PROCFS_LIST_CHUNK,
  createProcessTable,
  parseCmdline,
} from '../../src/process/instances-table.js';

const LIST_FAILED = { name: 'VpnError', code: 'PROCESS_LIST_FAILED' };

// proc(5) layout: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt
// cmajflt utime stime cutime cstime priority nice threads itrealvalue starttime vsize ...
const statLine = (pid: number, comm: string, startTime: number): string =>
  `${pid} (${comm}) S 1 ${pid} ${pid} 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 1 0 ` +
  `${startTime} 8888 99 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 17 2 0 0 0 0 0\n`;

describe('parseProcStatStartTime', () => {
  it('reads field 22 of a plain stat line', () => {
    expect(parseProcStatStartTime(statLine(4242, 'openvpn', 987654))).toBe(987654);
  });

  it('counts fields from the last parenthesis, so comm may hold spaces and parentheses', () => {
    expect(parseProcStatStartTime(statLine(7, 'a) S 1 (b c', 31337))).toBe(31337);
    expect(parseProcStatStartTime(statLine(7, ') 1 2 3 4 5', 42))).toBe(42);
  });

  it('finds the start time whatever the comm', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 15 }), fc.nat(), (comm, startTime) => {
        expect(parseProcStatStartTime(statLine(99, comm, startTime))).toBe(startTime);
      }),
    );
  });

  it('returns undefined for text that is not a stat line', () => {
    expect(parseProcStatStartTime('')).toBeUndefined();
    expect(parseProcStatStartTime('12 (openvpn) S 1 2 3')).toBeUndefined();
    expect(parseProcStatStartTime(statLine(1, 'x', 5).replace(' 5 ', ' five '))).toBeUndefined();
  });
});

describe('parseCmdline', () => {
  it('splits NUL-terminated arguments exactly, keeping spaces and empty arguments', () => {
    const raw = '/usr/sbin/openvpn\0--config\0/etc/My VPN/a.conf\0\0--verb\x003\0';
    expect(parseCmdline(raw)).toEqual([
      '/usr/sbin/openvpn',
      '--config',
      '/etc/My VPN/a.conf',
      '',
      '--verb',
      '3',
    ]);
  });

  it('accepts a command line without the final NUL and an empty one', () => {
    expect(parseCmdline('openvpn\0--verb\x003')).toEqual(['openvpn', '--verb', '3']);
    expect(parseCmdline('')).toEqual([]);
  });
});

describe('the procfs process table', () => {
  let procRoot = '';

  beforeEach(async () => {
    procRoot = await mkdtemp(join(tmpdir(), 'rx-openvpn-proc-'));
  });

  afterEach(async () => {
    await rm(procRoot, { recursive: true, force: true });
  });

  const addProcess = async (pid: number, stat: string, cmdline: string): Promise<void> => {
    await mkdir(join(procRoot, String(pid)));
    await writeFile(join(procRoot, String(pid), 'stat'), stat);
    await writeFile(join(procRoot, String(pid), 'cmdline'), cmdline);
  };

  const linuxTable = () => createProcessTable({ procRoot, platform: 'linux' });

  it('reads the start time when comm holds spaces and parentheses', async () => {
    await addProcess(31, statLine(31, 'open (vpn) x', 123456), 'openvpn\0');
    expect(await linuxTable().startTime(31)).toBe(123456);
  });

  it('reads the exact argv from cmdline', async () => {
    await addProcess(32, statLine(32, 'openvpn', 1), 'openvpn\0--config\0/a b.conf\0');
    expect(await linuxTable().argv(32)).toEqual(['openvpn', '--config', '/a b.conf']);
  });

  it('answers undefined for a process that is gone', async () => {
    const table = linuxTable();
    expect(await table.startTime(404)).toBeUndefined();
    expect(await table.argv(404)).toBeUndefined();
  });

  it('answers undefined for the argv of a zombie, whose cmdline is empty', async () => {
    await addProcess(33, statLine(33, 'openvpn', 1).replace(') S', ') Z'), '');
    expect(await linuxTable().argv(33)).toBeUndefined();
  });

  it('rejects with PROCESS_LIST_FAILED when an entry exists but cannot be read or parsed', async () => {
    await addProcess(34, 'garbage', 'openvpn\0');
    await expect(linuxTable().startTime(34)).rejects.toMatchObject(LIST_FAILED);
    // A directory where the file should be: EISDIR, which is not "process gone".
    await mkdir(join(procRoot, '35', 'cmdline'), { recursive: true });
    await expect(linuxTable().argv(35)).rejects.toMatchObject(LIST_FAILED);
  });

  it('turns a start time into an uptime with /proc/uptime and USER_HZ', async () => {
    await writeFile(join(procRoot, 'uptime'), '1000.50 3999.10\n');
    const table = linuxTable();
    expect(await table.uptimeMs(50_000)).toBe(500_500);
    // Later than "now" by less than the resolution of /proc/uptime.
    expect(await table.uptimeMs(100_051)).toBe(0);
    const fasterClock = createProcessTable({ procRoot, platform: 'linux', ticksPerSecond: 250 });
    expect(await fasterClock.uptimeMs(250_000)).toBe(0.5 * 1000);
  });

  it('refuses per-process reads on a platform without procfs instead of finding nothing', async () => {
    await addProcess(36, statLine(36, 'openvpn', 1), 'openvpn\0');
    const table = createProcessTable({ procRoot, platform: 'darwin' });
    await expect(table.startTime(36)).rejects.toMatchObject(LIST_FAILED);
  });

  it('lists processes through the injected lister, with the name as command when none', async () => {
    const table = createProcessTable({
      procRoot,
      listProcesses: () =>
        Promise.resolve([
          { pid: 1, name: 'systemd', cmd: '/sbin/init splash' },
          { pid: 2, name: 'kthreadd' },
        ]),
    });
    expect(await table.list()).toEqual([
      { pid: 1, name: 'systemd', cmd: '/sbin/init splash' },
      { pid: 2, name: 'kthreadd', cmd: 'kthreadd' },
    ]);
  });

  it('rejects with PROCESS_LIST_FAILED, keeping the cause, when listing fails', async () => {
    const cause = new Error('spawn ps ENOENT');
    const table = createProcessTable({ listProcesses: () => Promise.reject(cause) });
    await expect(table.list()).rejects.toMatchObject({ ...LIST_FAILED, cause });
  });
});

describe('the default listing on Linux', () => {
  it('lists every process across the chunks it reads between event-loop turns', async () => {
    const root = await mkdtemp(join(tmpdir(), 'rx-openvpn-proc-'));
    try {
      const count = PROCFS_LIST_CHUNK * 2 + 5;
      const pids = Array.from({ length: count }, (_, i) => 100 + i);
      for (const pid of pids) {
        await mkdir(join(root, String(pid)));
        await writeFile(join(root, String(pid), 'comm'), `proc${pid}\n`);
        await writeFile(join(root, String(pid), 'cmdline'), `/bin/proc${pid}\0-x\0`);
      }
      const table = createProcessTable({ procRoot: root, platform: 'linux' });
      const rows = [...(await table.list())].sort((a, b) => a.pid - b.pid);
      expect(rows.map((row) => row.pid)).toEqual(pids);
      expect(rows.at(-1)).toEqual({
        pid: 100 + count - 1,
        name: `proc${100 + count - 1}`,
        cmd: `/bin/proc${100 + count - 1} -x`,
      });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('reads names and command lines from procfs, skipping what is not a process', async () => {
    const root = await mkdtemp(join(tmpdir(), 'rx-openvpn-proc-'));
    try {
      await mkdir(join(root, '42'));
      await writeFile(join(root, '42', 'comm'), 'openvpn\n');
      await writeFile(join(root, '42', 'cmdline'), '/usr/sbin/openvpn\0--config\0a b.conf\0');
      await mkdir(join(root, '43'));
      await writeFile(join(root, '43', 'comm'), 'kthreadd\n');
      await writeFile(join(root, '43', 'cmdline'), '');
      await mkdir(join(root, 'self'));
      await mkdir(join(root, '44'));
      const table = createProcessTable({ procRoot: root, platform: 'linux' });
      const rows = [...(await table.list())].sort((a, b) => a.pid - b.pid);
      expect(rows).toEqual([
        { pid: 42, name: 'openvpn', cmd: '/usr/sbin/openvpn --config a b.conf' },
        { pid: 43, name: 'kthreadd', cmd: '' },
      ]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
