import { fileURLToPath } from 'node:url';
import { describeStateMarbles } from '../support/state-marbles.js';

describeStateMarbles(
  'marbles/auth-retry.md',
  fileURLToPath(new URL('../../marbles/auth-retry.md', import.meta.url)),
  [
    'auth-retry none fails with AUTH_FAILED',
    'auth-retry interact reconnects and connects on the next answer',
    'auth-retry nointeract counts each refusal as an attempt',
  ],
);
