import { afterEach, describe, expect, it } from '@jest/globals';
import { EngineBed, TEST_TIMEOUT_MS, profileOf, reach } from './support/engine-bed.js';

const bed = new EngineBed('listen-mode');
afterEach(() => bed.teardown());

describe('the engine with openvpn listening for management', () => {
  it(
    'connects, then stops openvpn through the management signal',
    async () => {
      const server = await bed.lab.server({ kind: 'p2p' });
      const watched = bed.start({
        profile: profileOf(server.clientConfig()),
        management: { kind: 'listen' },
      });
      const log: string[] = [];
      watched.tunnel.log$.subscribe((record) => log.push(record.text));

      const connected = await reach(watched, 'connected', (s) => s.phase === 'connected');
      expect(connected).toMatchObject({ remote: { host: '127.0.0.1', port: server.port } });
      expect(log).toContainEqual(expect.stringMatching(/MANAGEMENT: unix domain socket listening/));

      watched.tunnel.stop();
      expect(await watched.tunnel.done).toEqual({
        phase: 'stopped',
        at: expect.any(Number),
        exitCode: 0,
      });
      expect(log).toContain(`MANAGEMENT: CMD 'signal "SIGTERM"'`);
    },
    TEST_TIMEOUT_MS,
  );
});
