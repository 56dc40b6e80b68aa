import { describe, expect, it } from '@jest/globals';
import { runStop } from '../../../src/cli/commands/stop.js';
import type { AppId } from '../../../src/launcher/ownership-marker.js';
import { fakeProcessTable, markedArgv } from './fake-process-table.js';

const APP = 'stop-test' as AppId;
const LIVE_ENGINE = { pid: 10, startTime: 1 };

const processes = [
  { pid: LIVE_ENGINE.pid, startTime: LIVE_ENGINE.startTime, argv: ['/usr/bin/node', 'app.js'] },
  // Ours, started by an engine that is gone.
  { pid: 20, startTime: 2, argv: markedArgv(APP, 11, 5) },
  // Ours, its engine alive.
  { pid: 30, startTime: 3, argv: markedArgv(APP, LIVE_ENGINE.pid, LIVE_ENGINE.startTime) },
  // Another application's, with a dead engine: never ours to stop.
  { pid: 40, startTime: 4, argv: markedArgv('other-app', 12, 6) },
  // By hand.
  { pid: 50, startTime: 5, argv: ['/usr/sbin/openvpn', '--config', 'by-hand.conf'] },
];

const output = () => {
  const chunks: string[] = [];
  return { text: () => chunks.join(''), sink: { write: (chunk: string) => chunks.push(chunk) } };
};

const stop = async (
  options: { readonly allOurs: boolean; readonly stopTimeoutMs?: number },
  fake: ReturnType<typeof fakeProcessTable>,
) => {
  const stdout = output();
  const stderr = output();
  const code = await runStop(
    { kind: 'stop', appId: APP, allOurs: options.allOurs, stopTimeoutMs: options.stopTimeoutMs },
    { stdout: stdout.sink, stderr: stderr.sink },
    { processTable: fake.table, processInfo: fake.processInfo, kill: fake.kill },
  );
  return { code, stdout: stdout.text(), stderr: stderr.text() };
};

describe('runStop', () => {
  it('stops only the instances of ours whose engine is gone, with SIGTERM', async () => {
    const fake = fakeProcessTable(processes);
    const result = await stop({ allOurs: false }, fake);
    expect(result.code).toBe(0);
    expect(fake.signals).toEqual([{ pid: 20, signal: 'SIGTERM' }]);
    expect(result.stdout).toMatch(/^stopped pid 20 \(sigterm, 0:00\)\n$/);
    expect([30, 40, 50].every(fake.isRunning)).toBe(true);
  });

  it('with --all-ours, stops those whose engine still runs too, and nothing else', async () => {
    const fake = fakeProcessTable(processes);
    const result = await stop({ allOurs: true }, fake);
    expect(result.code).toBe(0);
    expect(fake.signals.map((s) => s.pid).sort()).toEqual([20, 30]);
    expect([40, 50].every(fake.isRunning)).toBe(true);
  });

  it('says there is nothing to stop, and how to stop the live ones', async () => {
    const fake = fakeProcessTable(processes.filter((p) => p.pid !== 20));
    const result = await stop({ allOurs: false }, fake);
    expect(result.code).toBe(0);
    expect(fake.signals).toEqual([]);
    expect(result.stdout).toContain('nothing to stop');
    expect(result.stdout).toContain('rx-openvpn stop --all-ours');
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    const fake = fakeProcessTable(processes, (_pid, signal) => signal === 'SIGKILL');
    const result = await stop({ allOurs: false, stopTimeoutMs: 500 }, fake);
    expect(result.code).toBe(0);
    expect(fake.signals).toEqual([
      { pid: 20, signal: 'SIGTERM' },
      { pid: 20, signal: 'SIGKILL' },
    ]);
    expect(result.stdout).toContain('stopped pid 20 (sigkill');
  });

  it('exits 1 and says so on stderr when the process outlives SIGKILL', async () => {
    const fake = fakeProcessTable(processes, () => false);
    const result = await stop({ allOurs: false, stopTimeoutMs: 300 }, fake);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('could not stop pid 20: openvpn did not exit after sigterm');
    expect(fake.isRunning(20)).toBe(true);
  });
});
