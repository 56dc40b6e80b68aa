import { readFile } from 'node:fs/promises';

// USER_HZ: the unit of utime and stime in /proc/<pid>/stat (fixed at 100 on Linux).
const TICKS_PER_SECOND = 100;
const MS_PER_SECOND = 1000;
// proc(5): utime and stime are fields 14 and 15; fields are counted from the one after `(comm)`.
const UTIME_INDEX = 14 - 3;
const STIME_INDEX = 15 - 3;

/** CPU time of a process so far, in ms, from /proc/<pid>/stat (10 ms resolution). */
export async function processCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // `(comm)` may hold spaces and parentheses itself: count the fields from the last `)`.
  const fields = stat
    .slice(stat.lastIndexOf(')') + 1)
    .trim()
    .split(/\s+/);
  const ticks = Number(fields[UTIME_INDEX]) + Number(fields[STIME_INDEX]);
  if (!Number.isFinite(ticks)) throw new Error(`no utime and stime in /proc/${pid}/stat: ${stat}`);
  return (ticks / TICKS_PER_SECOND) * MS_PER_SECOND;
}
