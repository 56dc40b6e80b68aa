import { Observable, asyncScheduler, type SchedulerLike } from 'rxjs';

/**
 * Free event-loop time left after one spawn before the next. Node's child_process.spawn blocks
 * the loop for a few milliseconds (a fork, slower while other openvpn processes start), and the
 * spawned openvpn's first output lands soon after; fifty tunnels started together would fork
 * in one burst and stall every timer for the sum. Measured with 50 tunnels on a 2-core VM:
 * one spawn per loop turn gave an event-loop lag p99 of 18-24 ms during connect-all, 8 ms apart
 * 9-17 ms, for about 50 ms more to connect all fifty. A lone start does not wait.
 */
export const SPAWN_GAP_MS = 8;

/** Hands out turns to spawn, one at a time, each at least `gapMs` after the last one ended. */
export interface SpawnTurns {
  /**
   * Emits once, when it is this spawn's turn, and completes; the spawn runs in that emission.
   * Unsubscribing before then gives the turn up.
   */
  turn(): Observable<void>;
}

/** Turns in request order on `scheduler`'s clock. */
export function createSpawnTurns(
  scheduler: SchedulerLike = asyncScheduler,
  gapMs: number = SPAWN_GAP_MS,
): SpawnTurns {
  const waiting: (() => void)[] = [];
  let lastEndedAt = Number.NEGATIVE_INFINITY;
  let pending = false;

  const grantNext = (): void => {
    if (pending || waiting.length === 0) return;
    pending = true;
    // Always a new task, never inside the caller's: even a lone spawn leaves its caller's
    // synchronous work to finish first.
    const delay = Math.max(0, lastEndedAt + gapMs - scheduler.now());
    scheduler.schedule(() => {
      pending = false;
      const grant = waiting.shift();
      if (grant === undefined) return;
      try {
        grant();
      } finally {
        lastEndedAt = scheduler.now();
        grantNext();
      }
    }, delay);
  };

  return {
    turn: () =>
      new Observable<void>((subscriber) => {
        const grant = (): void => {
          subscriber.next();
          subscriber.complete();
        };
        waiting.push(grant);
        grantNext();
        return () => {
          const at = waiting.indexOf(grant);
          if (at >= 0) waiting.splice(at, 1);
        };
      }),
  };
}

const processTurns = createSpawnTurns();

/** This process's spawn turns, shared by every tunnel it runs. */
export const spawnTurn = (): Observable<void> => processTurns.turn();
