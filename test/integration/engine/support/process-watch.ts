import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProcessIdentity } from '../../../../src/launcher/ownership-marker.js';
import { parseProcStatStartTime } from '../../../../src/process/process-info.js';

const POLL_INTERVAL_MS = 50;

// The state letter is the first field after `(comm)`; comm may hold parentheses itself.
const stateOf = (stat: string): string | undefined =>
  stat
    .slice(stat.lastIndexOf(')') + 1)
    .trim()
    .split(/\s+/)[0];

const readStat = (pid: number): string | undefined => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    // No such entry: the process is gone and reaped.
    return undefined;
  }
};

/** The identity of a running process, or undefined when `pid` is not running. */
export function identityOf(pid: number): ProcessIdentity | undefined {
  const stat = readStat(pid);
  const startTime = stat === undefined ? undefined : parseProcStatStartTime(stat);
  return startTime === undefined || stateOf(stat ?? '') === 'Z' ? undefined : { pid, startTime };
}

/** True while the process has exited but its parent has not reaped it yet. */
export function isZombie(target: ProcessIdentity): boolean {
  const stat = readStat(target.pid);
  return (
    stat !== undefined && parseProcStatStartTime(stat) === target.startTime && stateOf(stat) === 'Z'
  );
}

/**
 * True once the process has exited: its pid is gone, names a newer process, or is a zombie
 * (exited, waiting for whoever reaps orphans).
 */
export function hasExited(target: ProcessIdentity): boolean {
  return identityOf(target.pid)?.startTime !== target.startTime;
}

/** Resolves true once `target` has exited, false when it still runs after `timeoutMs`. */
export async function exitsWithin(target: ProcessIdentity, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!hasExited(target)) {
    if (Date.now() > deadline) return false;
    await sleep(POLL_INTERVAL_MS);
  }
  return true;
}
