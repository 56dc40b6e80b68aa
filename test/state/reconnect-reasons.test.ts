import { fileURLToPath } from 'node:url';
import { describeStateMarbles } from '../support/state-marbles.js';

describeStateMarbles(
  'marbles/reconnect-reasons.md',
  fileURLToPath(new URL('../../marbles/reconnect-reasons.md', import.meta.url)),
  [
    'connecting steps end in connected',
    'ping-restart reconnects as attempt 1 and connected resets the count',
    'tls-error twice is attempt 2',
    'unchanged states are not repeated',
    'a late subscriber gets the latest state',
    'an auth failure fails the session and releases the events',
  ],
);
