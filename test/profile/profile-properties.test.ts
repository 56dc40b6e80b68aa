import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { lexLine } from '../../src/profile/ovpn-lexer.js';
import { parseOvpn } from '../../src/profile/parse-ovpn.js';
import { REMOTE_PROTOCOLS } from '../../src/profile/profile-model.js';
import type { ProfileOptions } from '../../src/profile/profile-options.js';
import { profileFromOptions } from '../../src/profile/profile-options.js';
import { renderArgument, renderConfig } from '../../src/profile/render-config.js';
import { fixture, revealed } from './profile-test-support.js';

const CA = fixture('keys/ca.crt');

// Pieces that exercise every branch of the reader: tags, quotes, escapes, comments, line endings.
const fragment = fc.constantFrom(
  '<ca>',
  '</ca>',
  '<connection>',
  '</connection>',
  '<key>',
  '<foo>',
  '</',
  '"',
  "'",
  '\\',
  '#',
  ';',
  ' ',
  '\t',
  '\n',
  '\r\n',
  '\r',
  '\uFEFF',
  '\0',
  'remote',
  'dev tun',
  'up /bin/sh',
  '-----BEGIN X-----',
  '-----END X-----',
  '--',
);

const garbage = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc
    .array(fc.oneof(fragment, fc.string({ maxLength: 8 })), { maxLength: 60 })
    .map((parts) => parts.join('')),
);

// Any argument a config line can hold (everything but line breaks and NUL), with the characters
// the lexer treats specially drawn often enough to meet each other.
const argumentChar = fc.oneof(
  fc.constantFrom(' ', '\t', '\v', '\f', '"', "'", '\\', '#', ';', '<', '>', '\u00a0', 'é', '😀'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => !/[\n\r\0]/.test(c)),
);
const argument = fc.string({ unit: argumentChar, maxLength: 16 });

describe('the .ovpn reader, on arbitrary input', () => {
  it('never throws: every input is a profile or a PROFILE_INVALID error', () => {
    fc.assert(
      fc.property(garbage, fc.boolean(), (text, allowScripts) => {
        const result = parseOvpn(text, { allowScripts });
        if (result._tag === 'Left') expect(result.left.code).toBe('PROFILE_INVALID');
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back any rendered argument unchanged', () => {
    fc.assert(
      fc.property(fc.array(argument, { maxLength: 6 }), (args) => {
        expect(lexLine(['setenv', ...args.map(renderArgument)].join(' '))).toEqual({
          kind: 'Tokens',
          tokens: ['setenv', ...args],
        });
      }),
    );
  });
});

const pemLine = fc
  .string({ unit: 'binary', maxLength: 70 })
  .filter((s) => !/[\n\r\0]/.test(s) && !s.trimStart().startsWith('</'));
const pem = (label: string) =>
  fc
    .tuple(fc.array(pemLine, { maxLength: 5 }), fc.constantFrom('\n', '\r\n'))
    .map(([lines, eol]) =>
      [`-----BEGIN ${label}-----`, ...lines, `-----END ${label}-----`, ''].join(eol),
    );

const options: fc.Arbitrary<ProfileOptions> = fc.record(
  {
    remotes: fc.array(
      fc.record(
        {
          host: argument.filter((s) => s !== ''),
          port: fc.integer({ min: 1, max: 65535 }),
          proto: fc.constantFrom(...REMOTE_PROTOCOLS),
        },
        { requiredKeys: ['host'] },
      ),
      { minLength: 1, maxLength: 4 },
    ),
    dev: fc.constantFrom('tun' as const, 'tap' as const),
    ca: fc.constant(CA),
    cert: pem('CERTIFICATE'),
    key: pem('PRIVATE KEY'),
    tlsAuth: fc.record({
      key: pem('OpenVPN Static key V1'),
      direction: fc.constantFrom(0 as const, 1 as const),
    }),
    authUserPass: fc.boolean(),
    authRetry: fc.constantFrom('none' as const, 'nointeract' as const, 'interact' as const),
    staticChallenge: fc.record({ text: argument.filter((s) => s !== ''), echo: fc.boolean() }),
    directives: fc.array(
      fc.record({
        name: fc.constantFrom(
          'setenv',
          'verb',
          'pull-filter',
          'route',
          'dhcp-option',
          'push-peer-info',
        ),
        args: fc.array(argument, { maxLength: 4 }),
      }),
      { maxLength: 5 },
    ),
  },
  { requiredKeys: ['remotes', 'ca'] },
);

describe('render and parse', () => {
  it('round-trip: parsing the rendered config of any valid profile gives it back', () => {
    let checked = 0;
    fc.assert(
      fc.property(options, (generated) => {
        const built = profileFromOptions(generated);
        // A few generated profiles are invalid (e.g. an over-long line); they have nothing to render.
        if (built._tag === 'Left') return;
        checked += 1;
        const reparsed = parseOvpn(renderConfig(built.right));
        expect(reparsed._tag).toBe('Right');
        if (reparsed._tag === 'Right')
          expect(revealed(reparsed.right)).toEqual(revealed(built.right));
      }),
      { numRuns: 500 },
    );
    expect(checked).toBeGreaterThan(400);
  });
});
