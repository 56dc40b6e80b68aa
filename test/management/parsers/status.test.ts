import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import {
  parseStatus,
  type ServerStatus,
  type StatusReport,
} from '../../../src/management/parsers/index.js';
import { replyLines } from './output-fixture.js';

// Format 1 and the client block print local time; the fixtures were recorded in UTC. Building
// the expectation in this process's zone keeps the tests right in any zone.
const localEpoch = (y: number, mo: number, d: number, h: number, mi: number, s: number): number =>
  new Date(y, mo - 1, d, h, mi, s).getTime() / 1000;

const parsed = (fixture: string): StatusReport => {
  const result = parseStatus(replyLines(fixture));
  if (E.isLeft(result)) throw new Error(`${fixture}: ${JSON.stringify(result.left)}`);
  return result.right;
};

const server = (fixture: string): ServerStatus => {
  const report = parsed(fixture);
  if (report.kind !== 'server') throw new Error(`${fixture}: not a server status`);
  return report;
};

describe('parseStatus in client mode', () => {
  it.each(['client-status-1', 'client-status-2', 'client-status-3'])(
    'reads the statistics block that %s returns',
    (fixture) => {
      expect(parsed(fixture)).toEqual({
        kind: 'client',
        updatedAt: localEpoch(2026, 12, 3, 16, 22, 48),
        statistics: {
          'TUN/TAP read bytes': 0,
          'TUN/TAP write bytes': 0,
          'TCP/UDP read bytes': 7247,
          'TCP/UDP write bytes': 6982,
          'Auth read bytes': 1024,
        },
        statisticTexts: {},
      });
    },
  );

  it('reads the statistics of a point-to-point peer', () => {
    expect(parsed('p2p-client-status-1')).toEqual(
      expect.objectContaining({
        kind: 'client',
        statistics: expect.objectContaining({ 'TCP/UDP read bytes': 6971, 'Auth read bytes': 992 }),
      }),
    );
  });
});

describe('parseStatus in server mode, format 2', () => {
  it('reads both connected clients by column name', () => {
    const status = server('server-two-clients-status-2');

    expect(status.clients).toEqual([
      {
        commonName: 'Test-Client',
        realAddress: '127.0.0.1:44239',
        virtualAddress: '10.8.0.2',
        virtualIpv6Address: 'fd00:8::1000',
        bytesReceived: 6968,
        bytesSent: 7221,
        connectedSince: 1796314321,
        username: 'alice',
        clientId: 0,
        peerId: 0,
        cipher: 'AES-256-GCM',
        columns: expect.objectContaining({
          'Connected Since': '2026-12-03 16:12:01',
          'Connected Since (time_t)': '1796314321',
        }),
      },
      expect.objectContaining({
        commonName: 'Test-Client-Bob',
        username: 'bob',
        clientId: 2,
        peerId: 1,
        connectedSince: 1796314339,
      }),
    ]);
  });

  it('reads the title, time, routes and global statistics', () => {
    const status = server('server-two-clients-status-2');

    expect(status).toEqual(
      expect.objectContaining({
        kind: 'server',
        format: 2,
        title: expect.stringMatching(/^OpenVPN 2\.6\.14 x86_64-pc-linux-gnu \[SSL \(OpenSSL\)\]/),
        updatedAt: 1796314971,
        statistics: { 'Max bcast/mcast queue length': 0, dco_enabled: 0 },
        statisticTexts: {},
        otherRows: [],
      }),
    );
    expect(status.routes.map((r) => [r.virtualAddress, r.commonName, r.cached])).toEqual([
      ['10.8.0.2', 'Test-Client', false],
      ['10.8.0.3', 'Test-Client-Bob', false],
      ['fd00:8::1000', 'Test-Client', false],
      ['fd00:8::1001', 'Test-Client-Bob', false],
    ]);
    expect(status.routes[0]).toEqual(
      expect.objectContaining({ realAddress: '127.0.0.1:44239', lastRef: 1796314321 }),
    );
  });

  it('reads a blank IPv6 column as undefined', () => {
    expect(server('server-one-client-status-2').clients).toEqual([
      expect.objectContaining({ virtualAddress: '10.9.0.2', virtualIpv6Address: undefined }),
    ]);
  });

  it('reads a server without clients', () => {
    expect(server('server-empty-status-2')).toEqual(
      expect.objectContaining({ clients: [], routes: [], updatedAt: 1796315042 }),
    );
  });
});

describe('parseStatus in server mode, format 3', () => {
  it.each([
    ['server-two-clients-status-3', 'server-two-clients-status-2'],
    ['server-one-client-status-3', 'server-one-client-status-2'],
    ['server-empty-status-3', 'server-empty-status-2'],
  ])('reads %s (tabs) exactly as the comma format of the same moment', (tabs, commas) => {
    expect({ ...server(tabs), format: 2 }).toEqual(server(commas));
    expect(server(tabs).format).toBe(3);
  });
});

describe('parseStatus in server mode, format 1', () => {
  it('reads clients from the untagged header, with local times', () => {
    const status = server('server-two-clients-status-1');

    expect(status).toEqual(
      expect.objectContaining({
        format: 1,
        title: undefined,
        updatedAt: localEpoch(2026, 12, 3, 16, 22, 51),
        statistics: { 'Max bcast/mcast queue length': 0 },
        otherRows: [],
      }),
    );
    expect(status.clients[0]).toEqual({
      commonName: 'Test-Client',
      realAddress: '127.0.0.1:44239',
      virtualAddress: undefined,
      virtualIpv6Address: undefined,
      bytesReceived: 6968,
      bytesSent: 7221,
      connectedSince: localEpoch(2026, 12, 3, 16, 12, 1),
      username: undefined,
      clientId: undefined,
      peerId: undefined,
      cipher: undefined,
      columns: {
        'Common Name': 'Test-Client',
        'Real Address': '127.0.0.1:44239',
        'Bytes Received': '6968',
        'Bytes Sent': '7221',
        'Connected Since': '2026-12-03 16:12:01',
      },
    });
  });

  it('agrees with format 2 recorded at the same second on every shared fact', () => {
    const shared = (s: ServerStatus): unknown => ({
      clients: s.clients.map((c) => [c.commonName, c.realAddress, c.bytesReceived, c.bytesSent]),
      routes: s.routes.map((r) => [r.virtualAddress, r.commonName, r.realAddress]),
    });

    expect(shared(server('server-two-clients-status-1'))).toEqual(
      shared(server('server-two-clients-status-2')),
    );
    expect(shared(server('server-one-client-status-1'))).toEqual(
      shared(server('server-one-client-status-2')),
    );
  });

  it('reads a server without clients', () => {
    expect(server('server-empty-status-1')).toEqual(
      expect.objectContaining({ clients: [], routes: [] }),
    );
  });
});
