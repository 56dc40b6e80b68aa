import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { parseVersion } from '../../../src/management/parsers/index.js';
import { replyLines } from './output-fixture.js';

const MANAGEMENT_5 = 'Management Version: 5';
const openvpnLine = (release: string): string =>
  `OpenVPN Version: OpenVPN ${release} x86_64-pc-linux-gnu [SSL (OpenSSL)]`;

describe('parseVersion', () => {
  it('reads the real two-line reply of openvpn 2.6.14', () => {
    expect(parseVersion(replyLines('client-version'))).toEqual(
      E.right({
        openvpn:
          'OpenVPN 2.6.14 x86_64-pc-linux-gnu [SSL (OpenSSL)] [LZO] [LZ4] [EPOLL] [PKCS11] ' +
          '[MH/PKTINFO] [AEAD] [DCO]',
        semver: { major: 2, minor: 6, patch: 14 },
        management: 5,
        otherLines: [],
      }),
    );
  });

  it('reads the lines in any order and keeps lines it does not know', () => {
    expect(parseVersion([MANAGEMENT_5, 'Build: 2026-12-03', openvpnLine('2.6.14')])).toEqual(
      E.right(expect.objectContaining({ management: 5, otherLines: ['Build: 2026-12-03'] })),
    );
  });

  it('reads a pre-release as patch 0', () => {
    expect(parseVersion([openvpnLine('2.7_beta1'), MANAGEMENT_5])).toEqual(
      E.right(expect.objectContaining({ semver: { major: 2, minor: 7, patch: 0 } })),
    );
  });

  it('leaves semver out when the text carries no release number', () => {
    const result = parseVersion(['OpenVPN Version: OpenVPN git master', MANAGEMENT_5]);

    expect(result).toEqual(E.right(expect.objectContaining({ openvpn: 'OpenVPN git master' })));
    expect(E.isRight(result) && 'semver' in result.right).toBe(false);
  });

  it.each([
    [[], 'no "OpenVPN Version: " line'],
    [[MANAGEMENT_5], 'no "OpenVPN Version: " line'],
    [[openvpnLine('2.6.14')], 'no "Management Version: " line'],
  ])('fails when a line is missing: %j', (lines, reason) => {
    expect(parseVersion(lines)).toEqual(
      E.left({ kind: 'parse-failure', parser: 'version', reason }),
    );
  });

  it.each(['five', '0', '-1', '99999999999'])('fails on management version "%s"', (version) => {
    expect(parseVersion([openvpnLine('2.6.14'), `Management Version: ${version}`])).toEqual(
      E.left(expect.objectContaining({ line: 2, reason: expect.stringContaining('management') })),
    );
  });

  it('fails on a repeated line', () => {
    expect(parseVersion([openvpnLine('2.6.14'), MANAGEMENT_5, MANAGEMENT_5])).toEqual(
      E.left(expect.objectContaining({ line: 3, reason: 'repeated line' })),
    );
  });
});
