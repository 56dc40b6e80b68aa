import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { hasDefaultRoute, online$ } from '../../../examples/rx-composition/online.js';

const HEADER =
  'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT';
const DEFAULT_ROUTE = 'eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0';
const LAN_ROUTE = 'eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0';
// openvpn's redirect-gateway def1: 0.0.0.0/1 and 128.0.0.0/1 through the tunnel.
const DEF1_ROUTES = [
  'tun0\t00000000\t0100080A\t0003\t0\t0\t0\t00000080\t0\t0\t0',
  'tun0\t00000080\t0100080A\t0003\t0\t0\t0\t00000080\t0\t0\t0',
];
const table = (...routes: string[]): string => [HEADER, ...routes, ''].join('\n');

/** Resolves once `values` holds `count` entries. */
const seen = async (values: readonly unknown[], count: number): Promise<void> => {
  while (values.length < count) await new Promise((resolve) => setTimeout(resolve, 10));
};

describe('hasDefaultRoute', () => {
  it('finds a default route that is up', () => {
    expect(hasDefaultRoute(table(DEFAULT_ROUTE, LAN_ROUTE))).toBe(true);
  });

  it('finds none in a table with only a local network', () => {
    expect(hasDefaultRoute(table(LAN_ROUTE))).toBe(false);
    expect(hasDefaultRoute(table())).toBe(false);
    expect(hasDefaultRoute('')).toBe(false);
  });

  it('does not take the /1 routes of redirect-gateway def1 for a default route', () => {
    expect(hasDefaultRoute(table(LAN_ROUTE, ...DEF1_ROUTES))).toBe(false);
  });

  it('ignores a default route that is down', () => {
    expect(hasDefaultRoute(table(DEFAULT_ROUTE.replace('\t0003\t', '\t0002\t')))).toBe(false);
  });
});

describe('online$', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rx-openvpn-online-test-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('follows the route table and emits on change only', async () => {
    const path = join(dir, 'route');
    await writeFile(path, table(DEFAULT_ROUTE));
    const kinds: string[] = [];
    const subscription = online$({ routeTablePath: path, pollMs: 20 }).subscribe((network) => {
      kinds.push(network.kind);
    });
    try {
      await seen(kinds, 1);
      await writeFile(path, table(LAN_ROUTE));
      await seen(kinds, 2);
      await writeFile(path, table(LAN_ROUTE, DEFAULT_ROUTE));
      await seen(kinds, 3);
      // More polls of an unchanged table emit nothing.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(kinds).toEqual(['Online', 'Offline', 'Online']);
    } finally {
      subscription.unsubscribe();
    }
  });

  it('reports an unreadable table as unknown', async () => {
    const network = await firstValueFrom(online$({ routeTablePath: join(dir, 'missing') }));
    expect(network).toMatchObject({ kind: 'Unknown', reason: expect.stringContaining('ENOENT') });
  });
});
