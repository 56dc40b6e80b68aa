import { afterEach, describe, expect, it } from '@jest/globals';
import { firstValueFrom, take } from 'rxjs';
import {
  EngineBed,
  TEST_TIMEOUT_MS,
  openvpnOf,
  profileOf,
  reach,
  runtimeDirsOf,
} from './support/engine-bed.js';
import { hasExited, identityOf } from './support/process-watch.js';

const bed = new EngineBed('stop');
afterEach(() => bed.teardown());

const SHORT_DEADLINES = { managementMs: 500, sigtermMs: 500, sigkillMs: 2_000 };

describe('stopping the engine', () => {
  it(
    'SIGKILLs a frozen openvpn once the management and SIGTERM deadlines pass',
    async () => {
      const server = await bed.lab.server({ kind: 'p2p' });
      const watched = bed.start({
        profile: profileOf(server.clientConfig()),
        stop: SHORT_DEADLINES,
      });
      await reach(watched, 'connected', (s) => s.phase === 'connected');
      const openvpn = await openvpnOf(watched);

      // A stopped process answers nothing, and SIGTERM stays pending until SIGCONT.
      process.kill(openvpn.pid, 'SIGSTOP');
      watched.tunnel.stop();

      expect(await watched.tunnel.done).toMatchObject({ phase: 'stopped', signal: 'SIGKILL' });
      expect(hasExited(openvpn)).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'ends stopped when stopped right after the start, before anything is spawned',
    async () => {
      const server = await bed.lab.server({ kind: 'p2p' });
      const watched = bed.start({ profile: profileOf(server.clientConfig()) });
      watched.tunnel.stop();

      expect(await watched.tunnel.done).toMatchObject({ phase: 'stopped' });
      expect(watched.states.map((s) => s.phase)).not.toContain('connecting');
      expect(await firstValueFrom(watched.tunnel.pid$, { defaultValue: 'none' })).toBe('none');
      expect(await runtimeDirsOf(bed.appId)).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'ends stopped when stopped the moment openvpn is spawned, leaving nothing running',
    async () => {
      const server = await bed.lab.server({ kind: 'p2p' });
      const watched = bed.start({ profile: profileOf(server.clientConfig()) });
      // In the very emission of the pid: openvpn has just been exec'd.
      const pid = await new Promise<number>((resolve) => {
        watched.tunnel.pid$.pipe(take(1)).subscribe((spawned) => {
          watched.tunnel.stop();
          resolve(spawned);
        });
      });

      expect(await watched.tunnel.done).toMatchObject({ phase: 'stopped' });
      expect(watched.states.map((s) => s.phase)).not.toContain('connected');
      expect(identityOf(pid)).toBeUndefined();
      expect(await runtimeDirsOf(bed.appId)).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'stops a tunnel with explicit-exit-notify through the management signal: exit code 0',
    async () => {
      const server = await bed.lab.server({ kind: 'p2p' });
      const watched = bed.start({
        profile: profileOf(server.clientConfig(['explicit-exit-notify 2'])),
      });
      await reach(watched, 'connected', (s) => s.phase === 'connected');
      const log: string[] = [];
      watched.tunnel.log$.subscribe((record) => log.push(record.text));
      watched.tunnel.stop();

      const final = await watched.tunnel.done;
      expect(final).toEqual({ phase: 'stopped', at: expect.any(Number), exitCode: 0 });
      // The server heard the goodbye: the peer said it was leaving.
      expect(server.output()).toMatch(/remote-exit/);
      // openvpn logs the command it obeyed, then the goodbye it sends before exiting.
      expect(log).toContain(`MANAGEMENT: CMD 'signal "SIGTERM"'`);
      expect(log).toContain('SIGTERM received, sending exit notification to peer');
    },
    TEST_TIMEOUT_MS,
  );
});
