import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Observable, Subscription } from 'rxjs';
import { ReplaySubject, filter, firstValueFrom, lastValueFrom, take, timeout, toArray } from 'rxjs';
import { buildLaunchCommand } from '../../../src/launcher/build-launch-command.js';
import { findOpenvpn } from '../../../src/launcher/find-openvpn.js';
import type { LaunchCommand } from '../../../src/launcher/launch-command.js';
import type { ProcessEvent, ProcessSpawned } from '../../../src/process/process-event.js';
import { procfsProcessInfo } from '../../../src/process/process-info.js';
import { processStopSteps } from '../../../src/process/process-stop-steps.js';
import { signalProcess } from '../../../src/process/signal-process.js';
import { spawnProcess } from '../../../src/process/spawn-process.js';
import type { StopProgress } from '../../../src/process/stop-escalation.js';
import { stopEscalation } from '../../../src/process/stop-escalation.js';

const SAMPLE_KEYS = '/usr/share/doc/openvpn/examples/sample-keys';
const TEST_TIMEOUT_MS = 30_000;
const READY_TIMEOUT_MS = 10_000;
const GONE_TIMEOUT_MS = 8_000;
const POLL_INTERVAL_MS = 50;

// A client that never connects: nothing answers on UDP port 1, so it retries until stopped.
const NEVER_CONNECTING_PROFILE = [
  'client',
  'dev null',
  'nobind',
  'proto udp',
  'remote 127.0.0.1 1',
  `ca ${SAMPLE_KEYS}/ca.crt`,
  `cert ${SAMPLE_KEYS}/client.crt`,
  `key ${SAMPLE_KEYS}/client.key`,
  'verb 3',
].join('\n');
// Logged once the socket is set up, in the main event loop with its signal handlers.
const READY_LINE = /link remote:/;

const processInfo = procfsProcessInfo();
let dir = '';
const subscriptions: Subscription[] = [];
const started: ProcessSpawned[] = [];

const openvpnPath = (): string => {
  const found = findOpenvpn({
    path: process.env['OPENVPN_BIN'],
    envPath: process.env['PATH'],
    platform: process.platform,
    exists: existsSync,
  });
  if (found._tag === 'Left') throw found.left;
  return found.right;
};

const directCommand = (args: readonly string[]): LaunchCommand => {
  const built = buildLaunchCommand({
    openvpnPath: openvpnPath(),
    openvpnArgs: args,
    launcher: { kind: 'direct' },
    platform: process.platform,
  });
  if (built._tag === 'Left') throw built.left;
  return built.right;
};

const isGone = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
};

const waitUntilGone = async (pid: number): Promise<boolean> => {
  const deadline = Date.now() + GONE_TIMEOUT_MS;
  while (!isGone(pid) && Date.now() < deadline) await sleep(POLL_INTERVAL_MS);
  return isGone(pid);
};

const hasLine = (event: ProcessEvent, pattern: RegExp): boolean =>
  event.kind === 'StdoutLine' && pattern.test(event.line);

/** Starts openvpn on the never-connecting profile; resolves once it runs its event loop. */
const startOpenvpn = async () => {
  const profile = join(dir, 'client.ovpn');
  await writeFile(profile, NEVER_CONNECTING_PROFILE);
  // Replays everything: the exit reaches late subscribers, as stopEscalation requires.
  const event$ = new ReplaySubject<ProcessEvent>();
  subscriptions.push(spawnProcess(directCommand(['--config', profile])).subscribe(event$));
  const spawned = await firstValueFrom(
    event$.pipe(filter((event): event is ProcessSpawned => event.kind === 'ProcessSpawned')),
  );
  started.push(spawned);
  await firstValueFrom(
    event$.pipe(
      filter((event) => hasLine(event, READY_LINE)),
      timeout(READY_TIMEOUT_MS),
    ),
  );
  const exited$: Observable<ProcessEvent> = event$.pipe(
    filter((event) => event.kind === 'ProcessExited'),
    take(1),
  );
  return { spawned, event$, exited$ };
};

const lastOf = (progress: readonly StopProgress[]): StopProgress | undefined => progress.at(-1);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rx-openvpn-spawn-'));
});

