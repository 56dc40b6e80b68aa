import { describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { TestScheduler } from 'rxjs/testing';
import { holdReleaseSchedule } from '../../src/engine/hold-release.js';
import { diagram, loadMarbleDoc, row } from '../support/marble-doc.js';

const DOC = loadMarbleDoc(fileURLToPath(new URL('../../marbles/hold-release.md', import.meta.url)));

type Hold = { readonly waitSeconds: number | undefined };

const run = (title: string): void => {
  const d = diagram(DOC, title);
  const scheduler = new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });
  scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
    const values = d.values as Record<string, Hold>;
    const hold$ = hot(row(d, 'hold'), values);
    expectObservable(holdReleaseSchedule(hold$, scheduler)).toBe(row(d, 'release'), values);
    expectSubscriptions(hold$.subscriptions).toBe(row(d, 'holdSubs'));
  });
};

describe('hold release (marbles/hold-release.md)', () => {
  it.each(DOC.map((d) => d.title))('%s', (title) => {
    run(title);
  });

  it('covers every diagram of the document', () => {
    expect(DOC.map((d) => d.title)).toEqual([
      'first hold released at once',
      'restart waits out the back-off',
      'newer hold replaces a pending release',
      'hold without back-off released at once',
    ]);
  });
});
