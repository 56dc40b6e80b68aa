import { readMarker } from '../../src/launcher/ownership-marker.js';
import { createProcessTable, type ProcessTable } from '../../src/process/instances-table.js';
import { stamp } from './clock.js';

/** Told when the engine uses the process table. */
export interface TableObserver {
  /** One listing of every process (procfs on Linux), from call to result. */
  listed(startedAt: bigint, endedAt: bigint): void;
  /** A per-process procfs read (argv, start time) finished. */
  read(endedAt: bigint): void;
}

/**
 * The real process table (procfs on Linux, ps-list elsewhere), timed, with openvpn processes
 * of other application ids hidden: engineers' tests run tunnels beside the benchmark, and the
 * engine would refuse to start next to them (ALIEN_OPENVPN_RUNNING). The listing is still done
 * in full, so its cost is measured as the engine pays it.
 */
export function benchProcessTable(appId: string, observer: TableObserver): ProcessTable {
  const table = createProcessTable();
  const timed =
    <A extends unknown[], R>(read: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const result = await read(...args);
      observer.read(stamp());
      return result;
    };
  return {
    startTime: timed((pid: number) => table.startTime(pid)),
    argv: timed((pid: number) => table.argv(pid)),
    uptimeMs: timed((startTime: number) => table.uptimeMs(startTime)),
    list: async () => {
      const startedAt = stamp();
      const rows = await table.list();
      observer.listed(startedAt, stamp());
      return rows.filter((row) => {
        const marker = readMarker(row.argv ?? row.cmd.split(' '));
        return marker === undefined || marker.appId === appId;
      });
    },
  };
}
