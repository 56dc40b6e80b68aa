import { describe, expect, it } from '@jest/globals';
import { TestScheduler } from 'rxjs/testing';
import type { EngineEvent } from '../../src/state/engine-event.js';
import { toVpnState$ } from '../../src/state/vpn-state-stream.js';
import { idleState } from '../../src/state/vpn-state.js';
import { diagram, loadMarbleDoc, row, type MarbleDiagram } from './marble-doc.js';

// Rows other than the events, their subscriptions and `<name>-sub` subscription rows are the
// expected states of one subscriber each.
const subscriberRows = (d: MarbleDiagram): string[] =>
  [...d.rows.keys()].filter(
    (name) => name !== 'events' && name !== 'events-subs' && !name.endsWith('-sub'),
  );

/**
 * Runs a marbles/ document of engine events → states through `toVpnState$`: hot `events`,
 * `events-subs`, and one row of expected states per subscriber (`<name>-sub` gives its
 * subscription). `titles` must list the document's diagrams, in order.
 */
export function describeStateMarbles(title: string, path: string, titles: readonly string[]): void {
  describe(title, () => {
    const diagrams = loadMarbleDoc(path);

    it('documents exactly the diagrams this test runs', () => {
      expect(diagrams.map((d) => d.title)).toEqual(titles);
    });

    it.each(titles)('%s', (name) => {
      const d = diagram(diagrams, name);
      const scheduler = new TestScheduler((actual, expected) => {
        expect(actual).toEqual(expected);
      });
      scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
        const events$ = hot<EngineEvent>(row(d, 'events'), d.values as Record<string, EngineEvent>);
        const vpnState$ = toVpnState$(events$, idleState(0));
        for (const subscriber of subscriberRows(d)) {
          expectObservable(vpnState$, d.rows.get(`${subscriber}-sub`)).toBe(
            row(d, subscriber),
            d.values,
          );
        }
        expectSubscriptions(events$.subscriptions).toBe(row(d, 'events-subs'));
      });
    });
  });
}
