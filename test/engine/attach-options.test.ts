import { describe, expect, it } from '@jest/globals';
import { Secret } from '../../src/core/secret.js';
import { checkAttachEndpoint } from '../../src/engine/attach-options.js';

const PASSWORD = Secret.of('s3cret');

describe('checkAttachEndpoint', () => {
  it.each(['127.0.0.1', '127.12.0.9', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])(
    'accepts TCP on the loopback address %s with a password',
    (host) => {
      expect(checkAttachEndpoint({ kind: 'tcp', host, port: 7505 }, PASSWORD)).toBeUndefined();
    },
  );

  it.each(['10.0.0.1', '0.0.0.0', '::', 'localhost', 'vpn.example', '::ffff:10.0.0.1'])(
    'refuses TCP on %s, which is not a loopback address',
    (host) => {
      expect(checkAttachEndpoint({ kind: 'tcp', host, port: 7505 }, PASSWORD)).toMatchObject({
        code: 'MANAGEMENT_ENDPOINT_REFUSED',
        details: { reason: 'not-loopback', host },
      });
    },
  );

  it('refuses TCP without a password', () => {
    expect(
      checkAttachEndpoint({ kind: 'tcp', host: '127.0.0.1', port: 7505 }, undefined),
    ).toMatchObject({ code: 'MANAGEMENT_ENDPOINT_REFUSED', details: { reason: 'no-password' } });
  });

  it.each([0, 65_536, 1.5])('refuses the port %s', (port) => {
    expect(checkAttachEndpoint({ kind: 'tcp', host: '127.0.0.1', port }, PASSWORD)).toMatchObject({
      code: 'MANAGEMENT_ENDPOINT_REFUSED',
      details: { reason: 'bad-port' },
    });
  });

  it('accepts a unix socket without a password, and refuses one openvpn would truncate', () => {
    expect(checkAttachEndpoint({ kind: 'unix', path: '/run/openvpn/c.sock' }, undefined)).toBe(
      undefined,
    );
    expect(
      checkAttachEndpoint({ kind: 'unix', path: `/run/${'x'.repeat(120)}` }, undefined),
    ).toMatchObject({ code: 'MANAGEMENT_UNREACHABLE' });
  });

  it('never puts the password in the error', () => {
    const error = checkAttachEndpoint({ kind: 'tcp', host: '10.0.0.1', port: 7505 }, PASSWORD);
    expect(JSON.stringify({ message: error?.message, details: error?.details })).not.toContain(
      's3cret',
    );
  });
});
