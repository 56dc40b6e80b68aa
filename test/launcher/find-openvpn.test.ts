import { describe, expect, it } from '@jest/globals';
import type { Either } from 'fp-ts/lib/Either.js';
import type { VpnError } from '../../src/core/errors.js';
import { findOpenvpn } from '../../src/launcher/find-openvpn.js';

const existing =
  (...paths: string[]) =>
  (path: string): boolean =>
    paths.includes(path);

const found = (result: Either<VpnError, string>): string => {
  if (result._tag === 'Left') throw new Error(`expected a path, got ${result.left.message}`);
  return result.right;
};

const missing = (result: Either<VpnError, string>): VpnError => {
  if (result._tag === 'Right') throw new Error(`expected OPENVPN_NOT_FOUND, got ${result.right}`);
  return result.left;
};

describe('findOpenvpn', () => {
  it('takes an explicit path that exists, without searching', () => {
    const result = findOpenvpn({
      path: '/opt/openvpn/sbin/openvpn',
      envPath: '/usr/sbin',
      platform: 'linux',
      exists: existing('/opt/openvpn/sbin/openvpn', '/usr/sbin/openvpn'),
    });
    expect(found(result)).toBe('/opt/openvpn/sbin/openvpn');
  });

  it('does not fall back to a search when the explicit path is missing', () => {
    const error = missing(
      findOpenvpn({
        path: '/opt/openvpn/sbin/openvpn',
        envPath: '/usr/sbin',
        platform: 'linux',
        exists: existing('/usr/sbin/openvpn'),
      }),
    );
    expect(error.code).toBe('OPENVPN_NOT_FOUND');
    expect(error.message).toContain('/opt/openvpn/sbin/openvpn');
    expect(error.details).toEqual({ searched: ['/opt/openvpn/sbin/openvpn'] });
  });

  it('prefers PATH, in order, and skips empty and relative entries', () => {
    const result = findOpenvpn({
      envPath: ':bin:/home/me/bin:/usr/local/bin',
      platform: 'linux',
      exists: existing('bin/openvpn', '/usr/local/bin/openvpn', '/usr/sbin/openvpn'),
    });
    expect(found(result)).toBe('/usr/local/bin/openvpn');
  });

  it('falls back to the well-known locations when PATH has none', () => {
    const result = findOpenvpn({
      envPath: '/usr/bin:/bin',
      platform: 'linux',
      exists: existing('/sbin/openvpn'),
    });
    expect(found(result)).toBe('/sbin/openvpn');
    const mac = findOpenvpn({
      envPath: '/usr/bin',
      platform: 'darwin',
      exists: existing('/opt/homebrew/sbin/openvpn'),
    });
    expect(found(mac)).toBe('/opt/homebrew/sbin/openvpn');
  });

  it('searches Windows PATH with ; and openvpn.exe, then Program Files', () => {
    const onPath = findOpenvpn({
      envPath: 'C:\\Windows\\system32;D:\\Tools\\OpenVPN\\bin',
      platform: 'win32',
      exists: existing('D:\\Tools\\OpenVPN\\bin\\openvpn.exe'),
    });
    expect(found(onPath)).toBe('D:\\Tools\\OpenVPN\\bin\\openvpn.exe');
    const installed = findOpenvpn({
      envPath: 'C:\\Windows\\system32',
      platform: 'win32',
      exists: existing('C:\\Program Files\\OpenVPN\\bin\\openvpn.exe'),
    });
    expect(found(installed)).toBe('C:\\Program Files\\OpenVPN\\bin\\openvpn.exe');
  });

  it('says where it looked and how to install openvpn', () => {
    const error = missing(
      findOpenvpn({ envPath: '/usr/bin', platform: 'linux', exists: existing() }),
    );
    expect(error.code).toBe('OPENVPN_NOT_FOUND');
    expect(error.message).toContain('apt-get install -y openvpn');
    expect(error.details).toEqual({
      searched: [
        '/usr/bin/openvpn',
        '/usr/sbin/openvpn',
        '/usr/local/sbin/openvpn',
        '/sbin/openvpn',
      ],
    });
  });

  it('looks at a directory once even when PATH also names it', () => {
    const looked: string[] = [];
    findOpenvpn({
      envPath: '/usr/sbin:/usr/sbin',
      platform: 'linux',
      exists: (path) => {
        looked.push(path);
        return false;
      },
    });
    expect(looked).toEqual(['/usr/sbin/openvpn', '/usr/local/sbin/openvpn', '/sbin/openvpn']);
  });

  it('says so when PATH is empty on a platform without well-known locations', () => {
    const error = missing(findOpenvpn({ platform: 'aix', exists: existing() }));
    expect(error.message).toContain('PATH is empty');
  });
});
