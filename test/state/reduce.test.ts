import { describe, expect, it } from '@jest/globals';
import type { EngineEvent } from '../../src/state/engine-event.js';
import { reduce } from '../../src/state/reduce.js';
import { idleState, type VpnState } from '../../src/state/vpn-state.js';
import { ev } from './event-builders.js';

const IDLE = idleState(0);

/** Every state after each event, starting from idle. */
const statesOf = (events: readonly EngineEvent[], from: VpnState = IDLE): VpnState[] => {
  const states: VpnState[] = [];
  events.reduce((state, event) => {
    const next = reduce(state, event);
    states.push(next);
    return next;
  }, from);
  return states;
};

const UNREACHABLE = {
  code: 'MANAGEMENT_UNREACHABLE',
  message: 'unreachable for 15000 ms',
} as const;

const finalState = (events: readonly EngineEvent[], from: VpnState = IDLE): VpnState =>
  statesOf(events, from).at(-1) ?? from;

const CONNECTED: VpnState = {
  phase: 'connected',
  at: 5000,
  localIpv4: '10.98.0.2',
  remote: { host: '127.0.0.1', port: 11941 },
  since: 5000,
};

describe('reduce: a session as openvpn 2.6.14 reported it', () => {
  // The events of test/fixtures/stdout/connected-then-reset.txt and its management transcript:
  // --management-hold, `state on all` replaying CONNECTING, then the server going away.
  it('follows hold, steps, connected, and the restart after a connection reset', () => {
    const states = statesOf([
      ev.start(1000),
      ev.spawned(1010),
      ev.attached(1100),
      ev.hold(1110, 0),
      ev.state(1120, 'CONNECTING'),
      ev.released(1130),
      ev.state(1200, 'TCP_CONNECT'),
      ev.state(1300, 'WAIT'),
      ev.state(1400, 'AUTH'),
      ev.state(1500, 'ASSIGN_IP', '', { localIpv4: '10.98.0.2' }),
      ev.connected(1600),
      ev.stdout(1601, '2026-12-03 16:16:58 Initialization Sequence Completed'),
      ev.stdout(9000, '2026-12-03 16:17:06 Connection reset, restarting [0]'),
      ev.state(9001, 'RECONNECTING', 'connection-reset'),
      ev.hold(9002, 1),
    ]);
    expect(states).toEqual([
      { phase: 'starting', at: 1000 },
      { phase: 'starting', at: 1000 },
      { phase: 'starting', at: 1000 },
      { phase: 'connecting', at: 1110, step: 'HOLD', holdBackoffSeconds: 0 },
      { phase: 'connecting', at: 1110, step: 'HOLD', holdBackoffSeconds: 0 },
      { phase: 'connecting', at: 1130, step: 'CONNECTING' },
      { phase: 'connecting', at: 1200, step: 'TCP_CONNECT' },
      { phase: 'connecting', at: 1300, step: 'WAIT' },
      { phase: 'connecting', at: 1400, step: 'AUTH' },
      { phase: 'connecting', at: 1500, step: 'ASSIGN_IP' },
      { ...CONNECTED, at: 1600, since: 1600 },
      { ...CONNECTED, at: 1600, since: 1600 },
      { ...CONNECTED, at: 1600, since: 1600 },
      {
        phase: 'reconnecting',
        at: 9001,
        reason: 'connection-reset',
        rawReason: 'connection-reset',
        attempt: 1,
      },
      {
        phase: 'reconnecting',
        at: 9002,
        reason: 'connection-reset',
        rawReason: 'connection-reset',
        attempt: 1,
        step: 'HOLD',
        holdBackoffSeconds: 1,
      },
    ]);
  });

  // test/fixtures/stdout/auth-failed.txt: openvpn exits with code 0 after AUTH_FAILED.
  it('ends an auth failure in failed/AUTH_FAILED although openvpn exits with code 0', () => {
    expect(
      finalState([
        ev.start(1000),
        ev.state(1100, 'WAIT'),
        ev.state(1200, 'AUTH'),
        ev.stdout(1300, 'AUTH: Received control message: AUTH_FAILED'),
        ev.password(1301, 'Auth'),
        ev.stdout(1302, 'SIGTERM[soft,auth-failure] received, process exiting'),
        ev.state(1303, 'EXITING', 'auth-failure'),
        ev.exited(1400, 0),
      ]),
    ).toEqual({
      phase: 'failed',
      at: 1400,
      error: {
        code: 'AUTH_FAILED',
        message: 'The server rejected the username or password.',
        details: { credential: 'Auth', exitCode: 0 },
      },
    });
  });

  // test/fixtures/stdout/options-missing-file.txt: no management, openvpn exits 1.
  it('ends an options error in failed/PROFILE_INVALID naming the directive', () => {
    expect(
      finalState([
        ev.start(1000),
        ev.spawned(1001),
        ev.stdout(
          1002,
          "Options error: --ca fails with 'nonexist.crt': No such file or directory (errno=2)",
        ),
        ev.stdout(1003, 'Options error: Please correct these errors.'),
        ev.exited(1010, 1),
      ]),
    ).toEqual({
      phase: 'failed',
      at: 1010,
      error: {
        code: 'PROFILE_INVALID',
        message:
          "openvpn rejected the profile: --ca fails with 'nonexist.crt': No such file or directory (errno=2)",
        details: {
          directive: 'ca',
          text: "--ca fails with 'nonexist.crt': No such file or directory (errno=2)",
          exitCode: 1,
        },
      },
    });
  });

  it('keeps the TLS cause through the restarts until openvpn gives up', () => {
    const failed = finalState([
      ev.start(1000),
      ev.state(1100, 'WAIT'),
      ev.stdout(
        1200,
        'VERIFY ERROR: depth=1, error=self-signed certificate in certificate chain: C=KG',
      ),
      ev.stdout(1201, 'TLS Error: TLS handshake failed'),
      ev.state(1202, 'RECONNECTING', 'tls-error'),
      ev.state(2300, 'WAIT'),
      ev.stdout(
        2400,
        'All connections have been connect-retry-max (2) times unsuccessful, exiting',
      ),
      ev.stdout(2401, 'Exiting due to fatal error'),
      ev.exited(2402, 1),
    ]);
    expect(failed).toMatchObject({
      phase: 'failed',
      error: {
        code: 'TLS_ERROR',
        details: { verifyError: 'self-signed certificate in certificate chain', depth: 1 },
      },
    });
  });
});

