import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readOwnershipMarker, readProfile } from '../../src/process/instances-argv.js';

const OPENVPN = '/usr/sbin/openvpn';
const marker = (appId: string, engine: string): readonly string[] => [
  '--setenv',
  'RX_OPENVPN_APP',
  appId,
  '--setenv',
  'RX_OPENVPN_ENGINE',
  engine,
];

describe('readOwnershipMarker', () => {
  it('reads the app id and the engine pid and start time', () => {
    const argv = [
      OPENVPN,
      '--config',
      'a.conf',
      ...marker('desk-vpn', '4242:987654'),
      '--verb',
      '3',
    ];
    expect(readOwnershipMarker(argv)).toEqual({
      appId: 'desk-vpn',
      engine: { pid: 4242, startTime: 987654 },
    });
  });

  it('finds no marker on a plain command line or one with other variables', () => {
    expect(readOwnershipMarker([OPENVPN, '--config', 'a.conf'])).toBeUndefined();
    expect(readOwnershipMarker([OPENVPN, '--setenv', 'FORWARD_COMPATIBLE', '1'])).toBeUndefined();
    // --setenv-safe exports OPENVPN_<name>, not the marker variable.
    expect(readOwnershipMarker([OPENVPN, '--setenv-safe', 'RX_OPENVPN_APP', 'x'])).toBeUndefined();
  });

  it('does not take the next option for a missing value, as openvpn does not', () => {
    const argv = [OPENVPN, '--setenv', 'RX_OPENVPN_APP', '--verb', '3'];
    expect(readOwnershipMarker(argv)).toBeUndefined();
  });

  it('keeps the app id but no engine when the engine value does not parse', () => {
    for (const engine of ['4242', 'a:b', '0:5', '12:', ':12', '12:34:56', ' 12:34']) {
      expect(readOwnershipMarker([OPENVPN, ...marker('desk-vpn', engine)])).toEqual({
        appId: 'desk-vpn',
        engine: undefined,
      });
    }
    expect(readOwnershipMarker([OPENVPN, '--setenv', 'RX_OPENVPN_APP', 'desk-vpn'])).toEqual({
      appId: 'desk-vpn',
      engine: undefined,
    });
  });

  it('takes the last value of a variable set twice', () => {
    const argv = [OPENVPN, ...marker('first', '1:1'), ...marker('second', '2:2')];
    expect(readOwnershipMarker(argv)).toEqual({
      appId: 'second',
      engine: { pid: 2, startTime: 2 },
    });
  });

  it('reads the marker back whatever the app id and the options around it', () => {
    const param = fc.string().filter((text) => !text.startsWith('--'));
    const option = fc.tuple(
      fc.constantFrom('--verb', '--remote', '--config', '--setenv', '--dev'),
      fc.array(param, { maxLength: 3 }),
    );
    fc.assert(
      fc.property(
        param,
        fc.integer({ min: 1, max: 4_194_304 }),
        fc.nat(),
        fc.array(option, { maxLength: 4 }),
        fc.array(option, { maxLength: 4 }),
        (appId, pid, startTime, before, after) => {
          // Options that would set the marker variables themselves would change the answer.
          const harmless = ([name, params]: readonly [string, readonly string[]]) =>
            name !== '--setenv' || !params[0]?.startsWith('RX_OPENVPN_');
          const flat = (options: readonly (readonly [string, readonly string[]])[]) =>
            options.filter(harmless).flatMap(([name, params]) => [name, ...params]);
          const argv = [
            OPENVPN,
            ...flat(before),
            ...marker(appId, `${pid}:${startTime}`),
            ...flat(after),
          ];
          expect(readOwnershipMarker(argv)).toEqual({ appId, engine: { pid, startTime } });
        },
      ),
    );
  });
});

describe('readProfile', () => {
  it('reads the --config file, spaces and all', () => {
    expect(readProfile([OPENVPN, '--verb', '3', '--config', '/etc/My VPN (work).conf'])).toBe(
      '/etc/My VPN (work).conf',
    );
  });

  it('keeps the first --config, as openvpn does', () => {
    expect(readProfile([OPENVPN, '--config', 'a.conf', '--config', 'b.conf'])).toBe('a.conf');
  });

  it('reads a lone argument as the config file', () => {
    expect(readProfile([OPENVPN, 'client.ovpn'])).toBe('client.ovpn');
    expect(readProfile([OPENVPN, '--client'])).toBeUndefined();
  });

  it('finds no profile without a --config file', () => {
    expect(readProfile([OPENVPN])).toBeUndefined();
    expect(readProfile([OPENVPN, '--config', '--verb', '3'])).toBeUndefined();
    expect(readProfile([OPENVPN, '--dev', 'null', 'config', 'x.conf'])).toBeUndefined();
  });
});
