import { describe, expect, it } from '@jest/globals';
import { lexLine } from '../../src/profile/ovpn-lexer.js';
import { parseOvpn } from '../../src/profile/parse-ovpn.js';
import { renderArgument, renderConfig } from '../../src/profile/render-config.js';
import { fixture, revealed, right } from './profile-test-support.js';

describe('renderArgument', () => {
  it.each([
    ['plain', 'plain'],
    ['AES-256-GCM:AES-128-GCM', 'AES-256-GCM:AES-128-GCM'],
    ['two words', '"two words"'],
    ['', '""'],
    ['#not-a-comment', '"#not-a-comment"'],
    [';not-a-comment', '";not-a-comment"'],
    ['mid#hash', 'mid#hash'],
    ['say "hi"', '"say \\"hi\\""'],
    ['c:\\dir', '"c:\\\\dir"'],
    ["it's", '"it\'s"'],
    ['tab\there', '"tab\there"'],
  ])('writes %j as %j', (arg, written) => {
    expect(renderArgument(arg)).toBe(written);
  });

  it('writes arguments the lexer reads back unchanged', () => {
    const args = ['two words', '', '#x', 'say "hi"', 'c:\\dir', "it's", 'a\u00a0b', '\\ '];
    expect(lexLine(['setenv', ...args.map(renderArgument)].join(' '))).toEqual({
      kind: 'Tokens',
      tokens: ['setenv', ...args],
    });
  });
});

describe('renderConfig', () => {
  const profile = right(parseOvpn(fixture('unified-client.ovpn')));
  const text = renderConfig(profile);

  it('keeps key material inline, between its tags', () => {
    expect(text).toContain(`<key>\n${fixture('keys/client.key')}</key>\n`);
    expect(text).toContain(`<tls-auth>\n${fixture('keys/ta.key')}</tls-auth>\n`);
  });

  it('quotes what needs quoting and nothing else', () => {
    expect(text).toContain(
      'static-challenge "Enter the code from your \\"Authenticator\\" app" 1\n',
    );
    expect(text).toContain('setenv FRIENDLY_NAME "Example VPN"\n');
    expect(text).toContain('remote 192.0.2.10 1194\n');
  });

  it('writes <connection> blocks back as blocks', () => {
    const connections = right(parseOvpn(fixture('connection-blocks.ovpn')));
    expect(renderConfig(connections)).toContain(
      '<connection>\nremote 198.51.100.7 8443 tcp4-client\nhttp-proxy 203.0.113.5 3128 auto\n</connection>\n',
    );
  });

  it.each([
    'unified-client.ovpn',
    'unified-client-crlf-bom.ovpn',
    'connection-blocks.ovpn',
    'pkcs12-client.ovpn',
    'exported-by-gui.ovpn',
  ])('round-trips %s: parsing the rendered config gives the same profile', (name) => {
    const parsed = right(parseOvpn(fixture(name)));
    expect(revealed(right(parseOvpn(renderConfig(parsed))))).toEqual(revealed(parsed));
  });
});
