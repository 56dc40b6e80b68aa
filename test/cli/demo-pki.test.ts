import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoPkiDir, ensureDemoPki } from '../../src/cli/demo-pki.js';
import { isVpnError } from '../../src/core/errors.js';

describe('demoPkiDir', () => {
  it('uses XDG_CACHE_HOME when it is set', () => {
    expect(demoPkiDir({ XDG_CACHE_HOME: '/var/cache/me' }, '/home/me')).toBe(
      '/var/cache/me/rx-openvpn/demo-pki',
    );
  });

  it('falls back to ~/.cache when XDG_CACHE_HOME is unset, empty or relative', () => {
    for (const XDG_CACHE_HOME of [undefined, '', 'cache']) {
      expect(demoPkiDir({ XDG_CACHE_HOME }, '/home/me')).toBe(
        '/home/me/.cache/rx-openvpn/demo-pki',
      );
    }
  });
});

describe('ensureDemoPki without openssl', () => {
  let base = '';

  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'rx-openvpn-test-pki-'));
  });

  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('says how to install openssl and leaves no half-made directory', async () => {
    const dir = join(base, 'rx-openvpn', 'demo-pki');
    const error: unknown = await ensureDemoPki({ dir, opensslPath: '/nonexistent/openssl' }).then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    expect(isVpnError(error, 'OPENSSL_NOT_FOUND')).toBe(true);
    expect((error as Error).message).toContain('apt-get install -y openssl');
    expect(await readdir(join(base, 'rx-openvpn'))).toEqual([]);
  });
});
