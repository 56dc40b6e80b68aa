import { describe, expect, it } from '@jest/globals';
import { TestScheduler } from 'rxjs/testing';
import { createSpawnTurns } from '../../src/process/spawn-turns.js';

const GAP_MS = 8;

const scheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });

describe('spawn turns', () => {
  it('spaces spawns asked for together by the gap, in the order asked', () => {
    const test = scheduler();
    test.run(({ expectObservable }) => {
      const turns = createSpawnTurns(test, GAP_MS);
      expectObservable(turns.turn()).toBe('(a|)', { a: undefined });
      expectObservable(turns.turn()).toBe('8ms (a|)', { a: undefined });
      expectObservable(turns.turn()).toBe('16ms (a|)', { a: undefined });
    });
  });

  it('lets a lone spawn go at once, and one that comes within the gap wait out the rest', () => {
    const test = scheduler();
    test.run(({ expectObservable }) => {
      const turns = createSpawnTurns(test, GAP_MS);
      expectObservable(turns.turn()).toBe('(a|)', { a: undefined });
      expectObservable(turns.turn(), '5ms ^').toBe('8ms (a|)', { a: undefined });
      expectObservable(turns.turn(), '40ms ^').toBe('40ms (a|)', { a: undefined });
    });
  });

  it('gives a turn given up to the next in line', () => {
    const test = scheduler();
    test.run(({ expectObservable }) => {
      const turns = createSpawnTurns(test, GAP_MS);
      expectObservable(turns.turn()).toBe('(a|)', { a: undefined });
      expectObservable(turns.turn(), '^ 3ms !').toBe('-', { a: undefined });
      expectObservable(turns.turn()).toBe('8ms (a|)', { a: undefined });
      expectObservable(turns.turn()).toBe('16ms (a|)', { a: undefined });
    });
  });
});
