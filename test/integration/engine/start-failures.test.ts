import { afterEach, describe, expect, it } from '@jest/globals';
import { firstValueFrom } from 'rxjs';
import { EngineBed, TEST_TIMEOUT_MS, profileOf } from './support/engine-bed.js';

const bed = new EngineBed('start-failures');
afterEach(() => bed.teardown());

describe('the engine when openvpn cannot start', () => {
  it(
    'fails with OPENVPN_NOT_FOUND when the binary does not exist',
    async () => {
      const watched = bed.start({
        profile: profileOf('client\ndev null\nremote 127.0.0.1 1194\n'),
        openvpnPath: '/nonexistent/openvpn',
      });

      expect(await watched.tunnel.done).toMatchObject({
        phase: 'failed',
        error: { code: 'OPENVPN_NOT_FOUND' },
      });
      expect(await firstValueFrom(watched.tunnel.pid$, { defaultValue: 'none' })).toBe('none');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "fails with PROFILE_INVALID carrying openvpn's Options error when openvpn rejects the profile",
    async () => {
      const server = await bed.lab.server({ kind: 'p2p' });
      // The parser passes the value through; openvpn 2.6 accepts only `client` or `server`.
      const watched = bed.start({
        profile: profileOf(server.clientConfig(['remote-cert-tls bogus'])),
      });

      expect(await watched.tunnel.done).toMatchObject({
        phase: 'failed',
        error: {
          code: 'PROFILE_INVALID',
          details: {
            directive: 'remote-cert-tls',
            text: "--remote-cert-tls must be 'client' or 'server'",
            exitCode: 1,
          },
        },
      });
    },
    TEST_TIMEOUT_MS,
  );
});
