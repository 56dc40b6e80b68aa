import { describe, expect, it } from '@jest/globals';
import { Secret } from '../../src/core/secret.js';
import { parseOvpn } from '../../src/profile/parse-ovpn.js';
import type { InlineBlock, Profile } from '../../src/profile/profile-model.js';
import {
  directiveLines,
  expectError,
  fixture,
  left,
  revealed,
  right,
} from './profile-test-support.js';

const CA = fixture('keys/ca.crt');
const CERT = fixture('keys/client.crt');
const KEY = fixture('keys/client.key');

/** A minimal valid profile around `lines`, so each test states only what it is about. */
const minimal = (...lines: string[]): string =>
  ['dev tun', 'remote 192.0.2.1', ...lines, '<ca>', CA.trimEnd(), '</ca>', ''].join('\n');

const block = (profile: Profile, tag: string): InlineBlock | undefined =>
  profile.entries.find((e): e is InlineBlock => e.kind === 'InlineBlock' && e.tag === tag);

describe('parseOvpn reads a unified client profile', () => {
  const profile = right(parseOvpn(fixture('unified-client.ovpn')));

  it('keeps the directives in file order, with comments and quoting resolved', () => {
    expect(directiveLines(profile)).toEqual([
      'client',
      'dev tun',
      'proto udp',
      'remote 192.0.2.10 1194',
      'remote vpn2.example.org 443 tcp-client',
      'remote-random',
      'resolv-retry infinite',
      'nobind',
      'persist-key',
      'persist-tun',
      'remote-cert-tls server',
      'verify-x509-name server name',
      'data-ciphers AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305',
      'auth-user-pass',
      'auth-retry interact',
      'static-challenge Enter the code from your "Authenticator" app 1',
      'setenv FRIENDLY_NAME Example VPN',
      'key-direction 1',
      'verb 3',
    ]);
  });

  it('keeps inline blocks verbatim, certificates as text and keys as secrets', () => {
    expect(block(profile, 'ca')?.content).toBe(CA);
    expect(block(profile, 'cert')?.content).toBe(CERT);
    const key = block(profile, 'key')?.content;
    expect(key).toBeInstanceOf(Secret);
    expect((key as Secret).reveal()).toBe(KEY);
    expect(block(profile, 'tls-auth')?.content).toBeInstanceOf(Secret);
  });

  it('never prints key material when the profile is logged', () => {
    expect(JSON.stringify(profile)).not.toContain('PRIVATE KEY');
    expect(JSON.stringify(profile)).toContain('BEGIN CERTIFICATE');
  });

  it('reads the same profile from a file with a byte order mark and CRLF line endings', () => {
    const crlf = right(parseOvpn(fixture('unified-client-crlf-bom.ovpn')));
    expect(revealed(crlf)).toEqual(revealed(profile));
  });
});

describe('parseOvpn reads blocks as OpenVPN does', () => {
  it('accepts indented tags, a comment after the opening tag and text after the closing tag', () => {
    const text = minimal(
      '  <cert>   # the client certificate',
      CERT.trimEnd(),
      '   </cert> trailing',
    );
    expect(block(right(parseOvpn(text)), 'cert')?.content).toBe(CERT);
  });

  it('accepts a quoted opening tag', () => {
    expect(
      block(right(parseOvpn(minimal('"<cert>"', CERT.trimEnd(), '</cert>'))), 'cert'),
    ).toBeDefined();
  });

  it('reads a base64 <pkcs12> block', () => {
    const profile = right(parseOvpn(fixture('pkcs12-client.ovpn')));
    expect((block(profile, 'pkcs12')?.content as Secret).reveal()).toBe(
      fixture('keys/client.p12.b64'),
    );
  });

  it('keeps an <auth-user-pass> block as a secret', () => {
    const profile = right(
      parseOvpn(minimal('<auth-user-pass>', 'alice', 's3cret', '</auth-user-pass>')),
    );
    expect((block(profile, 'auth-user-pass')?.content as Secret).reveal()).toBe('alice\ns3cret\n');
  });

  it('reads <connection> blocks as groups of directives', () => {
    const profile = right(parseOvpn(fixture('connection-blocks.ovpn')));
    const connections = profile.entries.filter((e) => e.kind === 'ConnectionBlock');
    expect(connections).toEqual([
      {
        kind: 'ConnectionBlock',
        directives: [{ kind: 'Directive', name: 'remote', args: ['192.0.2.20'] }],
      },
      {
        kind: 'ConnectionBlock',
        directives: [
          { kind: 'Directive', name: 'remote', args: ['192.0.2.20', '443'] },
          { kind: 'Directive', name: 'connect-timeout', args: ['10'] },
        ],
      },
      {
        kind: 'ConnectionBlock',
        directives: [
          { kind: 'Directive', name: 'remote', args: ['198.51.100.7', '8443', 'tcp4-client'] },
          { kind: 'Directive', name: 'http-proxy', args: ['203.0.113.5', '3128', 'auto'] },
        ],
      },
    ]);
  });

  it('strips a leading -- from a directive, as OpenVPN does in config files', () => {
    expect(directiveLines(right(parseOvpn(minimal('--persist-key'))))).toContain('persist-key');
  });
});

