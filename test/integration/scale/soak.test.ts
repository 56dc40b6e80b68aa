import { afterAll, describe, expect, it } from '@jest/globals';
import { Lab } from '../lab/lab.js';
import { Fleet, connected } from './support/fleet.js';
import { leftoversOf, openFdCount } from './support/leftovers.js';
import { profileOf } from './support/profile.js';

const CYCLE_COUNT = 50;
const TEST_TIMEOUT_MS = 240_000;

const lab = new Lab();
const fleet = new Fleet(`it-scale-soak-${process.pid}`);

afterAll(async () => {
  await fleet.stopAll();
  await lab.cleanup();
});

describe('connect/stop cycles in one process', () => {
  it(
    `runs ${CYCLE_COUNT} cycles and leaves no process, directory, socket or descriptor`,
    async () => {
      const server = await lab.server({ kind: 'pull' });
      const profile = profileOf(server.clientConfig());
      const cycle = async (): Promise<void> => {
        const tunnel = fleet.start(profile);
        await connected(tunnel);
        expect(await fleet.stop(tunnel)).toMatchObject({ phase: 'stopped' });
      };
      // One cycle first, so lazily opened handles (libuv's pools, ps-list's first run) are
      // already in the baseline.
      await cycle();
      const fdsBefore = openFdCount();
      for (let i = 0; i < CYCLE_COUNT; i += 1) await cycle();

      expect(leftoversOf(fleet.appId)).toEqual({ openvpnPids: [], runtimeDirs: [], sockets: [] });
      expect(openFdCount()).toBeLessThanOrEqual(fdsBefore);
    },
    TEST_TIMEOUT_MS,
  );
});