describe('reduce: reconnect attempts', () => {
  const reconnecting = (reason: string, rawReason: string, attempt: number) => ({
    phase: 'reconnecting',
    reason,
    rawReason,
    attempt,
  });

  it.each([
    [
      'ping-restart after connecting is attempt 1',
      [ev.start(1), ev.connected(2), ev.state(3, 'RECONNECTING', 'ping-restart')],
      reconnecting('ping-restart', 'ping-restart', 1),
    ],
    [
      'a second restart after progress is attempt 2',
      [
        ev.start(1),
        ev.state(2, 'RECONNECTING', 'tls-error'),
        ev.state(3, 'WAIT'),
        ev.state(4, 'RECONNECTING', 'tls-error'),
      ],
      reconnecting('tls-error', 'tls-error', 2),
    ],
    [
      'connected resets the count',
      [
        ev.start(1),
        ev.state(2, 'RECONNECTING', 'tls-error'),
        ev.state(3, 'WAIT'),
        ev.state(4, 'RECONNECTING', 'tls-error'),
        ev.connected(5),
        ev.state(6, 'RECONNECTING', 'SIGUSR1'),
      ],
      reconnecting('signal', 'SIGUSR1', 1),
    ],
    [
      'an unknown word keeps the raw reason',
      [ev.start(1), ev.connected(2), ev.state(3, 'RECONNECTING', 'something-new')],
      reconnecting('unknown', 'something-new', 1),
    ],
  ])('%s', (_title, events, expected) => {
    expect(finalState(events)).toMatchObject(expected);
  });

  it('treats a repeated RECONNECTING without progress as the same restart', () => {
    const restarted = finalState([
      ev.start(1),
      ev.connected(2),
      ev.state(3, 'RECONNECTING', 'ping-restart'),
    ]);
    expect(reduce(restarted, ev.state(4, 'RECONNECTING', 'ping-restart'))).toBe(restarted);
  });

  it('records the failure a restart word stands for', () => {
    expect(
      finalState([ev.start(1), ev.connected(2), ev.state(3, 'RECONNECTING', 'auth-failure')]),
    ).toMatchObject({ reason: 'auth-failed', lastError: { code: 'AUTH_FAILED' } });
  });

  it('shows the reason of the latest refusal when a retried login is refused again', () => {
    const challenged = [
      ev.start(1),
      ev.connected(2),
      ev.stdout(3, 'AUTH: Received control message: AUTH_FAILED,CRV1:R,E:id:dXNlcg==:Code?'),
      ev.state(4, 'RECONNECTING', 'auth-failure'),
    ];
    const first = finalState(challenged);
    expect(first).toMatchObject({ lastError: { code: 'AUTH_FAILED' } });
    expect(first).not.toHaveProperty('lastError.details.reason');
    const refused = finalState([
      ...challenged,
      ev.stdout(5, 'AUTH: Received control message: AUTH_FAILED,wrong code'),
      ev.state(6, 'RECONNECTING', 'auth-failure'),
    ]);
    // openvpn's restart word after it repeats the code without a reason: the reason stays.
    expect(refused).toMatchObject({
      lastError: { code: 'AUTH_FAILED', details: { reason: 'wrong code' } },
    });
  });

  it('keeps the reason and count while openvpn steps through the restart', () => {
    expect(
      finalState([
        ev.start(1),
        ev.connected(2),
        ev.state(3, 'RECONNECTING', 'ping-restart'),
        ev.hold(4, 5),
        ev.released(5),
        ev.state(6, 'AUTH_PENDING', 'timeout 120'),
      ]),
    ).toEqual({
      phase: 'reconnecting',
      at: 6,
      reason: 'ping-restart',
      rawReason: 'ping-restart',
      attempt: 1,
      step: 'AUTH_PENDING',
      authTimeoutSeconds: 120,
    });
  });
});

