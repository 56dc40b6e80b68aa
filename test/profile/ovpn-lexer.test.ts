import { describe, expect, it } from '@jest/globals';
import { lexLine } from '../../src/profile/ovpn-lexer.js';

// Every row was fed to openvpn 2.6.14 (`remote <tokens>` in a config at verb 4) and its
// "Current Parameter Settings" compared, so the table records OpenVPN's behaviour, quirks included.
describe('lexLine splits a config line the way OpenVPN does', () => {
  it.each([
    ['remote vpn.example.org 1194 udp', ['remote', 'vpn.example.org', '1194', 'udp']],
    ['  remote\tvpn.example.org\t1195  ', ['remote', 'vpn.example.org', '1195']],
    ['remote\vvt\f1196', ['remote', 'vt', '1196']],
    ['remote crlf 1194\r', ['remote', 'crlf', '1194']],
    ['remote "a b\\"c" 1194', ['remote', 'a b"c', '1194']],
    ["remote 's\\q' 1197", ['remote', 's\\q', '1197']],
    ['remote \\ x\\ y 1195', ['remote', 'x y', '1195']],
    ['remote p#q 1196;x', ['remote', 'p#q', '1196;x']],
    ['remote a"b 1194', ['remote', 'a"b', '1194']],
    ['remote "a"b udp', ['remote', 'a', 'b', 'udp']],
    ['remote "" 1194', ['remote', '', '1194']],
    ['remote host # a comment', ['remote', 'host']],
    ['remote host ;another comment', ['remote', 'host']],
    ['remote "with #hash" 1', ['remote', 'with #hash', '1']],
    ['\\#remote x', []],
    ['# whole-line comment', []],
    ['; whole-line comment', []],
    ['', []],
    ['   ', []],
    ['remote nb\u00a0sp 1197', ['remote', 'nb\u00a0sp', '1197']],
    ['remote "c:\\\\dir\\\\file" 2', ['remote', 'c:\\dir\\file', '2']],
    ['remote \\"quoted\\" 3', ['remote', '"quoted"', '3']],
    ['remote \'single "double" inside\' 4', ['remote', 'single "double" inside', '4']],
    ["remote 'it''s' 5", ['remote', 'it', 's', '5']],
    ['remote ünïcödé 1194', ['remote', 'ünïcödé', '1194']],
  ])('%j → %j', (line, tokens) => {
    expect(lexLine(line)).toEqual({ kind: 'Tokens', tokens });
  });

  it.each([
    ['remote "abc\\x"', 'bad-backslash'],
    ['remote abc\\x', 'bad-backslash'],
    ["remote \\'abc", 'bad-backslash'],
    // openvpn keeps the line feed in the token, or fails on the last line: refused either way.
    ['remote abc\\', 'bad-backslash'],
    ['remote "abc', 'unclosed-quote'],
    ["remote 'abc", 'unclosed-quote'],
    ['remote "abc\\"', 'unclosed-quote'],
    [`remote a 1 udp${' x'.repeat(13)}`, 'too-many-parameters'],
  ])('refuses %j (%s), as OpenVPN does', (line, reason) => {
    expect(lexLine(line)).toMatchObject({ kind: 'LexError', reason });
  });

  it('accepts sixteen words, the most OpenVPN keeps from a line', () => {
    const line = ['setenv', ...Array.from({ length: 15 }, (_, i) => `w${i}`)].join(' ');
    expect(lexLine(line)).toMatchObject({ kind: 'Tokens' });
  });

  it("quotes OpenVPN's own message for a lexing error", () => {
    expect(lexLine('remote "abc')).toMatchObject({
      openvpnMessage: 'Options error: No closing quotation (")',
    });
  });
});
