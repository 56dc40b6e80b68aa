import { describe, expect, it } from '@jest/globals';
import { runPs } from '../../../src/cli/commands/ps.js';
import type { AppId } from '../../../src/launcher/ownership-marker.js';
import { fakeProcessTable, markedArgv } from './fake-process-table.js';

const APP = 'ps-test' as AppId;

const output = () => {
  const chunks: string[] = [];
  return { chunks, sink: { write: (chunk: string) => chunks.push(chunk) } };
};

describe('runPs', () => {
  const { table } = fakeProcessTable([
    { pid: 10, startTime: 1, argv: ['/usr/bin/node', 'engine.js'] },
    { pid: 20, startTime: 2, argv: markedArgv(APP, 10, 1) },
    { pid: 30, startTime: 3, argv: markedArgv('someone-else', 99, 9) },
    { pid: 40, startTime: 4, argv: ['/usr/sbin/openvpn', '--config', 'by-hand.conf'] },
  ]);

  it('prints a JSON line per openvpn, classified by owner', async () => {
    const stdout = output();
    const stderr = output();
    const code = await runPs(
      { kind: 'ps', json: true, appId: APP },
      { stdout: stdout.sink, stderr: stderr.sink },
      { processTable: table },
    );
    expect(code).toBe(0);
    expect(stderr.chunks).toEqual([]);
    const records = stdout.chunks
      .join('')
      .trim()
      .split('\n')
      .map((line): unknown => JSON.parse(line));
    expect(records).toEqual([
      expect.objectContaining({ pid: 20, kind: 'ours', engineAlive: true, enginePid: 10 }),
      expect.objectContaining({ pid: 30, kind: 'alien', appId: 'someone-else' }),
      expect.objectContaining({ pid: 40, kind: 'unmarked', profile: 'by-hand.conf' }),
    ]);
  });

  it('prints a table without --json', async () => {
    const stdout = output();
    await runPs(
      { kind: 'ps', json: false, appId: APP },
      { stdout: stdout.sink, stderr: output().sink },
      { processTable: table },
    );
    const text = stdout.chunks.join('');
    expect(text.split('\n')[0]).toMatch(/^PID\s+OWNER\s+UPTIME\s+PROFILE$/);
    expect(text).toContain('ours, engine 10');
  });

  it('exits 1 with the reason on stderr when the process list cannot be read', async () => {
    const stderr = output();
    const code = await runPs(
      { kind: 'ps', json: true, appId: APP },
      { stdout: output().sink, stderr: stderr.sink },
      {
        processTable: {
          ...table,
          list: () => Promise.reject(new Error('procfs is not mounted')),
        },
      },
    );
    expect(code).toBe(1);
    expect(stderr.chunks.join('')).toContain('procfs is not mounted');
  });
});