describe('reduce: stopping and exits', () => {
  const connected = finalState([ev.start(1000), ev.connected(5000)]);

  it.each<[string, EngineEvent[], VpnState]>([
    [
      'a requested stop ends in stopped with the exit code',
      [ev.stop(6000), ev.state(6001, 'EXITING', 'SIGTERM'), ev.exited(6100, 0)],
      { phase: 'stopped', at: 6100, exitCode: 0 },
    ],
    [
      'a requested stop that ends in a kill keeps the signal',
      [ev.stop(6000), ev.exited(8000, null, 'SIGKILL')],
      { phase: 'stopped', at: 8000, signal: 'SIGKILL' },
    ],
    [
      'an unexpected kill fails with PROCESS_EXITED',
      [ev.exited(6000, null, 'SIGKILL')],
      {
        phase: 'failed',
        at: 6000,
        error: {
          code: 'PROCESS_EXITED',
          message: 'openvpn exited unexpectedly (SIGKILL).',
          details: { signal: 'SIGKILL' },
        },
      },
    ],
    [
      'an exit code without a known cause fails with PROCESS_EXITED',
      [ev.exited(6000, 1)],
      {
        phase: 'failed',
        at: 6000,
        error: {
          code: 'PROCESS_EXITED',
          message: 'openvpn exited unexpectedly (exit code 1).',
          details: { exitCode: 1 },
        },
      },
    ],
    [
      'EXITING without a stop request is stopping, then a failure with the word',
      [ev.state(6000, 'EXITING', 'SIGTERM'), ev.exited(6100, 0)],
      {
        phase: 'failed',
        at: 6100,
        error: {
          code: 'PROCESS_EXITED',
          message: 'openvpn exited on its own (SIGTERM).',
          details: { reason: 'SIGTERM', exitCode: 0 },
        },
      },
    ],
    [
      'a stop requested while openvpn exits on its own makes the exit a stop',
      [ev.state(6000, 'EXITING', 'ping-exit'), ev.stop(6001), ev.exited(6100, 0)],
      { phase: 'stopped', at: 6100, exitCode: 0 },
    ],
    [
      'a failed stop fails with STOP_FAILED',
      [
        ev.stop(6000),
        { kind: 'StopFailed', at: 9000, message: 'openvpn survived SIGKILL', pid: 7 },
      ],
      {
        phase: 'failed',
        at: 9000,
        error: { code: 'STOP_FAILED', message: 'openvpn survived SIGKILL', details: { pid: 7 } },
      },
    ],
    [
      'a stop refused for want of permission fails with PERMISSION_DENIED',
      [
        ev.stop(6000),
        {
          kind: 'StopFailed',
          at: 9000,
          message: 'openvpn is not ours to signal',
          pid: 7,
          code: 'PERMISSION_DENIED',
        },
      ],
      {
        phase: 'failed',
        at: 9000,
        error: {
          code: 'PERMISSION_DENIED',
          message: 'openvpn is not ours to signal',
          details: { pid: 7 },
        },
      },
    ],
    [
      'an attached openvpn lost while connected fails with the link loss',
      [{ kind: 'OpenvpnLost', at: 7000, error: UNREACHABLE }],
      { phase: 'failed', at: 7000, error: UNREACHABLE },
    ],
    [
      'an attached openvpn lost after a stop request is stopped',
      [ev.stop(6000), { kind: 'OpenvpnLost', at: 7000, error: UNREACHABLE }],
      { phase: 'stopped', at: 7000 },
    ],
    [
      'an attached openvpn lost after it announced its exit fails with the cause it gave',
      [
        ev.state(6000, 'EXITING', 'auth-failure'),
        { kind: 'OpenvpnLost', at: 7000, error: UNREACHABLE },
      ],
      {
        phase: 'failed',
        at: 7000,
        error: {
          code: 'AUTH_FAILED',
          message: 'The server rejected the username or password.',
          details: { credential: 'Auth' },
        },
      },
    ],
    [
      'detaching from an attached openvpn is a stop that leaves it running',
      [{ kind: 'EngineDetached', at: 7000 }],
      { phase: 'stopped', at: 7000, detached: true },
    ],
  ])('%s', (_title, events, expected) => {
    expect(finalState(events, connected)).toEqual(expected);
  });

  it('shows stopping, keeping the cause, between the request and the exit', () => {
    const failing = finalState([ev.start(1), ev.stdout(2, 'TLS Error: TLS handshake failed')]);
    expect(reduce(failing, ev.stop(3))).toMatchObject({
      phase: 'stopping',
      requested: true,
      lastError: { code: 'TLS_ERROR' },
    });
  });

  it('stops at once when nothing was started', () => {
    expect(reduce(IDLE, ev.stop(5))).toEqual({ phase: 'stopped', at: 5 });
  });

  it('fails a start that could not spawn, unless the consumer stopped first', () => {
    const error = { code: 'OPENVPN_NOT_FOUND', message: 'openvpn is not installed' } as const;
    const starting = reduce(IDLE, ev.start(1));
    expect(reduce(starting, { kind: 'StartFailed', at: 2, error })).toEqual({
      phase: 'failed',
      at: 2,
      error,
    });
    expect(finalState([ev.stop(2), { kind: 'StartFailed', at: 3, error }], starting)).toEqual({
      phase: 'stopped',
      at: 3,
    });
  });
});

