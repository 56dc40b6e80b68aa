import { describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { TestScheduler } from 'rxjs/testing';
import type { EngineEvent } from '../../src/state/engine-event.js';
import { toVpnState$ } from '../../src/state/vpn-state-stream.js';
import { idleState } from '../../src/state/vpn-state.js';
import { diagram, loadMarbleDoc, row, type MarbleDiagram } from '../support/marble-doc.js';

const DOC = fileURLToPath(new URL('../../marbles/reconnect-reasons.md', import.meta.url));

const TITLES = [
  'connecting steps end in connected',
  'ping-restart reconnects as attempt 1 and connected resets the count',
  'tls-error twice is attempt 2',
  'unchanged states are not repeated',
  'a late subscriber gets the latest state',
  'an auth failure fails the session and releases the events',
];

// Rows other than the events, their subscriptions and `<name>-sub` subscription rows are the
// expected states of one subscriber each.
const subscriberRows = (d: MarbleDiagram): string[] =>
  [...d.rows.keys()].filter(
    (name) => name !== 'events' && name !== 'events-subs' && !name.endsWith('-sub'),
  );

describe('marbles/reconnect-reasons.md', () => {
  const diagrams = loadMarbleDoc(DOC);

  it('documents exactly the diagrams this test runs', () => {
    expect(diagrams.map((d) => d.title)).toEqual(TITLES);
  });

  it.each(TITLES)('%s', (title) => {
    const d = diagram(diagrams, title);
    const scheduler = new TestScheduler((actual, expected) => {
      expect(actual).toEqual(expected);
    });
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const events$ = hot<EngineEvent>(row(d, 'events'), d.values as Record<string, EngineEvent>);
      const vpnState$ = toVpnState$(events$, idleState(0));
      for (const name of subscriberRows(d)) {
        expectObservable(vpnState$, d.rows.get(`${name}-sub`)).toBe(row(d, name), d.values);
      }
      expectSubscriptions(events$.subscriptions).toBe(row(d, 'events-subs'));
    });
  });
});
