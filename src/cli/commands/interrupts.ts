import { ReplaySubject, map, type Observable, type Subscription } from 'rxjs';
import type { StopKind } from '../../engine/tunnel.js';

/**
 * The stop policy of Ctrl-C: the first interrupt asks for a graceful stop, every later one
 * for a kill. Listening goes on after the second, so that a third Ctrl-C does not fall back
 * to Node's default and end the CLI before openvpn is gone.
 */
export const stopKindsOf = (interrupt$: Observable<unknown>): Observable<StopKind> =>
  interrupt$.pipe(map((_, index): StopKind => (index === 0 ? 'graceful' : 'kill')));

/** Interrupts of one command, kept from its first line so that none is lost before a tunnel. */
export interface InterruptCapture {
  /** Every interrupt so far, replayed, then the new ones. */
  readonly interrupt$: Observable<unknown>;
  /** An interrupt that did not come as a signal (Ctrl-C typed at a prompt). */
  interrupt(): void;
  /** Stops listening: signals get their default effect again. */
  release(): void;
}

/** Starts listening to `signal$` now; see {@link InterruptCapture}. */
export function captureInterrupts(signal$: Observable<unknown>): InterruptCapture {
  const interrupt$ = new ReplaySubject<unknown>();
  const subscription: Subscription = signal$.subscribe((signal) => {
    interrupt$.next(signal);
  });
  return {
    interrupt$: interrupt$.asObservable(),
    interrupt: () => {
      interrupt$.next('prompt');
    },
    release: () => {
      subscription.unsubscribe();
      interrupt$.complete();
    },
  };
}