describe('reduce: causes', () => {
  const exitAfter = (...events: EngineEvent[]): VpnState =>
    finalState([ev.start(1), ...events, ev.exited(99, 1)]);

  it.each([
    [
      'a wrong key passphrase',
      [ev.password(2, 'Private Key')],
      'AUTH_FAILED',
      { credential: 'Private Key' },
    ],
    [
      'an unreadable key file',
      [
        ev.stdout(2, 'Cannot load private key file client-bad.key'),
        ev.stdout(3, 'Error: private key password verification failed'),
        ev.stdout(4, 'Exiting due to fatal error'),
      ],
      'AUTH_FAILED',
      { credential: 'Private Key', file: 'client-bad.key' },
    ],
    [
      'a TUN device openvpn may not open',
      [ev.stdout(2, 'ERROR: Cannot ioctl TUNSETIFF tun: Operation not permitted (errno=1)')],
      'PERMISSION_DENIED',
      { device: 'tun', errno: 1 },
    ],
    [
      'a server reason on AUTH_FAILED',
      [ev.stdout(2, 'AUTH: Received control message: AUTH_FAILED,account expired')],
      'AUTH_FAILED',
      { reason: 'account expired' },
    ],
    [
      // The management notice can come before the stdout line; either keeps the reason.
      'a server reason in Verification Failed, before the stdout line',
      [
        ev.password(2, 'Auth', 'sign-in was refused'),
        ev.stdout(3, 'AUTH: Received control message: AUTH_FAILED,sign-in was refused'),
      ],
      'AUTH_FAILED',
      { credential: 'Auth', reason: 'sign-in was refused' },
    ],
    [
      'a fatal notification with an unknown text',
      [ev.fatal(2, 'Something broke')],
      'PROCESS_EXITED',
      { exitCode: 1 },
    ],
    [
      'a fatal notification openvpn also logs as an options error',
      [ev.fatal(2, 'Options error: unknown --redirect-gateway flag: nonsense-flag')],
      'PROFILE_INVALID',
      { directive: 'redirect-gateway' },
    ],
    [
      'a later specific cause over an earlier one',
      [ev.stdout(2, 'TLS Error: TLS handshake failed'), ev.password(3, 'Auth')],
      'AUTH_FAILED',
      { credential: 'Auth' },
    ],
    [
      'a specific cause over a later generic one',
      [ev.password(2, 'Auth'), ev.fatal(3, 'Something broke')],
      'AUTH_FAILED',
      { credential: 'Auth' },
    ],
  ])('fails with the cause of %s', (_title, events, code, details) => {
    expect(exitAfter(...events)).toMatchObject({ phase: 'failed', error: { code, details } });
  });

  it('forgets a cause once connected', () => {
    const recovered = finalState([
      ev.start(1),
      ev.stdout(2, 'TLS Error: TLS handshake failed'),
      ev.state(3, 'RECONNECTING', 'tls-error'),
      ev.connected(4),
    ]);
    expect(recovered).not.toHaveProperty('lastError');
  });
});

