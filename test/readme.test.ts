import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OWNED_DIRECTIVES } from '../src/profile/owned-directives.js';

const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');

describe('the README', () => {
  it('quotes the owned-directive rules exactly as the code applies them', () => {
    const rows = [
      ...readme.matchAll(/^\|\s*`([^`]+)`\s*\|\s*(drop|ask|refuse)\s*\|\s*(.+?)\s*\|$/gm),
    ].map(([, directive, action, why]) => ({ directive, action, why: why?.replace(/\\\|/g, '|') }));
    expect(rows).toEqual(
      OWNED_DIRECTIVES.map(({ directive, action, why }) => ({ directive, action, why })),
    );
  });

  it('keeps the two first-screen commands: the demo and the test run', () => {
    const firstScreen = readme.split('\n').slice(0, 25).join('\n');
    expect(firstScreen).toContain('npx rx-openvpn demo');
    expect(firstScreen).toContain('bash .ci/run');
  });
});
