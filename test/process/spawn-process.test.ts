import { PassThrough } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from '@jest/globals';
import { VirtualTimeScheduler, lastValueFrom, toArray } from 'rxjs';
import type { ProcessInfo } from '../../src/process/process-info.js';
import type { ChildEnd, SpawnedChild } from '../../src/process/spawner.js';
import { spawnProcess } from '../../src/process/spawn-process.js';

const COMMAND = { file: '/usr/sbin/openvpn', args: ['--config', 'a.ovpn'] };
const START_TIME = 777;
const knownPids: ProcessInfo = { startTime: (pid) => (pid === 4242 ? START_TIME : undefined) };

/** A child whose output, exit and received signals the test controls. */
const fakeChild = (started: number | 'not-started' = 4242) => {
  const pid = started === 'not-started' ? undefined : started;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const signals: NodeJS.Signals[] = [];
  let settle: (end: ChildEnd) => void = () => undefined;
  let exited = false;
  const child: SpawnedChild = {
    pid,
    stdout,
    stderr,
    end: new Promise<ChildEnd>((resolve) => {
      settle = resolve;
    }),
    kill: (signal) => {
      if (exited || pid === undefined) return false;
      signals.push(signal);
      return true;
    },
  };
  const exit = (end: ChildEnd, closePipes = true): void => {
    exited = true;
    if (closePipes) {
      stdout.end();
      stderr.end();
    }
    settle(end);
  };
  return { child, stdout, stderr, signals, exit };
};

describe('spawnProcess', () => {
  it('reports spawn, output lines as they come, then the exit, and completes', async () => {
    const fake = fakeChild();
    const events = lastValueFrom(
      spawnProcess(COMMAND, { spawner: () => fake.child, processInfo: knownPids }).pipe(toArray()),
    );
    fake.stdout.write('OpenVPN 2.6.14 x86_64\nInitialization Seq');
    fake.stderr.write('a warning\r\n');
    fake.stdout.write('uence Completed\nlast line without newline');
    fake.exit({ kind: 'Exited', code: 0, signal: null });
    expect(await events).toEqual([
      { kind: 'ProcessSpawned', pid: 4242, startTime: START_TIME },
      { kind: 'StdoutLine', line: 'OpenVPN 2.6.14 x86_64' },
      { kind: 'StderrLine', line: 'a warning' },
      { kind: 'StdoutLine', line: 'Initialization Sequence Completed' },
      { kind: 'StdoutLine', line: 'last line without newline' },
      { kind: 'ProcessExited', code: 0, signal: null },
    ]);
    expect(fake.signals).toEqual([]);
  });

  it('bounds line length', async () => {
    const fake = fakeChild();
    const events = lastValueFrom(
      spawnProcess(COMMAND, {
        spawner: () => fake.child,
        processInfo: knownPids,
        maxLineLength: 4,
      }).pipe(toArray()),
    );
    fake.stdout.write('abcdefgh\nij\n');
    fake.exit({ kind: 'Exited', code: null, signal: 'SIGTERM' });
    expect(await events).toEqual([
      { kind: 'ProcessSpawned', pid: 4242, startTime: START_TIME },
      { kind: 'StdoutLine', line: 'abcd' },
      { kind: 'StdoutLine', line: 'ij' },
      { kind: 'ProcessExited', code: null, signal: 'SIGTERM' },
    ]);
  });

  it.each([
    ['ENOENT', 'OPENVPN_NOT_FOUND'],
    ['EACCES', 'PERMISSION_DENIED'],
    ['EPERM', 'PERMISSION_DENIED'],
    ['E2BIG', 'SPAWN_FAILED'],
    [undefined, 'SPAWN_FAILED'],
  ])('turns a spawn failing with %s into a lone SpawnFailed %s', async (errno, code) => {
    const fake = fakeChild('not-started');
    const events = lastValueFrom(
      spawnProcess(COMMAND, { spawner: () => fake.child, processInfo: knownPids }).pipe(toArray()),
    );
    fake.exit({ kind: 'NotStarted', errno, cause: new Error('spawn failed') });
    const [only, ...rest] = await events;
    expect(rest).toEqual([]);
    expect(only?.kind === 'SpawnFailed' && only.error.code).toBe(code);
    expect(only?.kind === 'SpawnFailed' && only.error.details).toEqual({
      file: COMMAND.file,
      errno,
    });
  });

  it('refuses to supervise a process whose start time cannot be read, and stops it', async () => {
    const fake = fakeChild(99);
    const events = await lastValueFrom(
      spawnProcess(COMMAND, {
        spawner: () => fake.child,
        processInfo: knownPids,
        scheduler: new VirtualTimeScheduler(),
      }).pipe(toArray()),
    );
    expect(events.map((event) => event.kind === 'SpawnFailed' && event.error.code)).toEqual([
      'SPAWN_FAILED',
    ]);
    expect(fake.signals).toEqual(['SIGTERM']);
  });

  it('on unsubscribe before exit, sends SIGTERM, then SIGKILL after the grace', () => {
    const fake = fakeChild();
    const scheduler = new VirtualTimeScheduler();
    const subscription = spawnProcess(COMMAND, {
      spawner: () => fake.child,
      processInfo: knownPids,
      scheduler,
    }).subscribe();
    subscription.unsubscribe();
    expect(fake.signals).toEqual(['SIGTERM']);
    // The pipes are still drained, so openvpn cannot block on a full one while it exits.
    expect(fake.stdout.readableFlowing).toBe(true);
    expect(fake.stderr.readableFlowing).toBe(true);
    scheduler.flush();
    expect(fake.signals).toEqual(['SIGTERM', 'SIGKILL']);
  });

  it('sends no SIGKILL when the process exits within the grace after SIGTERM', async () => {
    const fake = fakeChild();
    const scheduler = new VirtualTimeScheduler();
    spawnProcess(COMMAND, { spawner: () => fake.child, processInfo: knownPids, scheduler })
      .subscribe()
      .unsubscribe();
    fake.exit({ kind: 'Exited', code: null, signal: 'SIGTERM' });
    await nextTurn();
    scheduler.flush();
    expect(fake.signals).toEqual(['SIGTERM']);
  });

  it('reports the exit even when a grandchild keeps the pipes open', async () => {
    const fake = fakeChild();
    const scheduler = new VirtualTimeScheduler();
    const events = lastValueFrom(
      spawnProcess(COMMAND, {
        spawner: () => fake.child,
        processInfo: knownPids,
        scheduler,
      }).pipe(toArray()),
    );
    fake.stdout.write('before exit\n');
    fake.exit({ kind: 'Exited', code: 0, signal: null }, false);
    await nextTurn();
    scheduler.flush();
    expect(await events).toEqual([
      { kind: 'ProcessSpawned', pid: 4242, startTime: START_TIME },
      { kind: 'StdoutLine', line: 'before exit' },
      { kind: 'ProcessExited', code: 0, signal: null },
    ]);
    fake.stdout.destroy();
    fake.stderr.destroy();
  });

  it('does not start anything until subscribed', () => {
    const spawned: string[] = [];
    const process$ = spawnProcess(COMMAND, {
      spawner: (command) => {
        spawned.push(command.file);
        return fakeChild().child;
      },
      processInfo: knownPids,
      scheduler: new VirtualTimeScheduler(),
    });
    expect(spawned).toEqual([]);
    const subscription = process$.subscribe();
    expect(spawned).toEqual([COMMAND.file]);
    subscription.unsubscribe();
  });
});
