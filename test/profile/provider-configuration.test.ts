import { describe, expect, it } from '@jest/globals';
import { silentLogger } from '../../src/core/logger.js';
import {
  FILE_DIRECTIVES,
  OWNED_DIRECTIVES,
  SCRIPT_DIRECTIVES,
} from '../../src/profile/owned-directives.js';
import { providerDirectives } from '../../src/profile/provider-configuration.js';
import { expectError, left, recordingLogger, right } from './profile-test-support.js';

type Configuration = Parameters<typeof providerDirectives>[0];

const lines = (configuration: Configuration): string[] =>
  right(providerDirectives(configuration, silentLogger)).map((d) => [d.name, ...d.args].join(' '));

const refusal = (configuration: Configuration) =>
  left(providerDirectives(configuration, silentLogger));

describe('providerDirectives accepts allowed options in their strict form', () => {
  it.each([
    [{ auth: 'SHA512' }, ['auth SHA512']],
    [{ cipher: 'AES-256-GCM' }, ['cipher AES-256-GCM']],
    [
      { 'data-ciphers': 'AES-256-GCM:CHACHA20-POLY1305' },
      ['data-ciphers AES-256-GCM:CHACHA20-POLY1305'],
    ],
    [{ 'data-ciphers-fallback': 'AES-128-CBC' }, ['data-ciphers-fallback AES-128-CBC']],
    [
      { 'tls-cipher': 'TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384:DHE-RSA-AES128-SHA' },
      ['tls-cipher TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384:DHE-RSA-AES128-SHA'],
    ],
    [{ 'tls-version-min': '1.2' }, ['tls-version-min 1.2']],
    [{ 'tls-version-min': '1.2 or-highest' }, ['tls-version-min 1.2 or-highest']],
    [{ keepalive: '10 30' }, ['keepalive 10 30']],
    [{ 'tun-ipv6': true }, ['tun-ipv6']],
    [{ 'tun-ipv6': false }, []],
    [{ cipher: null }, []],
  ])('%j → %j', (configuration, expected) => {
    expect(lines(configuration)).toEqual(expected);
  });

  it('skips harmless options it does not use, with a warning each', () => {
    const logger = recordingLogger();
    const configuration = {
      dev: 'tun',
      nobind: true,
      verb: '3',
      float: '',
      fragment: '1400',
      auth: 'SHA1',
    };
    const directives = right(providerDirectives(configuration, logger));
    expect(directives.map((d) => d.name)).toEqual(['auth']);
    expect(logger.records.map((r) => r.fields?.['option'])).toEqual([
      'dev',
      'nobind',
      'verb',
      'float',
      'fragment',
    ]);
  });
});

describe('providerDirectives refuses the whole file', () => {
  const forbidden = [
    ...SCRIPT_DIRECTIVES,
    ...OWNED_DIRECTIVES.map((rule) => rule.directive.replace('*', 'anything')),
    ...FILE_DIRECTIVES,
    'connection',
  ];

  it.each(forbidden)('for the forbidden option %s, naming it', (option) => {
    const error = refusal({ auth: 'SHA1', [option]: '/tmp/x' });
    expectError(error, 'PROVIDER_INVALID', { reason: 'forbidden-option', option });
    expect(error.message).toContain(`'${option}'`);
  });

  it.each([true, false, 1])('for a forbidden option whatever its value (%j)', (value) => {
    expectError(refusal({ 'script-security': value }), 'PROVIDER_INVALID', {
      option: 'script-security',
    });
  });

  it.each([
    ['a newline', 'AES-256-GCM\nup /bin/sh'],
    ['a carriage return', 'AES-256-GCM\r'],
    ['a semicolon', 'AES-256-GCM;reboot'],
    ['a command substitution', '$(reboot)'],
    ['backticks', '`reboot`'],
    ['a pipe', 'AES|sh'],
    ['an ampersand', 'AES&'],
    ['a double quote', 'AES" up "/bin/sh'],
    ['a single quote', "AES' x"],
    ['a backslash', 'AES\\ x'],
    ['a redirection', 'AES>/etc/passwd'],
    ['a tab', 'AES\t256'],
    ['two spaces', '10  30'],
    ['a leading space', ' AES'],
    ['a trailing space', 'AES '],
    ['a no-break space', 'AES\u00a0256'],
    ['a NUL', 'AES\u0000'],
    ['a hash', 'AES#x'],
  ])('for a value with %s, even under an option it would skip', (_what, value) => {
    expectError(refusal({ cipher: value }), 'PROVIDER_INVALID', {
      reason: 'invalid-option-value',
      option: 'cipher',
    });
    expectError(refusal({ verb: value }), 'PROVIDER_INVALID', {
      reason: 'invalid-option-value',
      option: 'verb',
    });
  });

  it.each([
    ['auth', 'SHA-512-AND-A-VERY-LONG-NAME-THAT-IS-NOT-A-DIGEST-AT-ALL'],
    ['cipher', 'AES-256-GCM:AES-128-CBC'],
    ['cipher', ''],
    ['data-ciphers', 'AES-256-GCM::AES-128-GCM'],
    ['tls-cipher', 'HIGH:!aNULL'],
    ['tls-version-min', '1.4'],
    ['tls-version-min', '1.2 or-lowest'],
    ['keepalive', '10'],
    ['keepalive', '10 30 50'],
    ['keepalive', true],
    ['tun-ipv6', 'true'],
    ['tun-ipv6', 1],
  ])('for %s with the malformed value %j', (option, value) => {
    expectError(refusal({ [option]: value }), 'PROVIDER_INVALID', {
      reason: 'invalid-option-value',
      option,
    });
  });

  it.each(['Cipher', 'cipher\nup', '--up', 'up /bin/sh', ''])(
    'for the key %j, which is no option name',
    (key) => {
      expectError(refusal({ [key]: 'x' }), 'PROVIDER_INVALID', {
        reason: 'forbidden-option',
        option: key,
      });
    },
  );
});
