import { errnoOf } from './errno.js';
import type { ProcessInfo } from './process-info.js';

/**
 * What became of a signal: `sent`; `gone` (no such process); `reused` (the pid now names
 * another process, which was left alone); `denied` (the process belongs to someone else).
 */
export type SignalResult = 'sent' | 'gone' | 'reused' | 'denied';

/** Dependencies of {@link signalProcess}. */
export interface SignalDeps {
  readonly processInfo: ProcessInfo;
  /** Defaults to `process.kill`. */
  readonly kill?: (pid: number, signal: NodeJS.Signals) => void;
}

const defaultKill = (pid: number, signal: NodeJS.Signals): void => {
  process.kill(pid, signal);
};

/**
 * Sends `signal` to the process named by `pid` and `startTime`, after checking that the pid
 * still has that start time. A window remains between check and kill (Node has no pidfd),
 * but a pid is not reused within microseconds on a system that is not out of pids.
 */
export function signalProcess(
  pid: number,
  startTime: number,
  signal: NodeJS.Signals,
  deps: SignalDeps,
): SignalResult {
  const current = deps.processInfo.startTime(pid);
  if (current === undefined) return 'gone';
  if (current !== startTime) return 'reused';
  try {
    (deps.kill ?? defaultKill)(pid, signal);
    return 'sent';
  } catch (error) {
    const errno = errnoOf(error);
    if (errno === 'ESRCH') return 'gone';
    if (errno === 'EPERM') return 'denied';
    throw error;
  }
}
