import { describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { ReplaySubject, Subject, firstValueFrom, queueScheduler } from 'rxjs';
import { createCliConsole } from '../../../src/cli/commands/cli-console.js';
import type { CliIo } from '../../../src/cli/commands/cli-io.js';
import { captureInterrupts } from '../../../src/cli/commands/interrupts.js';
import { runTunnelSession } from '../../../src/cli/commands/tunnel-session.js';
import type { EngineOptions } from '../../../src/engine/engine-options.js';
import type { TunTrafficSample } from '../../../src/engine/tunnel-output.js';
import type { LogRecord } from '../../../src/engine/tunnel-output.js';
import type { StopKind } from '../../../src/engine/tunnel.js';
import type { Tunnel } from '../../../src/engine/vpn.js';
import type { Profile } from '../../../src/profile/profile-model.js';
import type { Traffic } from '../../../src/state/traffic.js';
import type { VpnState } from '../../../src/state/vpn-state.js';

const AT = 1_767_225_600_000;

// A tunnel driven by the test: states pushed by hand, `done` once a terminal state is pushed.
const fakeTunnel = () => {
  const state$ = new ReplaySubject<VpnState>(1);
  const log$ = new Subject<LogRecord>();
  const stops: StopKind[] = [];
  let options: EngineOptions | undefined;
  let finish: (state: VpnState) => void = () => undefined;
  const done = new Promise<VpnState>((resolve) => {
    finish = resolve;
  });
  const tunnel: Tunnel = {
    state$,
    traffic$: new Subject<Traffic>(),
    log$,
    pid$: new Subject<number>(),
    tunTraffic$: new Subject<TunTrafficSample>(),
    stop: (kind = 'graceful') => {
      stops.push(kind);
    },
    done,
  };
  return {
    stops,
    log$,
    options: () => options,
    push: (state: VpnState) => {
      state$.next(state);
      if (state.phase === 'stopped' || state.phase === 'failed') {
        state$.complete();
        finish(state);
      }
    },
    start: (given: EngineOptions): Tunnel => {
      options = given;
      return tunnel;
    },
  };
};

const fakeIo = () => {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const signal$ = new Subject<NodeJS.Signals>();
  const io: CliIo = {
    stdout: { write: (chunk: string) => stdout.push(chunk), isTTY: false },
    stderr: { write: (chunk: string) => stderr.push(chunk), isTTY: false },
    stdin: new PassThrough(),
    interrupt$: signal$,
  };
  return { io, stdout, stderr, signal$ };
};

const setUp = (options: { readonly json: boolean; readonly verbosity?: number }) => {
  const fake = fakeTunnel();
  const { io, stdout, stderr, signal$ } = fakeIo();
  const interrupts = captureInterrupts(io.interrupt$);
  const cli = createCliConsole(io, {
    json: options.json,
    verbosity: options.verbosity ?? 0,
    now: () => AT,
  });
  const stop$ = new Subject<StopKind>();
  const exit = runTunnelSession({
    engine: { profile: {} as Profile, appId: 'session-test' },
    authFile: undefined,
    io,
    console: cli,
    interrupts,
    stop$,
    scheduler: queueScheduler,
    startTunnel: fake.start,
  });
  return { fake, stdout, stderr, signal$, stop$, exit, interrupts };
};

describe('runTunnelSession', () => {
  it('prints one JSON line per state and exits 0 after a requested stop', async () => {
    const { fake, stdout, stderr, exit } = setUp({ json: true });
    fake.push({ phase: 'starting', at: AT });
    fake.push({ phase: 'connected', at: AT + 1, since: AT + 1 });
    fake.push({ phase: 'stopping', at: AT + 2, requested: true });
    fake.push({ phase: 'stopped', at: AT + 3, exitCode: 0 });
    expect(await exit).toBe(0);
    expect(stdout.map((line) => (JSON.parse(line) as { phase: string }).phase)).toEqual([
      'starting',
      'connected',
      'stopping',
      'stopped',
    ]);
    expect(stderr).toEqual([]);
  });

  it('exits 1 after a failure and says why on stderr', async () => {
    const { fake, stderr, exit } = setUp({ json: true });
    fake.push({
      phase: 'failed',
      at: AT,
      error: { code: 'AUTH_FAILED', message: 'the server refused\u001b[31m the login' },
    });
    expect(await exit).toBe(1);
    expect(stderr).toEqual(['rx-openvpn: AUTH_FAILED: the server refused the login\n']);
  });

  it('stops gracefully at the first interrupt and kills at the second', async () => {
    const { fake, signal$, exit } = setUp({ json: true });
    fake.push({ phase: 'connected', at: AT, since: AT });
    signal$.next('SIGINT');
    expect(fake.stops).toEqual(['graceful']);
    signal$.next('SIGINT');
    expect(fake.stops).toEqual(['graceful', 'kill']);
    fake.push({ phase: 'stopped', at: AT + 1, signal: 'SIGKILL' });
    expect(await exit).toBe(0);
  });

  it('stops at an interrupt that came before the tunnel started', async () => {
    const { io, signal$ } = fakeIo();
    const interrupts = captureInterrupts(io.interrupt$);
    signal$.next('SIGTERM');
    const fake = fakeTunnel();
    const exit = runTunnelSession({
      engine: { profile: {} as Profile },
      authFile: undefined,
      io,
      console: createCliConsole(io, { json: true, verbosity: 0, now: () => AT }),
      interrupts,
      scheduler: queueScheduler,
      startTunnel: fake.start,
    });
    expect(fake.stops).toEqual(['graceful']);
    fake.push({ phase: 'stopped', at: AT });
    expect(await exit).toBe(0);
  });

  it("stops when the command's own stop requests one", async () => {
    const { fake, stop$, exit } = setUp({ json: true });
    stop$.next('graceful');
    expect(fake.stops).toEqual(['graceful']);
    fake.push({ phase: 'stopped', at: AT });
    await exit;
  });

  it('lets go of the signals and the tunnel once it is over', async () => {
    const { fake, signal$, exit, interrupts } = setUp({ json: true });
    fake.push({ phase: 'stopped', at: AT });
    await exit;
    signal$.next('SIGINT');
    expect(fake.stops).toEqual([]);
    interrupts.release();
    expect(signal$.observed).toBe(false);
  });

  it("shows openvpn's own log on stderr with -vv only", async () => {
    const quiet = setUp({ json: true, verbosity: 1 });
    const chatty = setUp({ json: true, verbosity: 2 });
    for (const { fake } of [quiet, chatty]) {
      fake.log$.next({ channel: 'log', source: 'management', text: 'TLS: handshake', at: AT });
      fake.push({ phase: 'stopped', at: AT });
    }
    await Promise.all([quiet.exit, chatty.exit]);
    expect(quiet.stderr).toEqual([]);
    expect(chatty.stderr).toEqual(['debug openvpn management: TLS: handshake\n']);
  });

  it('gives the engine a credentials provider that cancels when nobody can be asked', async () => {
    const { fake, exit } = setUp({ json: true });
    const credentials = fake.options()?.credentials;
    if (credentials === undefined) throw new Error('no credentials provider');
    const answer = await firstValueFrom(
      credentials({
        kind: 'UserPassRequested',
        authType: 'Auth',
        fields: ['username', 'password'],
      }),
    );
    expect(answer).toEqual({ kind: 'Cancelled' });
    fake.push({ phase: 'stopped', at: AT });
    await exit;
  });

  it('passes the engine options through with its logger and scheduler', async () => {
    const { fake, exit } = setUp({ json: true });
    expect(fake.options()).toMatchObject({ appId: 'session-test', scheduler: queueScheduler });
    expect(fake.options()?.logger).toBeDefined();
    fake.push({ phase: 'stopped', at: AT });
    await exit;
  });
});
