import { describe, expect, it } from '@jest/globals';
import { Secret } from '../../src/core/secret.js';
import { decodeEipService } from '../../src/profile/eip-service.js';
import type { EipService } from '../../src/profile/eip-service.js';
import { parseOvpn } from '../../src/profile/parse-ovpn.js';
import { profileRemotes } from '../../src/profile/profile-summary.js';
import type { ProviderProfileInput } from '../../src/profile/provider-profile.js';
import { providerProfile } from '../../src/profile/provider-profile.js';
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

const service = (name: string): EipService =>
  right(decodeEipService(JSON.parse(fixture(`leap/${name}`))));

const input = (overrides: Partial<ProviderProfileInput> = {}): ProviderProfileInput => ({
  service: service('eip-service.json'),
  ca: fixture('keys/ca.crt'),
  cert: fixture('keys/client.crt'),
  key: Secret.of(fixture('keys/client.key')),
  localUtcOffsetHours: -3,
  ...overrides,
});

describe('decodeEipService', () => {
  it.each(['eip-service.json', 'eip-service-no-locations.json'])('decodes %s', (name) => {
    expect(service(name).gateways.length).toBeGreaterThan(0);
  });

  it('refuses the newer shape whose transports are objects, saying where', () => {
    const error = left(
      decodeEipService(JSON.parse(fixture('leap/eip-service-transport-objects.json'))),
    );
    expectError(error, 'PROVIDER_INVALID', { reason: 'malformed' });
    expect(error.message).toContain('gateways.0.capabilities.ports: expected');
    expect(error.message).toContain(
      'gateways.0.capabilities.transport.0: expected string, got an object',
    );
  });

  it.each([null, [], 'eip', { gateways: 'none' }])('refuses %j', (json) => {
    expectError(left(decodeEipService(json)), 'PROVIDER_INVALID', { reason: 'malformed' });
  });
});

describe('providerProfile', () => {
  it('builds the client profile the original LEAP client launched', () => {
    const logger = recordingLogger();
    const profile = right(providerProfile(input({ logger })));
    expect(directiveLines(profile)).toEqual([
      'client',
      'dev tun',
      'nobind',
      'persist-key',
      // from UTC-3: fir (-3), cedar (-5), then amber and birch (both 4 hours), UDP before TCP
      'remote 198.51.100.16 443 udp',
      'remote 198.51.100.16 443 tcp',
      'remote 192.0.2.13 443 tcp',
      'remote 192.0.2.11 443 udp',
      'remote 192.0.2.11 1194 udp',
      'remote 192.0.2.11 443 tcp',
      'remote 192.0.2.11 1194 tcp',
      'remote 192.0.2.12 443 udp',
      'remote 192.0.2.12 443 tcp',
      'remote-cert-tls server',
      'auth SHA512',
      'cipher AES-256-GCM',
      'data-ciphers AES-256-GCM:AES-128-GCM',
      'keepalive 10 30',
      'tls-cipher TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384:DHE-RSA-AES128-SHA',
      'tls-version-min 1.2',
      'tun-ipv6',
    ]);
    expect(profile.entries.filter((e) => e.kind === 'InlineBlock').map((e) => e.tag)).toEqual([
      'ca',
      'cert',
      'key',
    ]);
    expect(logger.records.map((r) => r.fields?.['option'])).toEqual([
      'dev',
      'nobind',
      'persist-key',
      'verb',
    ]);
  });

  it('renders a config that parses back to the same profile', () => {
    const profile = right(providerProfile(input()));
    expect(revealed(right(parseOvpn(renderConfig(profile))))).toEqual(revealed(profile));
  });

  it("connects only to the user's chosen location", () => {
    const profile = right(
      providerProfile(input({ preference: { kind: 'Location', location: 'Paris' } })),
    );
    expect(profileRemotes(profile)).toEqual([
      { host: '198.51.100.14', port: 1194, proto: 'udp' },
      { host: '198.51.100.14', port: 80, proto: 'udp' },
    ]);
  });

  it('uses the file order for a provider without locations', () => {
    const profile = right(
      providerProfile(input({ service: service('eip-service-no-locations.json') })),
    );
    expect(profileRemotes(profile).map((r) => `${r.host}:${r.port}/${r.proto}`)).toEqual([
      '192.0.2.101:1194/udp',
      '192.0.2.101:443/udp',
      '192.0.2.101:53/udp',
      '192.0.2.101:80/udp',
      '192.0.2.101:1194/tcp',
      '192.0.2.101:443/tcp',
      '192.0.2.101:53/tcp',
      '192.0.2.101:80/tcp',
      '192.0.2.102:443/udp',
    ]);
  });

  it('refuses a service file that sets a script hook, naming the option', () => {
    const hostile = service('eip-service.json');
    const error = left(
      providerProfile(
        input({
          service: {
            ...hostile,
            openvpn_configuration: { ...hostile.openvpn_configuration, up: '/tmp/x' },
          },
        }),
      ),
    );
    expectError(error, 'PROVIDER_INVALID', { reason: 'forbidden-option', option: 'up' });
  });

  it('reports a chosen gateway that does not exist', () => {
    expect(
      left(providerProfile(input({ preference: { kind: 'Host', host: 'gone.example.net' } }))).code,
    ).toBe('GATEWAY_NOT_FOUND');
  });

  it('refuses a CA that is not PEM, as for any profile', () => {
    expectError(left(providerProfile(input({ ca: 'not a certificate' }))), 'PROFILE_INVALID', {
      directive: 'ca',
      reason: 'invalid-block-content',
    });
  });
});
