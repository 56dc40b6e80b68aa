import type { Observable, SchedulerLike } from 'rxjs';
import {
  EMPTY,
  asyncScheduler,
  catchError,
  concat,
  defer,
  ignoreElements,
  isObservable,
  map,
  merge,
  of,
  scan,
  take,
  takeWhile,
  timer,
} from 'rxjs';
import { VpnError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';

/**
 * Grace after `signal SIGTERM` over the management interface. It must not cut short a tunnel
 * saying goodbye: with `explicit-exit-notify 2` a clean exit takes about 2.5 s.
 */
export const STOP_MANAGEMENT_GRACE_MS = 5_000;
/** Grace after SIGTERM: openvpn still tears the tunnel down and runs its down script. */
export const STOP_SIGTERM_GRACE_MS = 3_000;
/** Grace after SIGKILL: only the kernel's reaping is left; past this, something is stuck. */
export const STOP_SIGKILL_GRACE_MS = 2_000;

/** The ways of asking openvpn to stop, gentlest first. */
export type StopStepName = 'management-signal' | 'sigterm' | 'sigkill';

/** One rung of the ladder: an action, then a grace for the exit to come. */
export interface StopStep {
  readonly step: StopStepName;
  /**
   * Asks for the stop: synchronously (a body without `return`) or as an Observable, whose
   * values are ignored. An error, thrown or emitted, moves to the next step at once.
   */
  readonly act: () => Observable<unknown> | undefined;
  readonly graceMs: number;
}

/** A step's action has run; its grace is running. */
export interface StopStepStarted {
  readonly kind: 'StopStepStarted';
  readonly step: StopStepName;
}

/** The process exited, during the grace of `via`, or before the stop began. */
export interface StopFinished {
  readonly kind: 'StopFinished';
  readonly via: StopStepName | 'already-exited';
  readonly elapsedMs: number;
}

/** Details of STOP_FAILED. */
export interface StopFailedDetails {
  readonly steps: readonly StopStepName[];
  readonly elapsedMs: number;
}

/** Every step's grace passed and the process is still there. */
export interface StopFailed {
  readonly kind: 'StopFailed';
  readonly error: VpnError<'STOP_FAILED', StopFailedDetails>;
}

/** What {@link stopEscalation} reports. */
export type StopProgress = StopStepStarted | StopFinished | StopFailed;

/** Options of {@link stopEscalation}. */
export interface StopEscalationOptions {
  readonly scheduler?: SchedulerLike;
  readonly logger?: Logger;
}

const EXITED = { kind: 'Exited' } as const;
type Signal = StopStepStarted | StopFailed | typeof EXITED;

// Runs the action, then waits out the grace; an action that fails ends the wait at once.
const attempt$ = (step: StopStep, scheduler: SchedulerLike, logger: Logger): Observable<Signal> =>
  concat(
    of<Signal>({ kind: 'StopStepStarted', step: step.step }),
    merge(
      defer(() => {
        const acted = step.act();
        return isObservable(acted) ? acted : EMPTY;
      }).pipe(
        ignoreElements(),
        catchError((error: unknown) => {
          logger.warn('stop step failed; escalating', { step: step.step, error: String(error) });
          return of(step.step);
        }),
      ),
      timer(step.graceMs, scheduler),
    ).pipe(take(1), ignoreElements()),
  );

const stopFailed = (steps: readonly StopStep[], elapsedMs: number): StopFailed => {
  const names = steps.map(({ step }) => step);
  return {
    kind: 'StopFailed',
    error: new VpnError(
      'STOP_FAILED',
      `openvpn did not exit after ${names.join(', ') || 'no stop step'} (${elapsedMs} ms)`,
      { details: { steps: names, elapsedMs } },
    ),
  };
};

/**
 * The stop policy. Runs each step's action in order, racing `exited$` (which must emit once
 * the process has exited, and replay it to late subscribers) against the step's grace: the
 * exit ends the stop with `StopFinished` via the step in progress ('already-exited' when it
 * had happened before); a passed grace moves to the next step; after the last, `StopFailed`.
 * Unsubscribing cancels the pending grace. The usual ladder, with the defaults:
 * management `signal SIGTERM` ({@link STOP_MANAGEMENT_GRACE_MS}), SIGTERM
 * ({@link STOP_SIGTERM_GRACE_MS}), SIGKILL ({@link STOP_SIGKILL_GRACE_MS}).
 */
export function stopEscalation(
  exited$: Observable<unknown>,
  steps: readonly StopStep[],
  options: StopEscalationOptions = {},
): Observable<StopProgress> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const logger = options.logger ?? silentLogger;
  return defer(() => {
    const startedAt = scheduler.now();
    const ladder$ = concat(
      ...steps.map((step) => attempt$(step, scheduler, logger)),
      defer(() => of(stopFailed(steps, scheduler.now() - startedAt))),
    );
    // exit$ first: an exit replayed at subscription wins before any action runs.
    return merge(
      exited$.pipe(
        take(1),
        map(() => EXITED),
      ),
      ladder$,
    ).pipe(
      scan<Signal, StopProgress, undefined>(
        (previous, signal) =>
          signal.kind === 'Exited'
            ? {
                kind: 'StopFinished',
                via: previous?.kind === 'StopStepStarted' ? previous.step : 'already-exited',
                elapsedMs: scheduler.now() - startedAt,
              }
            : signal,
        undefined,
      ),
      takeWhile((progress) => progress.kind === 'StopStepStarted', true),
    );
  });
}
