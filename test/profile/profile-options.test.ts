import { describe, expect, it } from '@jest/globals';
import { Secret } from '../../src/core/secret.js';
import { parseOvpn } from '../../src/profile/parse-ovpn.js';
import type { ProfileOptions } from '../../src/profile/profile-options.js';
import { decodeProfileOptions, profileFromOptions } from '../../src/profile/profile-options.js';
import { renderConfig } from '../../src/profile/render-config.js';
import {
  directiveLines,
  expectError,
  fixture,
  left,
  recordingLogger,
  revealed,
  right,
} from './profile-test-support.js';

const CA = fixture('keys/ca.crt');
const CERT = fixture('keys/client.crt');
const KEY = fixture('keys/client.key');
const TA = fixture('keys/ta.key');

const base: ProfileOptions = {
  remotes: [{ host: 'vpn.example.org' }],
  ca: CA,
  cert: CERT,
  key: Secret.of(KEY),
};

describe('profileFromOptions', () => {
  it('builds the same model as the equivalent .ovpn text', () => {
    const built = right(
      profileFromOptions({
        ...base,
        remotes: [
          { host: '192.0.2.10', port: 1194 },
          { host: 'vpn2.example.org', port: 443, proto: 'tcp-client' },
        ],
        tlsAuth: { key: TA, direction: 1 },
        authUserPass: true,
        authRetry: 'interact',
        staticChallenge: { text: 'Enter the code', echo: true },
        dataCiphers: ['AES-256-GCM', 'AES-128-GCM'],
        verifyX509Name: { name: 'server', type: 'name' },
      }),
    );
    const text = [
      'client',
      'dev tun',
      'nobind',
      'persist-key',
      'remote 192.0.2.10 1194',
      'remote vpn2.example.org 443 tcp-client',
      'remote-cert-tls server',
      'verify-x509-name server name',
      'data-ciphers AES-256-GCM:AES-128-GCM',
      'auth-user-pass',
      'auth-retry interact',
      'static-challenge "Enter the code" 1',
      'key-direction 1',
      `<ca>\n${CA}</ca>`,
      `<cert>\n${CERT}</cert>`,
      `<key>\n${KEY}</key>`,
      `<tls-auth>\n${TA}</tls-auth>`,
      '',
    ].join('\n');
    expect(revealed(built)).toEqual(revealed(right(parseOvpn(text))));
    expect(renderConfig(built)).toBe(text);
  });

  it('accepts key material as a plain string and keeps it as a secret', () => {
    const built = right(profileFromOptions({ ...base, key: KEY }));
    const key = built.entries.find((e) => e.kind === 'InlineBlock' && e.tag === 'key');
    expect(key?.kind === 'InlineBlock' && key.content).toBeInstanceOf(Secret);
  });

  it('normalizes CRLF key material to the canonical form', () => {
    const built = right(profileFromOptions({ ...base, ca: CA.replace(/\n/g, '\r\n') }));
    expect(renderConfig(built)).toContain(`<ca>\n${CA}</ca>\n`);
  });

  it('puts a remote port in when only a protocol is given', () => {
    const built = right(profileFromOptions({ ...base, remotes: [{ host: 'h', proto: 'udp6' }] }));
    expect(directiveLines(built)).toContain('remote h 1194 udp6');
  });

  it('can leave out remote-cert-tls and build a tap profile', () => {
    const lines = directiveLines(
      right(profileFromOptions({ ...base, remoteCertTls: false, dev: 'tap' })),
    );
    expect(lines).toContain('dev tap');
    expect(lines).not.toContain('remote-cert-tls server');
  });

  it('applies the .ovpn rules to extra directives', () => {
    const logger = recordingLogger();
    const built = right(
      profileFromOptions(
        {
          ...base,
          directives: [
            { name: 'verb', args: ['4'] },
            { name: 'log', args: ['/tmp/x'] },
          ],
        },
        { logger },
      ),
    );
    expect(directiveLines(built)).toContain('verb 4');
    expect(directiveLines(built)).not.toContain('log /tmp/x');
    expect(logger.records.map((r) => r.fields?.['directive'])).toEqual(['log']);
    const hook = profileFromOptions({ ...base, directives: [{ name: 'up', args: ['/bin/sh'] }] });
    expectError(left(hook), 'PROFILE_INVALID', { directive: 'up', reason: 'script-refused' });
  });

  it.each([
    [
      'a line break in an argument',
      { directives: [{ name: 'setenv', args: ['A', 'x\nup /bin/sh'] }] },
      'invalid-argument',
    ],
    ['an empty host', { remotes: [{ host: '' }] }, 'invalid-argument'],
    ['no remote', { remotes: [] }, 'missing-directive'],
    [
      'a key block that would close early',
      { key: `${KEY}</key>\nup /bin/sh\n` },
      'invalid-block-content',
    ],
    ['a certificate that is not PEM', { cert: 'not a certificate' }, 'invalid-block-content'],
    [
      'an over-long line',
      { directives: [{ name: 'setenv', args: ['A', 'x'.repeat(260)] }] },
      'line-too-long',
    ],
  ])('refuses %s', (_what, override, reason) => {
    expectError(left(profileFromOptions({ ...base, ...override })), 'PROFILE_INVALID', { reason });
  });
});

describe('decodeProfileOptions', () => {
  it('lists every malformed field, without printing string values', () => {
    const error = left(
      decodeProfileOptions({
        remotes: [{ host: 'h', port: 70000, proto: 'sctp' }],
        key: 42,
        authRetry: 'sometimes',
        staticChallenge: { text: 'hunter2-password', echo: 'yes' },
      }),
    );
    expectError(error, 'PROFILE_INVALID', { reason: 'invalid-options' });
    expect(error.message).toContain('remotes.0.port: expected a port number 1-65535, got 70000');
    expect(error.message).toContain('remotes.0.proto: expected a client protocol');
    expect(error.message).toContain('key: expected');
    expect(error.message).toContain('authRetry: expected');
    expect(error.message).toContain(
      'staticChallenge.echo: expected boolean, got a string of 3 characters',
    );
    expect(error.message).not.toContain('sometimes');
  });

  it('refuses something that is not an object', () => {
    expectError(left(decodeProfileOptions('remote x')), 'PROFILE_INVALID', {
      reason: 'invalid-options',
    });
  });

  it('accepts JSON-shaped input, secrets as strings', () => {
    const input: unknown = JSON.parse(
      JSON.stringify({ remotes: [{ host: 'h' }], ca: CA, key: KEY }),
    );
    expect(right(decodeProfileOptions(input)).key).toBe(KEY);
  });
});
