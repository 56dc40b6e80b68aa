import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import {
  FAILURE_TEXT_MAX_CHARS,
  parseStatus,
  type StatusReport,
} from '../../../src/management/parsers/index.js';

const CLIENT_HEADER_2_6 =
  'HEADER,CLIENT_LIST,Common Name,Real Address,Virtual Address,Virtual IPv6 Address,' +
  'Bytes Received,Bytes Sent,Connected Since,Connected Since (time_t),Username,Client ID,' +
  'Peer ID,Data Channel Cipher';
const ROUTE_HEADER =
  'HEADER,ROUTING_TABLE,Virtual Address,Common Name,Real Address,Last Ref,Last Ref (time_t)';
const TITLE = 'TITLE,OpenVPN 2.6.14 x86_64-pc-linux-gnu';
const TIME = 'TIME,2026-12-03 16:22:51,1796314971';
const alice = (overrides: Partial<Record<string, string>> = {}): string =>
  [
    'CLIENT_LIST',
    overrides['cn'] ?? 'Test-Client',
    '[AF_INET6]2001:db8::5:51820',
    '10.8.0.2',
    'fd00:8::1000',
    overrides['received'] ?? '6968',
    '7221',
    '2026-12-03 16:12:01',
    '1796314321',
    overrides['username'] ?? 'alice',
    '0',
    overrides['peer'] ?? '0',
    'AES-256-GCM',
  ].join(',');

const report = (lines: readonly string[]): StatusReport => {
  const result = parseStatus(lines);
  if (E.isLeft(result)) throw new Error(JSON.stringify(result.left));
  return result.right;
};

const clientsOf = (lines: readonly string[]): unknown => {
  const r = report(lines);
  return r.kind === 'server' ? r.clients : `client status: ${JSON.stringify(r)}`;
};

describe('parseStatus with columns other than 2.6 prints', () => {
  it('reads clients when a newer release adds and reorders columns', () => {
    const lines = [
      TITLE,
      'HEADER,CLIENT_LIST,Username,Common Name,Transport,Real Address,Bytes Sent,Bytes Received',
      'CLIENT_LIST,alice,Test-Client,udp4,127.0.0.1:44239,7221,6968',
    ];

    expect(clientsOf(lines)).toEqual([
      expect.objectContaining({
        commonName: 'Test-Client',
        username: 'alice',
        realAddress: '127.0.0.1:44239',
        bytesReceived: 6968,
        bytesSent: 7221,
        columns: expect.objectContaining({ Transport: 'udp4' }),
      }),
    ]);
  });

  it('reads the shorter header of openvpn 2.3, without IPv6, ids or cipher', () => {
    const lines = [
      TITLE,
      TIME,
      'HEADER,CLIENT_LIST,Common Name,Real Address,Virtual Address,Bytes Received,Bytes Sent,' +
        'Connected Since,Connected Since (time_t),Username',
      'CLIENT_LIST,Test-Client,127.0.0.1:44239,10.8.0.2,6968,7221,' +
        'Thu Dec  3 16:12:01 2026,1796314321,UNDEF',
    ];

    expect(clientsOf(lines)).toEqual([
      expect.objectContaining({
        virtualAddress: '10.8.0.2',
        virtualIpv6Address: undefined,
        connectedSince: 1796314321,
        username: undefined,
        clientId: undefined,
        peerId: undefined,
        cipher: undefined,
      }),
    ]);
  });

  it('keeps an IPv6 real address whole', () => {
    expect(clientsOf([TITLE, CLIENT_HEADER_2_6, alice()])).toEqual([
      expect.objectContaining({ realAddress: '[AF_INET6]2001:db8::5:51820' }),
    ]);
  });

  it('reads UNDEF names and the "no peer id" value as undefined', () => {
    expect(
      clientsOf([
        TITLE,
        CLIENT_HEADER_2_6,
        alice({ cn: 'UNDEF', username: 'UNDEF', peer: '4294967295' }),
      ]),
    ).toEqual([
      expect.objectContaining({ commonName: undefined, username: undefined, peerId: undefined }),
    ]);
  });

  it('reads the cache flag of a learned route', () => {
    const status = report([
      TITLE,
      ROUTE_HEADER,
      'ROUTING_TABLE,192.168.7.12C,Test-Client,127.0.0.1:44239,2026-12-03 16:12:01,1796314321',
    ]);

    expect(status).toEqual(
      expect.objectContaining({
        routes: [expect.objectContaining({ virtualAddress: '192.168.7.12', cached: true })],
      }),
    );
  });

  it('keeps rows with unknown tags, with their line numbers', () => {
    const status = report([
      TITLE,
      'HEADER,ERRORS,Common Name,TUN Read Trunc',
      'ERRORS,Test-Client,0',
    ]);

    expect(status).toEqual(
      expect.objectContaining({
        otherRows: [{ line: 3, tag: 'ERRORS', cells: ['Test-Client', '0'] }],
      }),
    );
  });

  it('falls back to the local time when TIME has no time_t', () => {
    expect(report([TITLE, 'TIME,2026-12-03 16:22:51'])).toEqual(
      expect.objectContaining({
        updatedAt: new Date(2026, 11, 3, 16, 22, 51).getTime() / 1000,
      }),
    );
  });

  it('keeps Windows client statistics that are text, without their quotes', () => {
    const status = report([
      'OpenVPN STATISTICS',
      'Updated,Fri Feb  5 18:22:31 2016',
      'TUN/TAP read bytes,21849',
      'TAP-WIN32 driver status,"State=AT_DHCP_ACK, Rx=[1,2]"',
    ]);

    expect(status).toEqual({
      kind: 'client',
      updatedAt: new Date(2016, 1, 5, 18, 22, 31).getTime() / 1000,
      statistics: { 'TUN/TAP read bytes': 21849 },
      statisticTexts: { 'TAP-WIN32 driver status': 'State=AT_DHCP_ACK, Rx=[1,2]' },
    });
  });

  it('keeps a statistic named __proto__ as plain data', () => {
    const status = report(['OpenVPN STATISTICS', '__proto__,5']);

    expect(status.kind === 'client' && Object.keys(status.statistics)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(status.kind === 'client' ? status.statistics : null)).toBe(
      Object.prototype,
    );
  });
});

