import { describe, expect, it } from '@jest/globals';
import {
  FILE_DIRECTIVES,
  OWNED_DIRECTIVES,
  ownedDirectiveRule,
  SCRIPT_DIRECTIVES,
} from '../../src/profile/owned-directives.js';
import { parseOvpn } from '../../src/profile/parse-ovpn.js';
import {
  directiveLines,
  expectError,
  fixture,
  left,
  recordingLogger,
  right,
} from './profile-test-support.js';

const CA = fixture('keys/ca.crt').trimEnd();
const withLines = (...lines: string[]): string =>
  ['dev tun', 'remote 192.0.2.1', ...lines, '<ca>', CA, '</ca>', ''].join('\n');

describe('engine-owned directives in a profile', () => {
  it('drops or rewrites what the engine does itself, with a warning for each', () => {
    const logger = recordingLogger();
    const profile = right(parseOvpn(fixture('exported-by-gui.ovpn'), { logger }));
    expect(directiveLines(profile)).toEqual([
      'client',
      'dev tun',
      'remote 192.0.2.30 1194 udp',
      'auth-user-pass',
      'remote-cert-tls server',
    ]);
    expect(
      logger.records.map((r) => [r.level, r.fields?.['directive'], r.fields?.['action']]),
    ).toEqual([
      ['warn', 'management', 'drop'],
      ['warn', 'management-query-passwords', 'drop'],
      ['warn', 'management-hold', 'drop'],
      ['warn', 'daemon', 'drop'],
      ['warn', 'log', 'drop'],
      ['warn', 'status', 'drop'],
      ['warn', 'writepid', 'drop'],
      ['warn', 'machine-readable-output', 'drop'],
      ['warn', 'auth-user-pass', 'ask'],
      ['warn', 'askpass', 'drop'],
    ]);
  });

  it('keeps a bare auth-user-pass without a warning: it already means "ask"', () => {
    const logger = recordingLogger();
    expect(directiveLines(right(parseOvpn(withLines('auth-user-pass'), { logger })))).toContain(
      'auth-user-pass',
    );
    expect(logger.records).toEqual([]);
  });

  it.each(OWNED_DIRECTIVES.filter((rule) => rule.action !== 'ask'))(
    '$directive: $action',
    ({ directive, action }) => {
      const name = directive.replace('*', 'future-option');
      const result = parseOvpn(withLines(`${name} some-argument`));
      if (action === 'drop') {
        expect(directiveLines(right(result))).not.toContain(`${name} some-argument`);
      } else {
        expectError(left(result), 'PROFILE_INVALID', {
          line: 3,
          directive: name,
          reason: 'owned-directive',
        });
      }
    },
  );

  it('says why an owned directive is refused and what to do', () => {
    expect(left(parseOvpn(withLines('config other.ovpn'))).message).toBe(
      "Profile, line 3, 'config': 'config' cannot be used: a profile must be self-contained; " +
        'paste the included file into the profile. Delete the line.',
    );
  });

  it('finds exact rules before prefix rules', () => {
    expect(ownedDirectiveRule('management-hold')?.action).toBe('drop');
    expect(ownedDirectiveRule('management-external-key')?.action).toBe('refuse');
    expect(ownedDirectiveRule('management-anything-new')?.directive).toBe('management-*');
    expect(ownedDirectiveRule('remote')).toBeUndefined();
  });
});

describe('script and plugin hooks', () => {
  it.each(SCRIPT_DIRECTIVES)('refuses %s unless scripts are allowed', (name) => {
    expectError(left(parseOvpn(withLines(`${name} /usr/local/bin/hook`))), 'PROFILE_INVALID', {
      line: 3,
      directive: name,
      reason: 'script-refused',
    });
  });

  it('keeps the hooks of a trusted profile when allowScripts is set', () => {
    const profile = right(parseOvpn(fixture('scripts.ovpn'), { allowScripts: true }));
    expect(directiveLines(profile)).toEqual(
      expect.arrayContaining([
        'script-security 2',
        'up /etc/openvpn/update-resolv-conf',
        'down /etc/openvpn/update-resolv-conf',
      ]),
    );
  });

  it('tells the user how to allow a trusted profile', () => {
    expect(left(parseOvpn(fixture('scripts.ovpn'))).message).toContain('allowScripts: true');
  });

  it('refuses hooks inside a <connection> block too', () => {
    const text = ['dev tun', '<connection>', 'remote a', 'up /bin/sh', '</connection>'].join('\n');
    expectError(left(parseOvpn(text)), 'PROFILE_INVALID', { directive: 'up' });
  });
});

