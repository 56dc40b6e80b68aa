import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { filter, firstValueFrom, timeout } from 'rxjs';
import * as command from '../../../src/management/command.js';
import type { Notification } from '../../../src/management/notification.js';
import type { ManagementSession } from '../../../src/management/session.js';
import type { VpnState } from '../../../src/state/vpn-state.js';
import { Lab } from '../lab/lab.js';
import { Fleet, connected } from './support/fleet.js';
import { floodableClient, sendJunk, udpPortOf, type JunkSender } from './support/junk-udp.js';
import { leftoversOf } from './support/leftovers.js';
import { profileOf } from './support/profile.js';

// Junk datagrams at a client from an address that is not its peer: openvpn 2.6 logs one
// "Incoming packet rejected" line per datagram at any verb from 1, about 100,000 lines a second
// on loopback. The engine reads them from stdout and keeps them off the management link:
// openvpn reads no command while it has management output queued, so a management log this
// fast would starve every command.
const FLOOD_MS = 8_000;
const TEST_TIMEOUT_MS = 90_000;
/** Far below what a flood produces; fewer would mean the junk never reached openvpn. */
const MIN_FLOOD_LINES = 5_000;
/** openvpn counts junk datagrams (40 bytes each) in the link bytes it reads. */
const MIN_FLOOD_BYTES = MIN_FLOOD_LINES * 40;
/** The `status` poll for the tunnel device's counters: a command the engine sends meanwhile. */
const STATUS_POLL_MS = 500;
/** Far fewer `status` answers than the flood has time for at that interval. */
const MIN_STATUS_ANSWERS = 4;
const PID_QUERIES = 20;
const PID_GAP_MS = 100;
/**
 * A generous bound for one `pid` round trip under the flood (openvpn, the sender and the test
 * share two cores with other test files); the benchmark measures it.
 */
const PID_ANSWER_MS = 20_000;
const STOP_DONE_MS = 20_000;
const REJECTED = /Incoming packet rejected/;

const lab = new Lab();
const fleet = new Fleet(`it-scale-junk-${process.pid}`);
const senders: JunkSender[] = [];
const sessions: ManagementSession[] = [];

afterEach(async () => {
  await Promise.all(senders.splice(0).map((sender) => sender.stop()));
  for (const session of sessions.splice(0)) session.close();
  await fleet.stopAll();
});
afterAll(() => lab.cleanup());

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('junk UDP at a client', () => {
  it(
    'floods the log while the state, traffic and a stop stay right',
    async () => {
      // The junk fills the client's socket buffer, so some keepalives are lost: a ping-restart
      // longer than the flood keeps openvpn itself from restarting, and any state change then
      // would be the engine's mistake.
      const server = await lab.server({ kind: 'pull', extra: ['keepalive 10 60'] });
      const tunnel = fleet.start(profileOf(server.clientConfig()), {
        statusPollMs: STATUS_POLL_MS,
      });
      const states: VpnState[] = [];
      tunnel.state$.subscribe((state) => states.push(state));
      let rejected = 0;
      tunnel.log$.subscribe((record) => {
        if (REJECTED.test(record.text)) rejected += 1;
      });
      await connected(tunnel);
      const statesAtConnect = states.length;
      const pid = await firstValueFrom(tunnel.pid$);
      const trafficAtConnect = await firstValueFrom(tunnel.traffic$);

      const sender = sendJunk(udpPortOf(pid));
      senders.push(sender);
      // Each sample is a `status` command answered: the management link works under the flood.
      let statusAnswers = 0;
      const polling = tunnel.tunTraffic$.subscribe(() => (statusAnswers += 1));
      await sleep(FLOOD_MS);
      polling.unsubscribe();
      const trafficInFlood = await firstValueFrom(tunnel.traffic$);
      expect(states.slice(statesAtConnect)).toEqual([]);
      expect(rejected).toBeGreaterThan(MIN_FLOOD_LINES);
      expect(statusAnswers).toBeGreaterThanOrEqual(MIN_STATUS_ANSWERS);
      // Keepalives still get through: the counters keep moving under the flood.
      expect(trafficInFlood.bytesIn).toBeGreaterThan(trafficAtConnect.bytesIn);

      // Stopping in the middle of the flood ends as a requested stop, and leaves nothing.
      tunnel.stop();
      const last = await Promise.race([
        tunnel.done,
        new Promise((resolve) => setTimeout(resolve, STOP_DONE_MS, 'still running').unref()),
      ]);
      expect(last).toMatchObject({ phase: 'stopped' });
      const sent = await sender.stop();
      expect(sent).toBeGreaterThan(rejected / 2);
      expect(leftoversOf(fleet.appId)).toEqual({ openvpnPids: [], runtimeDirs: [], sockets: [] });
      process.stdout.write(
        `junk flood: ${rejected} rejected-packet log records in ~${FLOOD_MS} ms, ${sent} datagrams sent\n`,
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'leaves the management interface answering `pid` while its log floods',
    async () => {
      const server = await lab.server({ kind: 'p2p' });
      const { openvpn: client, session } = await floodableClient(lab, server);
      sessions.push(session);
      const bytecount$ = session.notification$.pipe(
        filter((n): n is Extract<Notification, { type: 'bytecount' }> => n.type === 'bytecount'),
      );
      const bytesBefore = (await firstValueFrom(bytecount$)).bytesIn;
      let bytesIn = bytesBefore;
      const counting = bytecount$.subscribe((n) => (bytesIn = n.bytesIn));

      const sender = sendJunk(udpPortOf(client.pid));
      senders.push(sender);
      await sleep(FLOOD_MS / 4);
      const answered: number[] = [];
      for (let i = 0; i < PID_QUERIES; i += 1) {
        answered.push(
          await firstValueFrom(session.send(command.pid()).pipe(timeout(PID_ANSWER_MS))),
        );
        await sleep(PID_GAP_MS);
      }
      await sender.stop();

      expect(new Set(answered)).toEqual(new Set([client.pid]));
      counting.unsubscribe();
      expect(bytesIn - bytesBefore).toBeGreaterThan(MIN_FLOOD_BYTES);
    },
    TEST_TIMEOUT_MS,
  );
});
