import type { ErrorCode } from '../core/errors.js';
import type { ReconnectReason } from '../state/reconnect-reason.js';
import type { ConnectStep, VpnState } from '../state/vpn-state.js';
import { toJsonLine } from './json-line.js';

/**
 * The JSON line format of `rx-openvpn connect --json` and `rx-openvpn demo --json`: one JSON
 * object per line on stdout, one line per state the session goes through, in order. Logs go
 * to stderr, never to stdout, so every stdout line parses.
 *
 * Every object has `phase` and `at` (epoch milliseconds of the event behind the state).
 * Fields marked optional are left out, never `null`, when unknown; other fields are always
 * present. Consumers must ignore fields they do not know: new ones may be added, existing ones
 * keep their meaning.
 *
 * - `idle`: nothing started yet.
 * - `starting`: openvpn is being started and has reported nothing yet.
 * - `connecting`: `step` is openvpn's own state name (`WAIT`, `AUTH`, `GET_CONFIG`, ...).
 * - `connected`: `since`, epoch ms when the tunnel came up (repeated CONNECTED reports keep
 *   it); optional `remote` (`{ "host": string, "port": number }`), `localIp` (the tunnel
 *   address: IPv4, else IPv6) and `localIpv6` (only when the tunnel has both families).
 * - `reconnecting`: `reason`, one of `ping-restart`, `tls-error`, `network-unreachable`,
 *   `connection-reset`, `auth-failed`, `signal`, `unknown`; `rawReason`, openvpn's own word
 *   (`ping-restart`, `SIGUSR1`, ...); `attempt`, 1 for the first restart since the last
 *   connection; optional `step` once openvpn reports progress again.
 * - `stopping`: `requested`, `true` when the stop was asked for, `false` when openvpn exits
 *   on its own.
 * - `stopped`: `exitCode`, a number, or `null` when a signal ended openvpn; then `signal`
 *   names it (`SIGKILL`, ...).
 * - `failed`: `error`, `{ "code": string, "message": string }`: `code` is one of
 *   rx-openvpn's stable error codes (`AUTH_FAILED`, `TLS_ERROR`, `PROCESS_EXITED`, ...),
 *   `message` says what happened and what to do, for people.
 *
 * `stopped` and `failed` are last: nothing follows them. Strings from openvpn or the server
 * are passed on as they came; controls that could act on a terminal (DEL, C1, line and
 * paragraph separators, bidi formatting) are written as `\u` escapes, so a line shown on a
 * terminal is inert and still parses to the same value.
 *
 * @example
 * {"phase":"starting","at":1767225600000}
 * {"phase":"connecting","at":1767225600120,"step":"WAIT"}
 * {"phase":"connected","at":1767225601050,"since":1767225601050,"remote":{"host":"127.0.0.1","port":1194},"localIp":"10.8.0.6"}
 * {"phase":"reconnecting","at":1767225660000,"reason":"ping-restart","rawReason":"ping-restart","attempt":1}
 * {"phase":"stopping","at":1767225700000,"requested":true}
 * {"phase":"stopped","at":1767225700400,"exitCode":0}
 */
export type JsonStateRecord =
  | { readonly phase: 'idle'; readonly at: number }
  | { readonly phase: 'starting'; readonly at: number }
  | { readonly phase: 'connecting'; readonly at: number; readonly step: ConnectStep }
  | {
      readonly phase: 'connected';
      readonly at: number;
      readonly since: number;
      readonly remote?: { readonly host: string; readonly port: number };
      readonly localIp?: string;
      readonly localIpv6?: string;
    }
  | {
      readonly phase: 'reconnecting';
      readonly at: number;
      readonly reason: ReconnectReason;
      readonly rawReason: string;
      readonly attempt: number;
      readonly step?: ConnectStep;
    }
  | { readonly phase: 'stopping'; readonly at: number; readonly requested: boolean }
  | {
      readonly phase: 'stopped';
      readonly at: number;
      readonly exitCode: number | null;
      readonly signal?: string;
      /** The engine let go of an attached openvpn, which keeps running. */
      readonly detached?: true;
    }
  | {
      readonly phase: 'failed';
      readonly at: number;
      readonly error: { readonly code: ErrorCode; readonly message: string };
    };

// Field by field, so that a field added to VpnState does not leak into the public format.
/** The public JSON record of a state; see {@link JsonStateRecord} for the format. */
export function toJsonRecord(state: VpnState): JsonStateRecord {
  const { at } = state;
  switch (state.phase) {
    case 'idle':
    case 'starting':
      return { phase: state.phase, at };
    case 'connecting':
      return { phase: 'connecting', at, step: state.step };
    case 'connected': {
      const localIp = state.localIpv4 ?? state.localIpv6;
      return {
        phase: 'connected',
        at,
        since: state.since,
        ...(state.remote === undefined
          ? {}
          : { remote: { host: state.remote.host, port: state.remote.port } }),
        ...(localIp === undefined ? {} : { localIp }),
        ...(state.localIpv4 === undefined || state.localIpv6 === undefined
          ? {}
          : { localIpv6: state.localIpv6 }),
      };
    }
    case 'reconnecting':
      return {
        phase: 'reconnecting',
        at,
        reason: state.reason,
        rawReason: state.rawReason,
        attempt: state.attempt,
        ...(state.step === undefined ? {} : { step: state.step }),
      };
    case 'stopping':
      return { phase: 'stopping', at, requested: state.requested };
    case 'stopped':
      return {
        phase: 'stopped',
        at,
        exitCode: state.exitCode ?? null,
        ...(state.signal === undefined ? {} : { signal: state.signal }),
        ...(state.detached === true ? { detached: true } : {}),
      };
    case 'failed':
      return {
        phase: 'failed',
        at,
        error: { code: state.error.code, message: state.error.message },
      };
  }
}

/** One line of the JSON format, newline included. */
export const formatJsonLine = (state: VpnState): string => toJsonLine(toJsonRecord(state));
