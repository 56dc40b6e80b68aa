import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { Either } from 'fp-ts/lib/Either.js';
import type { VpnError } from '../../src/core/errors.js';
import type { OwnershipMarker } from '../../src/launcher/ownership-marker.js';
import {
  markerArgs,
  ownershipMarker,
  parseAppId,
  readMarker,
} from '../../src/launcher/ownership-marker.js';

const ENGINE = { pid: 4242, startTime: 987_654 };

const marker = (result: Either<VpnError, OwnershipMarker>): OwnershipMarker => {
  if (result._tag === 'Left') throw new Error(`expected a marker, got ${result.left.message}`);
  return result.right;
};

const APP_ID_CHARS = 'abcXYZ019._-'.split('');
const appId$ = fc
  .array(fc.constantFrom(...APP_ID_CHARS), { minLength: 1, maxLength: 64 })
  .map((chars) => chars.join(''))
  .filter((id) => !id.startsWith('-'));
const identity$ = fc.record({
  pid: fc.integer({ min: 1, max: 4_194_304 }),
  startTime: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
});

describe('ownership marker', () => {
  it('puts the app and the engine on the command line as --setenv options', () => {
    expect(markerArgs(marker(ownershipMarker('com.example.vpn', ENGINE)))).toEqual([
      '--setenv',
      'RX_OPENVPN_APP',
      'com.example.vpn',
      '--setenv',
      'RX_OPENVPN_ENGINE',
      '4242:987654',
    ]);
  });

  it('reads back what it writes, wherever the options sit on the command line', () => {
    fc.assert(
      fc.property(appId$, identity$, fc.boolean(), (appId, engine, behindSudo) => {
        const args = markerArgs(marker(ownershipMarker(appId, engine)));
        const argv = [
          ...(behindSudo ? ['/usr/bin/sudo', '-n', '--'] : []),
          '/usr/sbin/openvpn',
          '--config',
          'a.ovpn',
          ...args,
          '--verb',
          '3',
        ];
        expect(readMarker(argv)).toEqual({ appId, engine });
      }),
    );
  });

  it.each(['', '-leading-dash', '--daemon', 'with space', 'slash/y', 'ü', 'x'.repeat(65)])(
    'refuses the app id %j',
    (appId) => {
      const result = parseAppId(appId);
      expect(result._tag === 'Left' && result.left.code).toBe('LAUNCHER_INVALID');
      expect(ownershipMarker(appId, ENGINE)._tag).toBe('Left');
    },
  );

  it.each([
    { pid: 0, startTime: 1 },
    { pid: 1.5, startTime: 1 },
    { pid: 1, startTime: -1 },
  ])('refuses the engine identity %j', (engine) => {
    expect(ownershipMarker('app', engine)._tag).toBe('Left');
  });

  it('finds no marker on an openvpn started by someone else', () => {
    expect(readMarker(['openvpn', '--config', 'a.ovpn'])).toBeUndefined();
    expect(readMarker(['openvpn', '--setenv', 'RX_OPENVPN_APP'])).toBeUndefined();
    expect(readMarker(['openvpn', '--setenv', 'RX_OPENVPN_APP', 'bad id'])).toBeUndefined();
    expect(readMarker(['openvpn', '--setenv', 'OTHER', 'RX_OPENVPN_APP'])).toBeUndefined();
  });

  it('keeps the app when the engine part is missing or garbled: an orphan, still ours', () => {
    expect(readMarker(['openvpn', '--setenv', 'RX_OPENVPN_APP', 'app'])).toEqual({
      appId: 'app',
      engine: undefined,
    });
    for (const engine of [
      '12',
      '0:5',
      'a:b',
      '1:2:3',
      '99999999999999999:1',
      '9007199254740993:1',
    ]) {
      const argv = ['openvpn', '--setenv', 'RX_OPENVPN_APP', 'app'];
      expect(readMarker([...argv, '--setenv', 'RX_OPENVPN_ENGINE', engine])).toEqual({
        appId: 'app',
        engine: undefined,
      });
    }
  });

  it('lets the last --setenv of a variable win, as openvpn does', () => {
    const argv = [
      'openvpn',
      '--setenv',
      'RX_OPENVPN_APP',
      'first',
      '--setenv',
      'RX_OPENVPN_APP',
      'second',
      '--setenv',
      'RX_OPENVPN_ENGINE',
      '7:8',
    ];
    expect(readMarker(argv)).toEqual({ appId: 'second', engine: { pid: 7, startTime: 8 } });
  });
});