describe('parseOvpn refuses what OpenVPN would refuse, naming the line', () => {
  it.each([
    ['an unclosed quote', minimal('setenv A "open'), 3, 'unclosed-quote'],
    ['a bad backslash', minimal('setenv A c:\\dir'), 3, 'bad-backslash'],
    ['a line over 254 bytes', minimal(`setenv A ${'x'.repeat(250)}`), 3, 'line-too-long'],
    [
      'an unterminated block',
      ['dev tun', 'remote a', '<ca>', CA].join('\n'),
      3,
      'unterminated-block',
    ],
    ['an unknown block', minimal('<foo>', 'bar', '</foo>'), 3, 'unsupported-block'],
    [
      'a server-only block',
      minimal('<auth-gen-token-secret>', 'x', '</auth-gen-token-secret>'),
      3,
      'unsupported-block',
    ],
    ['a stray closing tag', minimal('</cert>'), 3, 'unexpected-closing-tag'],
    ['an empty block', minimal('<cert>', '</cert>'), 3, 'invalid-block-content'],
    [
      'a certificate block without PEM',
      minimal('<cert>', 'hello', '</cert>'),
      3,
      'invalid-block-content',
    ],
    [
      'a <pkcs12> block that is not base64',
      minimal('<pkcs12>', '%%%', '</pkcs12>'),
      3,
      'invalid-block-content',
    ],
    [
      'a directive name with capitals',
      minimal('Remote-Cert-TLS server'),
      3,
      'invalid-directive-name',
    ],
    ['a port that is not a number', minimal('remote 192.0.2.2 https'), 3, 'invalid-argument'],
    ['a server protocol', minimal('remote 192.0.2.2 443 tcp-server'), 3, 'invalid-argument'],
    ['an unknown auth-retry', minimal('auth-retry always'), 3, 'invalid-argument'],
    [
      'a static-challenge without echo flag',
      minimal('static-challenge "PIN?"'),
      3,
      'invalid-argument',
    ],
  ])('%s', (_what, text, line, reason) => {
    expectError(left(parseOvpn(text)), 'PROFILE_INVALID', { line, reason });
  });

  it('refuses a second block of the same kind, at the second one', () => {
    const caLines = CA.trimEnd().split('\n').length;
    expectError(left(parseOvpn(minimal('<ca>', CA.trimEnd(), '</ca>'))), 'PROFILE_INVALID', {
      line: 5 + caLines,
      directive: 'ca',
      reason: 'duplicate-block',
    });
  });

  it("quotes OpenVPN's message for a block that is never closed", () => {
    expectError(
      left(parseOvpn(['dev tun', 'remote a', '<ca>', CA].join('\n'))),
      'PROFILE_INVALID',
      {
        openvpnMessage: 'ERROR: Endtag </ca> missing',
      },
    );
  });

  it('refuses a <connection> block with a directive OpenVPN does not allow there', () => {
    const text = ['dev tun', '<connection>', 'remote a', 'verb 5', '</connection>'].join('\n');
    expectError(left(parseOvpn(text)), 'PROFILE_INVALID', {
      line: 4,
      directive: 'verb',
      reason: 'invalid-connection-block',
      openvpnMessage:
        "Options error: option 'verb' cannot be used in this context ([CONNECTION-OPTIONS])",
    });
  });

  it.each([
    ['no remote', ['dev tun', '<connection>', 'port 5', '</connection>']],
    ['two remotes', ['dev tun', '<connection>', 'remote a', 'remote b', '</connection>']],
  ])('refuses a <connection> block with %s', (_what, lines) => {
    expectError(left(parseOvpn(lines.join('\n'))), 'PROFILE_INVALID', {
      reason: 'invalid-connection-block',
      openvpnMessage:
        "Options error: Each 'connection' block must contain exactly one 'remote' directive",
    });
  });

  it('refuses an inline block inside a <connection> block', () => {
    const text = [
      'dev tun',
      '<connection>',
      'remote a',
      '<tls-auth>',
      'x',
      '</tls-auth>',
      '</connection>',
    ];
    expectError(left(parseOvpn(text.join('\n'))), 'PROFILE_INVALID', {
      line: 4,
      reason: 'invalid-connection-block',
    });
  });

  it('refuses a top-level remote next to <connection> blocks, which OpenVPN would ignore', () => {
    const text = ['dev tun', 'remote ignored', '<connection>', 'remote a', '</connection>'].join(
      '\n',
    );
    expectError(left(parseOvpn(text)), 'PROFILE_INVALID', {
      line: 2,
      reason: 'remote-outside-connection',
    });
  });

  it.each([
    ['remote', 'dev tun\n'],
    ['dev', 'remote 192.0.2.1\n'],
  ])('refuses a profile without %s', (directive, text) => {
    expectError(left(parseOvpn(text)), 'PROFILE_INVALID', {
      directive,
      reason: 'missing-directive',
    });
  });

  it('says what to do in the message', () => {
    const error = left(parseOvpn(minimal('setenv A "open')));
    expect(error.message).toBe(
      'Profile, line 3: the quoted argument has no closing " on the same line. ' +
        'Fix the quoting; see "Command Parsing" in the OpenVPN management notes.',
    );
  });

  it('returns an error instead of throwing on binary garbage', () => {
    expect(parseOvpn('\0\u0001\uFFFF<\n>\n"\\')._tag).toBe('Left');
  });
});
