import { describe, expect, it } from '@jest/globals';
import { decodeEipService } from '../../src/profile/eip-service.js';
import type { EipGateway, EipService } from '../../src/profile/eip-service.js';
import type { OpenvpnGateway } from '../../src/profile/gateway-selection.js';
import {
  gatewayRemotes,
  openvpnGateways,
  rankGateways,
  selectGateways,
} from '../../src/profile/gateway-selection.js';
import { parseUtcOffset, timezoneDistanceHours } from '../../src/profile/utc-offset.js';
import { expectError, fixture, left, right } from './profile-test-support.js';

const service: EipService = right(decodeEipService(JSON.parse(fixture('leap/eip-service.json'))));
const gateways = right(openvpnGateways(service));
const hosts = (list: readonly OpenvpnGateway[]): string[] =>
  list.map((g) => g.host.split('.')[0] ?? '');

describe('parseUtcOffset', () => {
  it.each([
    ['+2', 2],
    ['-5', -5],
    ['1', 1],
    [' -3 ', -3],
    ['+5:30', 5.5],
    ['5.75', 5.75],
    ['-9:30', -9.5],
    ['+13', -11],
    ['14', -10],
    [13, -11],
    [-12, -12],
    ['+15', undefined],
    ['abc', undefined],
    ['', undefined],
    ['+1:75', undefined],
    [Number.NaN, undefined],
  ])('%j → %s', (timezone, hours) => {
    expect(parseUtcOffset(timezone)).toBe(hours);
  });
});

describe('timezoneDistanceHours, on a 24-hour clock', () => {
  it.each([
    [0, 0, 0],
    [0, 12, 12],
    [0, -12, 12],
    [12, -12, 0],
    [-11, 12, 1],
    [13, -11, 0],
    [14, -10, 0],
    [13, 12, 1],
    [5.5, -3, 8.5],
    [-7, 2, 9],
    [2, -7, 9],
  ])('between %s and %s: %s hours', (a, b, hours) => {
    expect(timezoneDistanceHours(a, b)).toBe(hours);
  });
});

describe('rankGateways orders by timezone distance', () => {
  // Fixture: amber -7, birch +1, cedar -5, dogwood "1", elm no location, fir -3, hazel +13.
  it.each([
    [0, ['birch', 'dogwood', 'fir', 'cedar', 'amber', 'hazel', 'elm']],
    [-3, ['fir', 'cedar', 'amber', 'birch', 'dogwood', 'hazel', 'elm']],
    [-7, ['amber', 'cedar', 'fir', 'hazel', 'birch', 'dogwood', 'elm']],
    [12, ['hazel', 'amber', 'cedar', 'fir', 'birch', 'dogwood', 'elm']],
    [13, ['hazel', 'amber', 'cedar', 'fir', 'birch', 'dogwood', 'elm']],
    [5.5, ['birch', 'dogwood', 'hazel', 'fir', 'cedar', 'amber', 'elm']],
  ])('from UTC%s: %j', (offset, order) => {
    expect(hosts(rankGateways(gateways, offset))).toEqual(order);
  });

  it('treats a user in UTC+13 like UTC-11 and UTC+14 like UTC-10', () => {
    expect(rankGateways(gateways, 13)).toEqual(rankGateways(gateways, -11));
    expect(rankGateways(gateways, 14)).toEqual(rankGateways(gateways, -10));
  });

  it("reads a gateway's +13 timezone as -11", () => {
    const hazel = gateways.find((g) => g.host.startsWith('hazel'));
    expect(hazel?.location?.utcOffsetHours).toBe(-11);
  });

  it('reports each distance, unknown for a gateway without a location', () => {
    expect(rankGateways(gateways, 0).map((g) => g.distanceHours)).toEqual([
      1,
      1,
      3,
      5,
      7,
      11,
      undefined,
    ]);
  });

  const synthetic = (
    entries: readonly (readonly [string, string | undefined])[],
  ): readonly OpenvpnGateway[] => {
    const raw: EipService = {
      gateways: entries.map(([host, location]): EipGateway => ({
        host,
        ip_address: '192.0.2.1',
        capabilities: { ports: ['443'], protocols: ['udp'], transport: ['openvpn'] },
        ...(location === undefined ? {} : { location }),
      })),
      locations: {
        east: { name: 'East', country_code: 'AA', timezone: '+3' },
        west: { name: 'West', country_code: 'BB', timezone: '-3' },
        broken: { name: 'Broken', country_code: 'CC', timezone: 'UTC' },
      },
      openvpn_configuration: {},
      serial: 1,
      version: 1,
    };
    return right(openvpnGateways(raw));
  };

  it.each([
    [
      'ties keep the provider order',
      [
        ['a', 'east'],
        ['b', 'west'],
        ['c', 'east'],
        ['d', 'west'],
      ],
      ['a', 'b', 'c', 'd'],
    ],
    [
      'a gateway without a location goes last',
      [
        ['a', undefined],
        ['b', 'east'],
      ],
      ['b', 'a'],
    ],
    [
      'an unknown location key goes last',
      [
        ['a', 'north'],
        ['b', 'west'],
      ],
      ['b', 'a'],
    ],
    [
      'an unreadable timezone goes last',
      [
        ['a', 'broken'],
        ['b', 'east'],
      ],
      ['b', 'a'],
    ],
    [
      'several unknowns keep their order at the end',
      [
        ['a', undefined],
        ['b', 'broken'],
        ['c', 'west'],
      ],
      ['c', 'a', 'b'],
    ],
  ] as const)('%s', (_what, entries, order) => {
    expect(hosts(rankGateways(synthetic(entries), 0))).toEqual(order);
  });

  it('keeps the provider order when the local offset is not a number', () => {
    expect(hosts(rankGateways(gateways, Number.NaN))).toEqual(hosts(gateways));
  });
});