describe('file references', () => {
  it.each(FILE_DIRECTIVES.filter((name) => name !== 'dh'))('refuses %s with a file', (name) => {
    expectError(left(parseOvpn(withLines(`${name} /etc/openvpn/file`))), 'PROFILE_INVALID', {
      line: 3,
      directive: name,
      reason: 'file-reference',
    });
  });

  it('refuses a classic config naming its key files, at the first one', () => {
    const error = left(parseOvpn(fixture('file-references.ovpn')));
    expectError(error, 'PROFILE_INVALID', { line: 13, directive: 'ca', reason: 'file-reference' });
    expect(error.message).toContain('between <ca> and </ca>');
  });

  it('suggests key-direction when a tls-auth file had a direction', () => {
    expect(left(parseOvpn(withLines('tls-auth ta.key 1'))).message).toContain(
      "add 'key-direction 1'",
    );
  });

  it("accepts 'dh none', which names no file", () => {
    expect(directiveLines(right(parseOvpn(withLines('dh none'))))).toContain('dh none');
  });

  it('refuses dh with a file', () => {
    expectError(left(parseOvpn(withLines('dh dh2048.pem'))), 'PROFILE_INVALID', {
      reason: 'file-reference',
    });
  });

  it.each(['auto', 'auto-nct', 'stdin'])('accepts http-proxy with %s credentials', (keyword) => {
    const line = `http-proxy 203.0.113.5 3128 ${keyword}`;
    expect(directiveLines(right(parseOvpn(withLines(line))))).toContain(line);
  });

  it('refuses http-proxy with a credentials file', () => {
    expectError(
      left(parseOvpn(withLines('http-proxy 203.0.113.5 3128 /root/proxy.txt basic'))),
      'PROFILE_INVALID',
      { directive: 'http-proxy', reason: 'file-reference' },
    );
  });

  it('accepts peer-fingerprint and verify-hash values, which are not files', () => {
    const fingerprint = 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01';
    const profile = right(
      parseOvpn(withLines(`peer-fingerprint ${fingerprint}`, `verify-hash ${fingerprint}`)),
    );
    expect(directiveLines(profile)).toContain(`peer-fingerprint ${fingerprint}`);
  });
});

// openvpn 2.6.14 applies `setenv opt <directive>` as <directive> (`setenv opt up /bin/true`
// sets the up script), so the rules look through it.
describe('setenv opt', () => {
  it('keeps a wrapped directive that passes the rules, still wrapped', () => {
    const profile = right(parseOvpn(withLines('setenv opt block-outside-dns')));
    expect(directiveLines(profile)).toContain('setenv opt block-outside-dns');
  });

  it.each([
    ['setenv opt up /bin/true', 'up', 'script-refused'],
    ['setenv opt setenv opt down /bin/true', 'down', 'script-refused'],
    ['setenv opt config other.ovpn', 'config', 'owned-directive'],
    ['setenv opt ca ca.crt', 'ca', 'file-reference'],
    ['setenv opt connection', 'connection', 'invalid-connection-block'],
    ['setenv opt', 'setenv', 'invalid-argument'],
  ])('refuses %j', (line, directive, reason) => {
    expectError(left(parseOvpn(withLines(line))), 'PROFILE_INVALID', {
      line: 3,
      directive,
      reason,
    });
  });

  it('drops a wrapped engine-owned directive and rewrites a wrapped credentials file', () => {
    const logger = recordingLogger();
    const profile = right(
      parseOvpn(withLines('setenv opt log /tmp/x.log', 'setenv opt auth-user-pass creds.txt'), {
        logger,
      }),
    );
    expect(directiveLines(profile).filter((line) => line.startsWith('setenv'))).toEqual([
      'setenv opt auth-user-pass',
    ]);
    expect(logger.records.map((r) => r.fields?.['directive'])).toEqual(['log', 'auth-user-pass']);
  });

  it('keeps an ordinary setenv untouched', () => {
    expect(directiveLines(right(parseOvpn(withLines('setenv up /bin/true'))))).toContain(
      'setenv up /bin/true',
    );
  });
});
