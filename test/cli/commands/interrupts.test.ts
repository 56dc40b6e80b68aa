import { describe, expect, it } from '@jest/globals';
import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { captureInterrupts, stopKindsOf } from '../../../src/cli/commands/interrupts.js';

const newScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });

describe('stopKindsOf', () => {
  it('asks for a graceful stop at the first interrupt and a kill at every later one', () => {
    newScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const interrupt$ = hot('  --i---i--i--|');
      const subscription = '    ^-----------!';
      const expected = '        --g---k--k--|';
      expectObservable(stopKindsOf(interrupt$)).toBe(expected, { g: 'graceful', k: 'kill' });
      expectSubscriptions(interrupt$.subscriptions).toBe(subscription);
    });
  });

  it('keeps listening after the kill until its subscriber leaves', () => {
    newScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const interrupt$ = hot('  -i-i-i-i----');
      const unsubscribe = '     ^--------!  ';
      const expected = '        -g-k-k-k----';
      expectObservable(stopKindsOf(interrupt$), unsubscribe).toBe(expected, {
        g: 'graceful',
        k: 'kill',
      });
      expectSubscriptions(interrupt$.subscriptions).toBe(unsubscribe);
    });
  });
});

describe('captureInterrupts', () => {
  it('replays interrupts that came before anyone listened, then passes new ones', () => {
    const signal$ = new Subject<string>();
    const capture = captureInterrupts(signal$);
    signal$.next('SIGINT');
    const seen: unknown[] = [];
    capture.interrupt$.subscribe((value) => seen.push(value));
    capture.interrupt();
    signal$.next('SIGTERM');
    expect(seen).toEqual(['SIGINT', 'prompt', 'SIGTERM']);
  });

  it('stops listening to the signals once released', () => {
    const signal$ = new Subject<string>();
    const capture = captureInterrupts(signal$);
    expect(signal$.observed).toBe(true);
    capture.release();
    expect(signal$.observed).toBe(false);
  });
});
