import { readFileSync } from 'node:fs';
import { errnoOf } from './errno.js';

/**
 * What the process table says about a pid. Synchronous on purpose: read in the same tick as
 * the spawn, our child cannot have been reaped yet, so the pid still names it.
 */
export interface ProcessInfo {
  /** The start time of `pid`, or `undefined` when no such process exists. */
  startTime(pid: number): number | undefined;
}

/** 1-based index of `starttime` in `/proc/<pid>/stat` (proc(5)). */
const STAT_START_TIME_FIELD = 22;
/** `state` is field 3, the first after the parenthesised `comm`. */
const STAT_FIRST_FIELD_AFTER_COMM = 3;
const DECIMAL = /^\d+$/;

/** The fields of a `/proc/<pid>/stat` line after `comm`, whose `)` may appear inside it. */
const fieldsAfterComm = (stat: string): readonly string[] | undefined => {
  const commEnd = stat.lastIndexOf(')');
  return commEnd < 0
    ? undefined
    : stat
        .slice(commEnd + 1)
        .trim()
        .split(/\s+/);
};

/**
 * True for a zombie: a process that exited but was not reaped yet keeps its pid and start
 * time, and must count as gone.
 */
export const isZombieStat = (stat: string): boolean => fieldsAfterComm(stat)?.[0] === 'Z';

/**
 * The start time in a `/proc/<pid>/stat` line. `comm` may hold spaces and parentheses, so the
 * fields are counted from the last `)`.
 */
export function parseProcStatStartTime(stat: string): number | undefined {
  const field = fieldsAfterComm(stat)?.[STAT_START_TIME_FIELD - STAT_FIRST_FIELD_AFTER_COMM];
  return field !== undefined && DECIMAL.test(field) ? Number(field) : undefined;
}

// ESRCH: the process vanished while its stat file was being read.
const MISSING: ReadonlySet<string | undefined> = new Set(['ENOENT', 'ESRCH']);

/** {@link ProcessInfo} from Linux procfs. Other platforms need their own adapter. */
export const procfsProcessInfo = (procRoot = '/proc'): ProcessInfo => ({
  startTime: (pid) => {
    try {
      // A zombie keeps its start time here: the spawner reads its own child's start time
      // right after the spawn, and an openvpn that exits at once (an options error) is a
      // zombie until Node reaps it. Discovery counts zombies as gone (instances-table.ts).
      return parseProcStatStartTime(readFileSync(`${procRoot}/${pid}/stat`, 'utf8'));
    } catch (error) {
      if (MISSING.has(errnoOf(error))) return undefined;
      throw error;
    }
  },
});
