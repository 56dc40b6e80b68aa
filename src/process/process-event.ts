import type { VpnError } from '../core/errors.js';

/** The process runs. `startTime` (with `pid`) names it, so a reused pid is never taken for it. */
export interface ProcessSpawned {
  readonly kind: 'ProcessSpawned';
  readonly pid: number;
  /** Linux: field 22 of `/proc/<pid>/stat`, clock ticks since boot. */
  readonly startTime: number;
}

/** One line of stdout, without its line ending, clipped to a bounded length. */
export interface StdoutLine {
  readonly kind: 'StdoutLine';
  readonly line: string;
}

/** One line of stderr, without its line ending, clipped to a bounded length. */
export interface StderrLine {
  readonly kind: 'StderrLine';
  readonly line: string;
}

/** The process ended: by itself (`code`) or by a signal (`signal`). Always the last event. */
export interface ProcessExited {
  readonly kind: 'ProcessExited';
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** The process never ran (or could not be identified and was stopped). The only event then. */
export interface SpawnFailed {
  readonly kind: 'SpawnFailed';
  readonly error: VpnError<'OPENVPN_NOT_FOUND' | 'PERMISSION_DENIED' | 'SPAWN_FAILED'>;
}

/** Everything `spawnProcess` reports about one process, in order. */
export type ProcessEvent = ProcessSpawned | StdoutLine | StderrLine | ProcessExited | SpawnFailed;