afterEach(async () => {
  // Whatever a failed test left: unsubscribing stops it, SIGKILL makes sure (start time
  // checked, so a reused pid is spared), and the temp dir goes.
  subscriptions.splice(0).forEach((subscription) => {
    subscription.unsubscribe();
  });
  for (const { pid, startTime } of started.splice(0)) {
    signalProcess(pid, startTime, 'SIGCONT', { processInfo });
    signalProcess(pid, startTime, 'SIGKILL', { processInfo });
    await waitUntilGone(pid);
  }
  await rm(dir, { recursive: true, force: true });
});

describe('spawnProcess with the real openvpn', () => {
  it(
    'streams the lines of openvpn --version, then its exit code',
    async () => {
      const events = await lastValueFrom(
        spawnProcess(directCommand(['--version'])).pipe(toArray()),
      );
      const [first] = events;
      if (first?.kind === 'ProcessSpawned') started.push(first);
      expect(first?.kind).toBe('ProcessSpawned');
      expect(events.some((event) => hasLine(event, /^OpenVPN 2\.\d+\.\d+ /))).toBe(true);
      expect(events.at(-1)).toEqual({ kind: 'ProcessExited', code: 0, signal: null });
      expect(first?.kind === 'ProcessSpawned' && isGone(first.pid)).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'stops a running openvpn with SIGTERM when there is no management interface',
    async () => {
      const { spawned, event$, exited$ } = await startOpenvpn();
      const steps = processStopSteps({ target: spawned, signalDeps: { processInfo } });
      const progress = await lastValueFrom(stopEscalation(exited$, steps).pipe(toArray()));
      expect(progress[0]).toEqual({ kind: 'StopStepStarted', step: 'sigterm' });
      expect(lastOf(progress)).toMatchObject({ kind: 'StopFinished', via: 'sigterm' });
      const lines = await lastValueFrom(event$.pipe(toArray()));
      expect(lines.some((event) => hasLine(event, /SIGTERM.*received, process exiting/))).toBe(
        true,
      );
      expect(lines.at(-1)).toEqual({ kind: 'ProcessExited', code: 0, signal: null });
      expect(isGone(spawned.pid)).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'SIGKILLs a stopped (SIGSTOP) openvpn at the SIGTERM deadline',
    async () => {
      const { spawned, exited$ } = await startOpenvpn();
      process.kill(spawned.pid, 'SIGSTOP');
      const steps = processStopSteps({
        target: spawned,
        signalDeps: { processInfo },
        graces: { sigterm: 300, sigkill: 3_000 },
      });
      const progress = await lastValueFrom(stopEscalation(exited$, steps).pipe(toArray()));
      expect(progress.map((step) => step.kind === 'StopStepStarted' && step.step)).toEqual([
        'sigterm',
        'sigkill',
        false,
      ]);
      const finished = lastOf(progress);
      expect(finished).toMatchObject({ kind: 'StopFinished', via: 'sigkill' });
      expect(finished?.kind === 'StopFinished' && finished.elapsedMs).toBeGreaterThanOrEqual(300);
      expect(await firstValueFrom(exited$)).toEqual({
        kind: 'ProcessExited',
        code: null,
        signal: 'SIGKILL',
      });
      expect(isGone(spawned.pid)).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'stops openvpn when the subscriber leaves before its exit',
    async () => {
      const { spawned } = await startOpenvpn();
      subscriptions.splice(0).forEach((subscription) => {
        subscription.unsubscribe();
      });
      expect(await waitUntilGone(spawned.pid)).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it('reports a missing binary as OPENVPN_NOT_FOUND, without throwing', async () => {
    const missing = join(dir, 'sbin', 'openvpn');
    const found = findOpenvpn({ path: missing, platform: 'linux', exists: existsSync });
    expect(found._tag === 'Left' && found.left.code).toBe('OPENVPN_NOT_FOUND');
    const events = await lastValueFrom(
      spawnProcess({ file: missing, args: ['--version'] }).pipe(toArray()),
    );
    expect(events.map((event) => event.kind === 'SpawnFailed' && event.error.code)).toEqual([
      'OPENVPN_NOT_FOUND',
    ]);
  });

  it('reports a binary it may not execute as PERMISSION_DENIED', async () => {
    const notExecutable = join(dir, 'openvpn');
    await writeFile(notExecutable, '#!/bin/sh\n', { mode: 0o644 });
    const events = await lastValueFrom(
      spawnProcess({ file: notExecutable, args: [] }).pipe(toArray()),
    );
    expect(events.map((event) => event.kind === 'SpawnFailed' && event.error.code)).toEqual([
      'PERMISSION_DENIED',
    ]);
  });
});
