import { afterAll, describe, expect, it } from '@jest/globals';
import { firstValueFrom } from 'rxjs';
import type { LogRecord } from '../../../src/engine/tunnel-output.js';
import type { VpnState } from '../../../src/state/vpn-state.js';
import { Lab } from '../lab/lab.js';
import { Fleet, connected } from './support/fleet.js';
import { leftoversOf } from './support/leftovers.js';
import { profileOf } from './support/profile.js';

/**
 * Verb 5 to 8 add little on an idle tunnel (a line per keepalive packet); from 9 openvpn 2.6
 * also logs every event-loop wake-up. With the log also sent over management (`log on`), each
 * line sent wakes the loop again: tens of thousands of lines a second, on stdout and over
 * management.
 */
const FLOOD_VERB = 9;
const FLOOD_MS = 20_000;
const TEST_TIMEOUT_MS = 90_000;
/** Fewer lines than this in the flood window would mean the flood never happened. */
const MIN_LOG_LINES = 10_000;

const lab = new Lab();
const fleet = new Fleet(`it-scale-flood-${process.pid}`);

afterAll(async () => {
  await fleet.stopAll();
  await lab.cleanup();
});

describe('a tunnel with a verbose log', () => {
  it(
    `stays connected for ${FLOOD_MS / 1000} s while log$ floods from both sources, and ` +
      'traffic keeps counting',
    async () => {
      const server = await lab.server({ kind: 'pull' });
      const tunnel = fleet.start(profileOf(server.clientConfig([`verb ${FLOOD_VERB}`])), {
        managementLog: true,
      });
      const states: VpnState[] = [];
      tunnel.state$.subscribe((state) => states.push(state));
      let lines = 0;
      let longest = 0;
      const sources = new Set<LogRecord['source']>();
      tunnel.log$.subscribe((record) => {
        lines += 1;
        longest = Math.max(longest, record.text.length);
        sources.add(record.source);
      });

      await connected(tunnel);
      const statesAtConnect = states.length;
      const linesAtConnect = lines;
      const trafficAtConnect = await firstValueFrom(tunnel.traffic$);
      await new Promise((resolve) => setTimeout(resolve, FLOOD_MS));
      const trafficAfter = await firstValueFrom(tunnel.traffic$);

      expect(states.slice(statesAtConnect)).toEqual([]);
      expect(states.at(-1)?.phase).toBe('connected');
      expect(lines - linesAtConnect).toBeGreaterThan(MIN_LOG_LINES);
      expect(sources).toEqual(new Set(['management', 'stdout']));
      // Keepalives alone move the counters on a tun device without addresses.
      expect(trafficAfter.bytesIn).toBeGreaterThan(trafficAtConnect.bytesIn);
      expect(trafficAfter.bytesOut).toBeGreaterThan(trafficAtConnect.bytesOut);
      process.stdout.write(
        `log flood: ${lines - linesAtConnect} lines in ${FLOOD_MS} ms, longest ${longest} ` +
          `chars, sources ${[...sources].join('+')}\n`,
      );

      expect(await fleet.stop(tunnel)).toMatchObject({ phase: 'stopped' });
      expect(leftoversOf(fleet.appId)).toEqual({ openvpnPids: [], runtimeDirs: [], sockets: [] });
    },
    TEST_TIMEOUT_MS,
  );
});
