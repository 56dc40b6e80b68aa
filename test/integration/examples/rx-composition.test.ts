import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Lab } from '../lab/lab.js';
import { BUILD_TIMEOUT_MS, buildExamples, type BuiltExamples } from './support/built-examples.js';
import { ExampleBed, LINE_TIMEOUT_MS, openvpnsGone, openvpnsUnder } from './support/example-bed.js';

const SOURCE = 'rx-composition/main.ts';
const TEST_TIMEOUT_MS = 180_000;
const bed = new ExampleBed('composition');
// The build outlives each test's teardown.
const buildLab = new Lab();
let built: BuiltExamples;

beforeAll(async () => {
  built = await buildExamples(await buildLab.tempDir(), [SOURCE]);
}, BUILD_TIMEOUT_MS);
afterAll(() => buildLab.cleanup());
afterEach(() => bed.teardown());

const HEADER = 'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT';
const LAN_ROUTE = 'eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0';
const DEFAULT_ROUTE = 'eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0';

/** A fake /proc/net/route the example polls; replaced whole, as the kernel's reads are. */
const routeTable = (dir: string) => {
  const path = join(dir, 'route');
  const write = async (routes: readonly string[]): Promise<void> => {
    await writeFile(`${path}.new`, [HEADER, ...routes, ''].join('\n'));
    await rename(`${path}.new`, path);
  };
  return {
    path,
    online: () => write([LAN_ROUTE, DEFAULT_ROUTE]),
    offline: () => write([LAN_ROUTE]),
  };
};

describe('examples/rx-composition', () => {
  it(
    'waits for a default route, retries a failed session after 1 s, pauses while offline',
    async () => {
      const server = await bed.lab.server({ kind: 'p2p' });
      const dir = await bed.lab.tempDir();
      const profile = join(dir, 'client.ovpn');
      await writeFile(profile, server.clientConfig(), { mode: 0o600 });
      const routes = routeTable(dir);
      await routes.offline();
      const { run, tmpDir } = await bed.start(built.script(SOURCE), [profile], {
        RX_OPENVPN_EXAMPLE_ROUTE_TABLE: routes.path,
      });
      const connected = new RegExp(` connected to 127\\.0\\.0\\.1:${server.port}$`);

      // Offline at start: no session.
      let at = await run.waitForLine(/ network offline: no default route/);
      expect(await openvpnsUnder(tmpDir)).toEqual([]);

      await routes.online();
      at = await run.waitForLine(/ network online$/, at);
      at = await run.waitForLine(connected, at);
      at = await run.waitForLine(/ connected for 0 min$/, at);

      // openvpn dies: the session fails, a new one follows after the first back-off.
      const [openvpn] = await openvpnsUnder(tmpDir);
      process.kill(openvpn!, 'SIGKILL');
      at = await run.waitForLine(/ failed PROCESS_EXITED: /, at);
      at = await run.waitForLine(/ retry in 1 s \(failure 1 in a row\)$/, at);
      at = await run.waitForLine(/ starting$/, at);
      at = await run.waitForLine(connected, at);

      // Offline: the session is dropped and openvpn stopped, until the route is back.
      await routes.offline();
      at = await run.waitForLine(/ network offline: /, at);
      expect(await openvpnsGone(tmpDir, LINE_TIMEOUT_MS)).toBe(true);
      await routes.online();
      at = await run.waitForLine(/ network online$/, at);
      await run.waitForLine(connected, at);

      expect(await run.interrupted()).toEqual({ code: 0, signal: null });
      expect(run.lines().at(-1)).toMatch(/ interrupted: stopping openvpn$/);
      expect(run.stderr).toBe('');
      // Every session came from a new subscription: one start each.
      const starts = run.lines().filter((line) => line.endsWith(' starting'));
      expect(starts).toHaveLength(3);
    },
    TEST_TIMEOUT_MS,
  );
});
