import { describe, expect, it } from '@jest/globals';
import { stateChanged } from '../../src/engine/management-driver.js';
import { missedStates } from '../../src/engine/missed-states.js';
import { parseStateLine, type StateEntry } from '../../src/management/parsers/index.js';

const entry = (line: string): StateEntry => {
  const parsed = parseStateLine(line);
  if (parsed._tag === 'Left') throw new Error(`bad state line ${line}`);
  return parsed.right;
};

const HISTORY: readonly StateEntry[] = [
  entry('1700000000,CONNECTING,,,,,,'),
  entry('1700000001,WAIT,,,,,,'),
  entry('1700000002,CONNECTED,SUCCESS,10.8.0.2,127.0.0.1,1194,,'),
  entry('1700000010,RECONNECTING,SIGUSR1,,,,,'),
  entry('1700000010,WAIT,,,,,,'),
  entry('1700000012,CONNECTED,SUCCESS,10.8.0.2,127.0.0.1,1194,,'),
];
const seen = (index: number) => stateChanged(HISTORY[index] as StateEntry, 123);
const names = (entries: readonly StateEntry[]): string[] => entries.map((e) => e.name);

describe('missedStates', () => {
  it('reports only the current state when nothing was seen yet', () => {
    expect(names(missedStates(HISTORY, undefined))).toEqual(['CONNECTED']);
  });

  it('reports what came after the last state seen, oldest first', () => {
    expect(names(missedStates(HISTORY, seen(2)))).toEqual(['RECONNECTING', 'WAIT', 'CONNECTED']);
  });

  it('reports nothing when the last state seen is still the current one', () => {
    expect(missedStates(HISTORY, seen(5))).toEqual([]);
  });

  it('falls back to the later-stamped entries when the state seen aged out of the history', () => {
    const aged = { ...seen(2), time: 1700000005, description: 'gone' };
    expect(names(missedStates(HISTORY, aged))).toEqual(['RECONNECTING', 'WAIT', 'CONNECTED']);
  });

  it('reports the current state when nothing in the history is later than the one seen', () => {
    const future = { ...seen(0), time: 1800000000 };
    expect(names(missedStates(HISTORY, future))).toEqual(['CONNECTED']);
  });

  it('reports nothing for an empty history', () => {
    expect(missedStates([], seen(0))).toEqual([]);
  });
});