describe('parseStatus failures', () => {
  it('carries at most the first 200 characters of a huge line', () => {
    const huge = 'x'.repeat(10_000);

    expect(parseStatus([huge])).toEqual(
      E.left(expect.objectContaining({ text: 'x'.repeat(FAILURE_TEXT_MAX_CHARS) })),
    );
    expect(FAILURE_TEXT_MAX_CHARS).toBe(200);
  });

  it('fails on an empty reply', () => {
    expect(parseStatus([])).toEqual(
      E.left({ kind: 'parse-failure', parser: 'status', reason: 'empty reply' }),
    );
  });

  it('fails on a reply that is no status format', () => {
    expect(parseStatus(['SUCCESS: pid=12'])).toEqual(
      E.left(expect.objectContaining({ line: 1, reason: 'not a status reply' })),
    );
  });

  it('fails on a row whose cell count differs from its header', () => {
    const row = `${alice()},surplus`;

    expect(parseStatus([TITLE, CLIENT_HEADER_2_6, row])).toEqual(
      E.left({
        kind: 'parse-failure',
        parser: 'status',
        line: 3,
        text: row,
        reason: 'expected 12 columns as in the header, got 13',
      }),
    );
  });

  it('fails on a client row before its HEADER', () => {
    expect(parseStatus([TITLE, alice()])).toEqual(
      E.left(expect.objectContaining({ line: 2, reason: 'CLIENT_LIST row before its HEADER' })),
    );
  });

  it('fails when a required column is missing from the header', () => {
    expect(
      parseStatus([TITLE, 'HEADER,CLIENT_LIST,Common Name,Real Address', 'CLIENT_LIST,a,b']),
    ).toEqual(E.left(expect.objectContaining({ reason: 'missing column Bytes Received' })));
  });

  it.each([
    ['garbage', 'expected count'],
    ['-1', 'expected count'],
    ['9007199254740993', 'count out of range'],
  ])('fails on byte counter %s', (received, reason) => {
    expect(parseStatus([TITLE, CLIENT_HEADER_2_6, alice({ received })])).toEqual(
      E.left(
        expect.objectContaining({
          line: 3,
          reason: `"Bytes Received": ${reason}, got "${received}"`,
        }),
      ),
    );
  });

  it('fails on a TIME row whose time_t is not a number', () => {
    expect(parseStatus([TITLE, 'TIME,now,soon'])).toEqual(
      E.left(expect.objectContaining({ line: 2, reason: 'expected epoch seconds, got "soon"' })),
    );
  });

  it('fails on a statistic too large to hold exactly', () => {
    expect(parseStatus(['OpenVPN STATISTICS', 'TCP/UDP read bytes,18446744073709551615'])).toEqual(
      E.left(
        expect.objectContaining({
          line: 2,
          reason: expect.stringContaining('integer out of range'),
        }),
      ),
    );
  });

  it('fails on a client statistic line without a value', () => {
    expect(parseStatus(['OpenVPN STATISTICS', 'TUN/TAP read bytes'])).toEqual(
      E.left(expect.objectContaining({ line: 2, reason: 'expected name,value' })),
    );
  });

  it('fails on a format 1 row that does not match the header', () => {
    expect(
      parseStatus([
        'OpenVPN CLIENT LIST',
        'Updated,2026-12-03 16:22:51',
        'Common Name,Real Address,Bytes Received,Bytes Sent,Connected Since',
        'Test-Client,127.0.0.1:44239,6968',
      ]),
    ).toEqual(E.left(expect.objectContaining({ line: 4 })));
  });

  it('fails on a route with a blank address', () => {
    expect(parseStatus([TITLE, ROUTE_HEADER, 'ROUTING_TABLE,C,cn,1.2.3.4:5,x,1'])).toEqual(
      E.left(expect.objectContaining({ reason: '"Virtual Address" is blank' })),
    );
  });
});
