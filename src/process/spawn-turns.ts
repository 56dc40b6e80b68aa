import { Observable } from 'rxjs';

// Node's child_process.spawn blocks the event loop for a few milliseconds (about 9 ms for
// openvpn here); fifty tunnels started together would spawn in one burst and stall every
// timer for the sum. Spawns therefore take turns, one per event-loop turn.
let lastTurn: Promise<void> = Promise.resolve();

/**
 * Emits once, when it is this spawn's turn: after every earlier one has had its own turn of
 * the event loop. Unsubscribing before then gives the turn up.
 */
export function spawnTurn(): Observable<void> {
  return new Observable<void>((subscriber) => {
    let cancelled = false;
    const turn = lastTurn.then(
      () =>
        new Promise<void>((resolve) => {
          setImmediate(() => {
            if (!cancelled) {
              subscriber.next();
              subscriber.complete();
            }
            resolve();
          });
        }),
    );
    lastTurn = turn;
    return () => {
      cancelled = true;
    };
  });
}