describe('reduce: unchanged and ignored events', () => {
  const connected = finalState([ev.start(1000), ev.connected(5000)]);

  it.each<[string, EngineEvent]>([
    ['the management link attaching', ev.attached(6000)],
    ['the management link dropping', ev.detached(6000)],
    ['CONNECTED repeated', ev.connected(6000)],
    ['an unknown openvpn state', ev.state(6000, 'FUTURE_STATE')],
    ['an informational stdout line', ev.stdout(6000, 'Connection reset, restarting [0]')],
    ['a hold while connected', ev.hold(6000, 1)],
    ['a hold release without a hold', ev.released(6000)],
    ['a second start request', ev.start(6000)],
  ])('returns the same state object for %s', (_title, event) => {
    expect(reduce(connected, event)).toBe(connected);
  });

  it('records no failure from the lines of an exit the consumer asked for', () => {
    const stopping = reduce(connected, ev.stop(6000));
    const lines = [
      ev.stdout(6001, 'SIGTERM[hard,] received, process exiting'),
      ev.stdout(6002, 'SIGTERM[soft,management-signal] received, process exiting'),
      ev.fatal(6003, 'Exiting due to fatal error'),
    ];
    for (const line of lines) expect(reduce(stopping, line)).toBe(stopping);
  });

  it('ignores openvpn states while stopping', () => {
    const stopping = reduce(connected, ev.stop(6000));
    expect(reduce(stopping, ev.state(6001, 'RECONNECTING', 'SIGUSR1'))).toBe(stopping);
    expect(reduce(stopping, ev.connected(6002))).toBe(stopping);
  });

  it.each<[string, VpnState]>([
    ['stopped', { phase: 'stopped', at: 1, exitCode: 0 }],
    ['failed', { phase: 'failed', at: 1, error: { code: 'AUTH_FAILED', message: 'no' } }],
  ])('ignores every event after %s', (_title, terminal) => {
    for (const event of [ev.start(2), ev.connected(3), ev.exited(4, 1), ev.stop(5)]) {
      expect(reduce(terminal, event)).toBe(terminal);
    }
  });
});
