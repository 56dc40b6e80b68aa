import { describe, expect, it } from '@jest/globals';
import { formatPsJson, formatPsTable, toPsJsonRecord } from '../../src/cli/ps-table.js';
import type { OpenvpnInstance } from '../../src/process/instances.js';

const facts = { startTime: 1, argv: ['openvpn'] } as const;

const LIVE_OURS: OpenvpnInstance = {
  ...facts,
  kind: 'ours',
  pid: 4242,
  profile: '/home/me/work.ovpn',
  uptimeMs: 3_723_000,
  engine: { pid: 4000, startTime: 7 },
  engineAlive: true,
};
const ORPHAN: OpenvpnInstance = {
  ...facts,
  kind: 'ours',
  pid: 515,
  profile: 'demo.ovpn',
  uptimeMs: 7_000,
  engine: { pid: 300, startTime: 9 },
  engineAlive: false,
};
const ALIEN: OpenvpnInstance = {
  ...facts,
  kind: 'alien',
  pid: 99_999,
  appId: 'other-app',
  profile: undefined,
  uptimeMs: undefined,
};
const UNMARKED: OpenvpnInstance = {
  ...facts,
  kind: 'unmarked',
  pid: 777,
  profile: '/etc/openvpn/\u001b[31mred.conf',
  uptimeMs: 60_000,
};

describe('formatPsTable', () => {
  it('aligns the columns, sorts by pid, and says how to stop what was left behind', () => {
    expect(formatPsTable([LIVE_OURS, ALIEN, UNMARKED, ORPHAN])).toBe(
      [
        'PID    OWNER                  UPTIME   PROFILE',
        '515    ours, engine 300 gone  0:07     demo.ovpn',
        '777    unmarked               1:00     /etc/openvpn/red.conf',
        '4242   ours, engine 4000      1:02:03  /home/me/work.ovpn',
        '99999  alien: other-app       -        -',
        '1 of ours run without the engine that started them: `rx-openvpn stop` stops them.',
        '',
      ].join('\n'),
    );
  });

  it('gives no hint when nothing of ours was left behind', () => {
    expect(formatPsTable([LIVE_OURS])).toBe(
      [
        'PID   OWNER              UPTIME   PROFILE',
        '4242  ours, engine 4000  1:02:03  /home/me/work.ovpn',
        '',
      ].join('\n'),
    );
  });

  it('counts an instance of ours whose marker names no engine as left behind', () => {
    const table = formatPsTable([{ ...ORPHAN, engine: undefined }]);
    expect(table).toContain('ours, engine unknown');
    expect(table).toContain('1 of ours run without the engine');
  });

  it('says so when no openvpn runs', () => {
    expect(formatPsTable([])).toBe('no openvpn is running\n');
  });
});

describe('formatPsJson', () => {
  it('writes one JSON line per instance, leaving unknown fields out', () => {
    const lines = formatPsJson([LIVE_OURS, ORPHAN, ALIEN, UNMARKED]).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      {
        pid: 4242,
        kind: 'ours',
        engineAlive: true,
        enginePid: 4000,
        uptimeMs: 3_723_000,
        profile: '/home/me/work.ovpn',
      },
      {
        pid: 515,
        kind: 'ours',
        engineAlive: false,
        enginePid: 300,
        uptimeMs: 7_000,
        profile: 'demo.ovpn',
      },
      { pid: 99_999, kind: 'alien', appId: 'other-app' },
      { pid: 777, kind: 'unmarked', uptimeMs: 60_000, profile: '/etc/openvpn/\u001b[31mred.conf' },
    ]);
  });

  it('writes nothing when no openvpn runs', () => {
    expect(formatPsJson([])).toBe('');
  });

  it('keeps the argv and start time out of the public record', () => {
    expect(Object.keys(toPsJsonRecord(UNMARKED)).sort()).toEqual([
      'kind',
      'pid',
      'profile',
      'uptimeMs',
    ]);
  });
});
