import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import {
  parseStateFields,
  parseStateLine,
  type StateEntry,
} from '../../../src/management/parsers/index.js';
import { streamLines } from './output-fixture.js';

const blankEntry = {
  description: undefined,
  localIpv4: undefined,
  remoteAddress: undefined,
  remotePort: undefined,
  localAddress: undefined,
  localPort: undefined,
  localIpv6: undefined,
  authTimeoutSeconds: undefined,
};

const failureOf = (text: string): unknown => {
  const result = parseStateLine(text);
  return E.isLeft(result) ? result.left : `unexpectedly parsed: ${JSON.stringify(result.right)}`;
};

describe('parseStateLine', () => {
  it('reads the real >STATE: notification openvpn sends when it exits on SIGTERM', () => {
    const notification = streamLines('client-stream-sigterm').find((l) => l.startsWith('>STATE:'));

    expect(notification).toBe('>STATE:1796315018,EXITING,SIGTERM,,,,,');
    expect(parseStateLine(notification!)).toEqual(
      E.right<never, StateEntry>({
        ...blankEntry,
        known: true,
        name: 'EXITING',
        time: 1796315018,
        description: 'SIGTERM',
      }),
    );
  });

  it('reads all nine fields of a 2.4+ CONNECTED line', () => {
    expect(
      parseStateLine('1796314321,CONNECTED,SUCCESS,10.8.0.2,127.0.0.1,53722,,,fd00:8::1000'),
    ).toEqual(
      E.right({
        ...blankEntry,
        known: true,
        name: 'CONNECTED',
        time: 1796314321,
        description: 'SUCCESS',
        localIpv4: '10.8.0.2',
        remoteAddress: '127.0.0.1',
        remotePort: 53722,
        localIpv6: 'fd00:8::1000',
      }),
    );
  });

  it('reads the local address and port a server reports', () => {
    expect(parseStateLine('1796314316,CONNECTED,SUCCESS,10.8.0.1,,,127.0.0.1,53722')).toEqual(
      E.right(
        expect.objectContaining({
          remoteAddress: undefined,
          remotePort: undefined,
          localAddress: '127.0.0.1',
          localPort: 53722,
        }),
      ),
    );
  });

  it('keeps IPv6 remote and local addresses whole', () => {
    expect(
      parseStateLine(
        '1796314321,CONNECTED,SUCCESS,,2001:db8::1,1194,fe80::1%eth0,50000,2001:db8:1::2',
      ),
    ).toEqual(
      E.right(
        expect.objectContaining({
          remoteAddress: '2001:db8::1',
          remotePort: 1194,
          localAddress: 'fe80::1%eth0',
          localPort: 50000,
          localIpv6: '2001:db8:1::2',
        }),
      ),
    );
  });

  it('reads the AUTH_PENDING timeout from its description', () => {
    expect(parseStateLine('1796315003,AUTH_PENDING,timeout 30,,,,,')).toEqual(
      E.right(
        expect.objectContaining({
          name: 'AUTH_PENDING',
          description: 'timeout 30',
          authTimeoutSeconds: 30,
        }),
      ),
    );
  });

  it('leaves the timeout undefined for AUTH_PENDING without one and for other states', () => {
    expect(parseStateLine('1796315003,AUTH_PENDING,,,,,,')).toEqual(
      E.right(expect.objectContaining({ authTimeoutSeconds: undefined, description: undefined })),
    );
    expect(parseStateLine('1796315003,RECONNECTING,timeout 30,,,,,')).toEqual(
      E.right(expect.objectContaining({ authTimeoutSeconds: undefined })),
    );
  });

  it('fails on an AUTH_PENDING timeout beyond %u', () => {
    expect(failureOf('1,AUTH_PENDING,timeout 4294967296,,,,,')).toEqual(
      expect.objectContaining({ parser: 'state', reason: expect.stringContaining('out of range') }),
    );
  });

  it('keeps a state name it does not know, marked unknown', () => {
    expect(parseStateLine('1796314321,INITIAL,,,,,,')).toEqual(
      E.right({ ...blankEntry, known: false, name: 'INITIAL', time: 1796314321 }),
    );
  });

  it('accepts the five-field layout of openvpn 2.1 to 2.3', () => {
    expect(parseStateLine('1796314321,CONNECTED,SUCCESS,10.8.0.2,192.0.2.1')).toEqual(
      E.right(expect.objectContaining({ localIpv4: '10.8.0.2', remoteAddress: '192.0.2.1' })),
    );
  });

  it('fails on fewer than five or more than nine fields', () => {
    expect(failureOf('1796314321,CONNECTED,SUCCESS,10.8.0.2')).toEqual(
      expect.objectContaining({ reason: 'expected 5 to 9 fields, got 4' }),
    );
    expect(failureOf('1796314321,CONNECTED,SUCCESS,10.8.0.2,1.2.3.4,1194,,,fd00::1,extra')).toEqual(
      expect.objectContaining({ reason: 'expected 5 to 9 fields, got 10' }),
    );
  });

  it.each([
    ['0', 'remote port 0'],
    ['65536', 'remote port above 65535'],
    ['-1', 'negative remote port'],
    ['https', 'named remote port'],
    [' 1194', 'padded remote port'],
  ])('fails on a bad port: %s (%s)', (port) => {
    expect(failureOf(`1796314321,CONNECTED,SUCCESS,10.8.0.2,1.2.3.4,${port},,,`)).toEqual({
      kind: 'parse-failure',
      parser: 'state',
      text: `1796314321,CONNECTED,SUCCESS,10.8.0.2,1.2.3.4,${port},,,`,
      reason: expect.stringContaining('port'),
    });
  });

  it.each([
    ['', 'blank'],
    ['yesterday', 'not a number'],
    ['-5', 'negative'],
    ['1.5', 'fractional'],
    ['99999999999999999999', 'beyond safe integers'],
  ])('fails on a bad time: "%s" (%s)', (time) => {
    expect(failureOf(`${time},CONNECTING,,,,,,`)).toEqual(
      expect.objectContaining({ reason: expect.stringContaining('epoch seconds') }),
    );
  });

  it('fails on a blank state name', () => {
    expect(failureOf('1796314321,,,,,,,')).toEqual(
      expect.objectContaining({ reason: 'state name is blank' }),
    );
  });
});

describe('parseStateFields', () => {
  it('reads already split fields exactly like parseStateLine reads the joined line', () => {
    const fields = ['1796314983', 'RECONNECTING', 'SIGUSR1', '', '', '', '', ''];

    expect(parseStateFields(fields)).toEqual(parseStateLine(fields.join(',')));
    expect(parseStateFields(fields)).toEqual(
      E.right(expect.objectContaining({ name: 'RECONNECTING', description: 'SIGUSR1' })),
    );
  });
});
