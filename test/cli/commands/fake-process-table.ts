import type { ProcessTable } from '../../../src/process/instances-table.js';
import type { ProcessInfo } from '../../../src/process/process-info.js';

/** One process of the fake table. */
export interface FakeProcess {
  readonly pid: number;
  readonly startTime: number;
  readonly argv: readonly string[];
}

/**
 * A process table held in memory: `kill` removes a process on the signals it obeys, and
 * records every signal sent.
 */
export const fakeProcessTable = (
  processes: readonly FakeProcess[],
  obeys: (pid: number, signal: NodeJS.Signals) => boolean = () => true,
) => {
  const running = new Map(processes.map((p) => [p.pid, p]));
  const signals: { readonly pid: number; readonly signal: NodeJS.Signals }[] = [];
  const table: ProcessTable = {
    list: () =>
      Promise.resolve(
        [...running.values()].map((p) => ({
          pid: p.pid,
          name: p.argv[0]?.split('/').at(-1) ?? '',
          cmd: p.argv.join(' '),
        })),
      ),
    startTime: (pid) => Promise.resolve(running.get(pid)?.startTime),
    argv: (pid) => Promise.resolve(running.get(pid)?.argv),
    uptimeMs: () => Promise.resolve(60_000),
  };
  const processInfo: ProcessInfo = { startTime: (pid) => running.get(pid)?.startTime };
  const kill = (pid: number, signal: NodeJS.Signals): void => {
    signals.push({ pid, signal });
    if (obeys(pid, signal)) running.delete(pid);
  };
  return { table, processInfo, kill, signals, isRunning: (pid: number) => running.has(pid) };
};

/** An openvpn command line with the ownership marker of `appId` and an engine. */
export const markedArgv = (appId: string, enginePid: number, engineStart: number): string[] => [
  '/usr/sbin/openvpn',
  '--config',
  `/tmp/rx-openvpn-${appId}/profile.conf`,
  '--setenv',
  'RX_OPENVPN_APP',
  appId,
  '--setenv',
  'RX_OPENVPN_ENGINE',
  `${enginePid}:${engineStart}`,
];