describe('selectGateways', () => {
  it('keeps the best four', () => {
    expect(hosts(right(selectGateways(gateways, 0)))).toEqual(['birch', 'dogwood', 'fir', 'cedar']);
  });

  it.each([
    [{ kind: 'Host', host: 'AMBER.example.net' }, ['amber']],
    [{ kind: 'Host', host: '198.51.100.15' }, ['elm']],
    [{ kind: 'Location', location: 'Seattle, WA' }, ['amber']],
    [{ kind: 'Location', location: 'seattle__wa' }, ['amber']],
    [{ kind: 'Location', location: 'amsterdam' }, ['birch']],
  ] as const)('a chosen gateway %j overrides the order', (preference, chosen) => {
    expect(hosts(right(selectGateways(gateways, 0, preference)))).toEqual(chosen);
  });

  it('refuses a choice that matches no gateway', () => {
    const error = left(selectGateways(gateways, 0, { kind: 'Location', location: 'Atlantis' }));
    expectError(error, 'GATEWAY_NOT_FOUND', {
      preference: { kind: 'Location', location: 'Atlantis' },
    });
    expect(error.message).toContain("'Atlantis'");
  });

  it('does not offer a gateway that only speaks another transport', () => {
    expect(hosts(gateways)).not.toContain('ginkgo');
    expect(
      left(selectGateways(gateways, 0, { kind: 'Host', host: 'ginkgo.example.net' })).code,
    ).toBe('GATEWAY_NOT_FOUND');
  });
});

describe('gatewayRemotes', () => {
  it('expands each gateway into its protocols (UDP first) times its ports, by IP address', () => {
    const amber = gateways.filter((g) => g.host.startsWith('amber'));
    expect(gatewayRemotes(amber)).toEqual([
      { host: '192.0.2.11', port: 443, proto: 'udp' },
      { host: '192.0.2.11', port: 1194, proto: 'udp' },
      { host: '192.0.2.11', port: 443, proto: 'tcp' },
      { host: '192.0.2.11', port: 1194, proto: 'tcp' },
    ]);
  });
});

describe('openvpnGateways checks what reaches the config', () => {
  const withGateway = (
    patch: Partial<EipGateway>,
    capabilities: Partial<EipGateway['capabilities']> = {},
  ): EipService => ({
    ...service,
    gateways: [
      {
        host: 'bad.example.net',
        ip_address: '192.0.2.99',
        ...patch,
        capabilities: {
          ports: ['443'],
          protocols: ['udp'],
          transport: ['openvpn'],
          ...capabilities,
        },
      },
    ],
  });

  it.each([
    '192.0.2',
    '999.1.1.1',
    ' 192.0.2.1',
    '192.0.2.1; up /bin/sh',
    '192.0.2.01',
    'vpn.example.net',
  ])('refuses the address %j', (address) => {
    expectError(left(openvpnGateways(withGateway({ ip_address: address }))), 'PROVIDER_INVALID', {
      reason: 'invalid-gateway',
      gateway: 'bad.example.net',
    });
  });

  it.each([['0'], ['65536'], ['https'], ['443 '], [-1], [443.5], ['443\nup']])(
    'refuses the port %j',
    (port) => {
      expectError(left(openvpnGateways(withGateway({}, { ports: [port] }))), 'PROVIDER_INVALID', {
        reason: 'invalid-gateway',
      });
    },
  );

  it('refuses an empty port list', () => {
    expectError(left(openvpnGateways(withGateway({}, { ports: [] }))), 'PROVIDER_INVALID', {
      reason: 'invalid-gateway',
    });
  });

  it('accepts numeric ports and skips protocols it does not know', () => {
    const [gateway] = right(
      openvpnGateways(withGateway({}, { ports: [443, '1194'], protocols: ['kcp', 'UDP'] })),
    );
    expect(gateway).toMatchObject({ ports: [443, 1194], protocols: ['udp'] });
  });

  it('refuses a service where no gateway speaks OpenVPN over UDP or TCP', () => {
    expectError(
      left(openvpnGateways(withGateway({}, { transport: ['obfs4'] }))),
      'PROVIDER_INVALID',
      {
        reason: 'no-usable-gateway',
      },
    );
  });
});
