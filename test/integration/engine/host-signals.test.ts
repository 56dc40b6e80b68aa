import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildEngine, type BuiltEngine } from './support/built-engine.js';
import { EngineBed, TEST_TIMEOUT_MS, runtimeDirsOf } from './support/engine-bed.js';
import { phasesOf, startHost, type RunningHost } from './support/engine-host.js';
import { hasExited } from './support/process-watch.js';

const bed = new EngineBed('host-signals');
let built: BuiltEngine | undefined;
const BUILD_TIMEOUT_MS = 120_000;
/** A graceful stop of a healthy openvpn takes milliseconds; the deadlines sum to 10 s. */
const HOST_EXIT_MS = 15_000;

beforeAll(async () => {
  built = await buildEngine();
}, BUILD_TIMEOUT_MS);
afterAll(() => built?.remove());
afterEach(() => bed.teardown());

const hostFor = async (ownSigint = false): Promise<RunningHost> => {
  if (built === undefined) throw new Error('the engine was not built');
  const server = await bed.lab.server({ kind: 'p2p' });
  return startHost(bed, built, server.clientConfig(), { ownSigint });
};

/** How the host ended, or `undefined` if it still runs after `timeoutMs`. */
const exitOf = async (
  host: RunningHost,
  timeoutMs: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> => {
  if (host.child.exitCode !== null || host.child.signalCode !== null) {
    return { code: host.child.exitCode, signal: host.child.signalCode };
  }
  const exited = once(host.child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  return Promise.race([exited, sleep(timeoutMs, undefined, { ref: false }).then(() => undefined)]);
};

describe('a host process signalled while its tunnel runs', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'stops openvpn gracefully on %s, cleans up, then ends by that signal',
    async (signal) => {
      const host = await hostFor();
      host.child.kill(signal);

      expect(await exitOf(host, HOST_EXIT_MS)).toEqual({ code: null, signal });
      // The stop ran to its end inside the host: stopping, then stopped, not a SIGKILL from
      // the exit hook.
      expect(phasesOf(host.stdout()).slice(-2)).toEqual(['stopping', 'stopped']);
      expect(hasExited(host.openvpn)).toBe(true);
      expect(await runtimeDirsOf(bed.appId)).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'leaves the signal to a host that listens for it, after stopping the tunnel',
    async () => {
      const host = await hostFor(true);
      host.child.kill('SIGINT');

      // Still running once the stop is over: the host chose what SIGINT means.
      await expect(
        (async () => {
          for (;;) {
            if (phasesOf(host.stdout()).includes('stopped')) return true;
            await sleep(50);
          }
        })(),
      ).resolves.toBe(true);
      expect(host.stdout()).toContain('{"host":"SIGINT"}');
      expect(await exitOf(host, 500)).toBeUndefined();
      expect(hasExited(host.openvpn)).toBe(true);
      expect(await runtimeDirsOf(bed.appId)).toEqual([]);
      host.child.kill('SIGKILL');
      await once(host.child, 'exit');
    },
    TEST_TIMEOUT_MS,
  );
});
