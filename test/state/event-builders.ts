import { classifyStdoutLine } from '../../src/process/stdout-event.js';
import type { EngineEvent, OpenvpnStateChanged } from '../../src/state/engine-event.js';

/** Builders for engine events in reducer tables; `at` first, as the tables read by time. */
export const ev = {
  start: (at: number): EngineEvent => ({ kind: 'StartRequested', at }),
  spawned: (at: number, pid = 4242): EngineEvent => ({ kind: 'ProcessSpawned', at, pid }),
  attached: (at: number): EngineEvent => ({ kind: 'ManagementAttached', at }),
  detached: (at: number): EngineEvent => ({ kind: 'ManagementDetached', at }),
  hold: (at: number, backoffSeconds?: number): EngineEvent =>
    backoffSeconds === undefined
      ? { kind: 'HoldEntered', at }
      : { kind: 'HoldEntered', at, backoffSeconds },
  released: (at: number): EngineEvent => ({ kind: 'HoldReleased', at }),
  state: (
    at: number,
    name: string,
    description = '',
    extra: Partial<OpenvpnStateChanged> = {},
  ): EngineEvent => ({
    kind: 'OpenvpnStateChanged',
    at,
    name,
    description,
    time: Math.floor(at / 1000),
    ...extra,
  }),
  connected: (at: number): EngineEvent =>
    ev.state(at, 'CONNECTED', 'SUCCESS', {
      localIpv4: '10.98.0.2',
      remoteHost: '127.0.0.1',
      remotePort: 11941,
    }),
  password: (at: number, type: string, reason?: string): EngineEvent => ({
    kind: 'PasswordVerificationFailed',
    at,
    type,
    ...(reason === undefined ? {} : { reason }),
  }),
  fatal: (at: number, text: string): EngineEvent => ({ kind: 'FatalReported', at, text }),
  /** A real openvpn line, through the real classifier. */
  stdout: (at: number, line: string): EngineEvent => {
    const event = classifyStdoutLine(line);
    if (event === undefined) throw new Error(`not an event line: ${line}`);
    return { kind: 'StdoutLineClassified', at, event };
  },
  stop: (at: number): EngineEvent => ({ kind: 'StopRequested', at }),
  exited: (at: number, code: number | null, signal: string | null = null): EngineEvent => ({
    kind: 'ProcessExited',
    at,
    code,
    signal,
  }),
};
