/**
 * One typed constructor per command of the management spec (openvpn 2.6, management version 5).
 * A catalogue: each entry is a few lines of data, built with ./command-builder. Reply shapes
 * were checked against openvpn 2.6.14 (see reply.ts).
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { Secret } from '../core/secret.js';
import {
  entriesWith,
  linesOf,
  make,
  nothing,
  parsedWith,
  succeed,
  successLinesOf,
  successParsed,
  successText,
  withCounts,
  type Command,
  type OutputParser,
} from './command-builder.js';
import type { AuthType } from './notification/password.js';
import {
  parseHoldQuery,
  parseLoadStats,
  parseMute,
  parsePid,
  parseRemoteEntries,
  parseRemoteEntryCount,
  parseStateHistory,
  parseStatus,
  parseVerb,
  parseVersion,
} from './parsers/index.js';
import { parseEchoFields, parseLogFields } from './notification/parse-line.js';
import type { EchoEntry, LogEntry } from './notification/types.js';

export {
  createCommandReplyCollector,
  type Command,
  type OutputParser,
  type ReplyFailure,
  type TextParser,
} from './command-builder.js';

/** The signals the `signal` command accepts. */
export type SignalName = 'SIGHUP' | 'SIGTERM' | 'SIGUSR1' | 'SIGUSR2';

/** How many lines of history: a count or everything. */
export type HistoryCount = number | 'all';

const logEntries = entriesWith<LogEntry>(parseLogFields, 'log');
const echoEntries = entriesWith<EchoEntry>(parseEchoFields, 'echo');

const historyArg = (count: HistoryCount): string => (count === 'all' ? 'all' : String(count));

const historyCounts = (count: HistoryCount): (readonly [number, number])[] =>
  count === 'all' ? [] : [[0, count]];

/** `bytecount n`: BYTECOUNT notifications every `seconds` (0 turns them off). */
export const bytecount = (seconds: number): Command<string> =>
  withCounts(succeed('bytecount', String(seconds)), [[0, seconds]]);

/** `echo on|off`: real-time ECHO notifications. */
export const echoRealtime = (enabled: boolean): Command<string> =>
  succeed('echo', enabled ? 'on' : 'off');

/** `echo all` or `echo N`: the echo history. */
export const echoHistory = (count: HistoryCount = 'all'): Command<readonly EchoEntry[]> =>
  withCounts(
    make('echo', [historyArg(count)], 'lines', (reply) =>
      pipe(linesOf(reply), E.chain(echoEntries)),
    ),
    historyCounts(count),
  );

/** `echo on all`: the history, atomically followed by real-time notifications. */
export const echoRealtimeWithHistory = (): Command<readonly EchoEntry[]> =>
  make('echo', ['on', 'all'], 'success-lines', (reply) =>
    pipe(successLinesOf(reply), E.chain(echoEntries)),
  );

/** `exit`: closes the management session; openvpn answers nothing. */
export const exit = (): Command<undefined> => make('exit', [], 'none', nothing);

/** `quit`: the same as {@link exit}. */
export const quit = (): Command<undefined> => make('quit', [], 'none', nothing);

/** `help`: the command summary lines. */
export const help = (): Command<readonly string[]> => make('help', [], 'lines', linesOf);

/** `hold`: whether the hold flag is set. */
export const holdQuery = (): Command<boolean> =>
  make('hold', [], 'success', successParsed(parseHoldQuery));

/** `hold on|off`: sets the hold flag for future restarts. */
export const hold = (enabled: boolean): Command<string> => succeed('hold', enabled ? 'on' : 'off');

/** `hold release`: leaves the hold state. */
export const holdRelease = (): Command<string> => succeed('hold', 'release');

/** `kill cn` or `kill IP:port` (server): kills client instances. */
export const kill = (target: string | { readonly address: string; readonly port: number }) =>
  typeof target === 'string'
    ? succeed('kill', target)
    : withCounts(succeed('kill', `${target.address}:${target.port}`), [[0, target.port]]);

/** `log on|off`: real-time LOG notifications. */
export const logRealtime = (enabled: boolean): Command<string> =>
  succeed('log', enabled ? 'on' : 'off');

/** `log all` or `log N`: the cached log history. */
export const logHistory = (count: HistoryCount = 'all'): Command<readonly LogEntry[]> =>
  withCounts(
    make('log', [historyArg(count)], 'lines', (reply) => pipe(linesOf(reply), E.chain(logEntries))),
    historyCounts(count),
  );

/** `log on all`: the history, atomically followed by real-time notifications. */
export const logRealtimeWithHistory = (): Command<readonly LogEntry[]> =>
  make('log', ['on', 'all'], 'success-lines', (reply) =>
    pipe(successLinesOf(reply), E.chain(logEntries)),
  );

/** `mute`: the current mute level. */
export const muteQuery = (): Command<number> =>
  make('mute', [], 'success', successParsed(parseMute));

/** `mute n`: sets the mute level. */
export const mute = (level: number): Command<string> =>
  withCounts(succeed('mute', String(level)), [[0, level]]);

/** `verb`: the current verbosity. */
export const verbQuery = (): Command<number> =>
  make('verb', [], 'success', successParsed(parseVerb));

/** `verb n`: sets the verbosity (0 to 15). */
export const verb = (level: number): Command<string> =>
  withCounts(succeed('verb', String(level)), [[0, level]]);

/** `net` (Windows only): the network adapter and routing view. */
export const net = (): Command<readonly string[]> => make('net', [], 'lines', linesOf);

/** `password type p`: answers a `>PASSWORD:Need` query. */
export const password = (type: AuthType, value: Secret): Command<string> =>
  succeed('password', type, value);

/** `username type u`: answers the username half of a `>PASSWORD:Need` query. */
export const username = (type: AuthType, value: string | Secret): Command<string> =>
  succeed('username', type, value);

/** `forget-passwords`: forgets the passwords entered so far. */
export const forgetPasswords = (): Command<string> => succeed('forget-passwords');

/** `signal s`: sends a signal to the daemon. */
export const signal = (name: SignalName): Command<string> => succeed('signal', name);

/** `state on|off`: real-time STATE notifications. */
export const stateRealtime = (enabled: boolean): Command<string> =>
  succeed('state', enabled ? 'on' : 'off');

/** `state`: the current state line, parsed by `parse`. */
export const stateCurrentWith = <T>(parse: OutputParser<T>): Command<T> =>
  make('state', [], 'lines', (reply) => pipe(linesOf(reply), E.chain(parsedWith(parse))));

/** `state all` or `state N`: the state history, parsed by `parse`. */
export const stateHistoryWith = <T>(parse: OutputParser<T>, count: HistoryCount = 'all') =>
  withCounts(
    make('state', [historyArg(count)], 'lines', (reply) =>
      pipe(linesOf(reply), E.chain(parsedWith(parse))),
    ),
    historyCounts(count),
  );

/** `state on all`: the history, atomically followed by real-time notifications. */
export const stateRealtimeWithHistoryWith = <T>(parse: OutputParser<T>): Command<T> =>
  make('state', ['on', 'all'], 'success-lines', (reply) =>
    pipe(successLinesOf(reply), E.chain(parsedWith(parse))),
  );

/** `status [n]`: the status report in format 1, 2 or 3, parsed by `parse`. */
export const statusWith = <T>(parse: OutputParser<T>, format?: 1 | 2 | 3): Command<T> =>
  make('status', format === undefined ? [] : [String(format)], 'lines', (reply) =>
    pipe(linesOf(reply), E.chain(parsedWith(parse))),
  );

/** `version`: openvpn and management versions, parsed by `parse`. */
export const versionWith = <T>(parse: OutputParser<T>): Command<T> =>
  make('version', [], 'lines', (reply) => pipe(linesOf(reply), E.chain(parsedWith(parse))));

/**
 * `version n`: announces the client's management version (3+ gets PK_SIGN with the algorithm).
 * openvpn 2.6.14 answers nothing, whatever n is.
 */
export const setVersion = (managementVersion: number): Command<undefined> =>
  withCounts(make('version', [String(managementVersion)], 'none', nothing), [
    [0, managementVersion],
  ]);

/** `pid`: the process id. */
export const pid = (): Command<number> => make('pid', [], 'success', successParsed(parsePid));

/** `load-stats`: the global load figures (openvpn 2.6 answers one SUCCESS line). */
export const loadStats = () => make('load-stats', [], 'success', successParsed(parseLoadStats));

/** `auth-retry t`: how to react to auth failures. */
export const authRetry = (mode: 'none' | 'interact' | 'nointeract'): Command<string> =>
  succeed('auth-retry', mode);

/** `needok type ok|cancel`: answers a `>NEED-OK`. */
export const needOk = (name: string, answer: 'ok' | 'cancel'): Command<string> =>
  succeed('needok', name, answer);

/** `needstr type value`: answers a `>NEED-STR`. */
export const needStr = (name: string, value: string | Secret): Command<string> =>
  succeed('needstr', name, value);

/**
 * `pkcs11-id-count`: the number of PKCS#11 identities, answered as `>PKCS11ID-COUNT:n`.
 * openvpn 2.6.14 aborts on it unless --pkcs11-providers is set.
 */
export const pkcs11IdCount = (): Command<readonly string[]> =>
  make('pkcs11-id-count', [], 'pkcs11', linesOf);

/** `pkcs11-id-get index`: one PKCS#11 identity, answered as `>PKCS11ID-ENTRY:...`. */
export const pkcs11IdGet = (index: number): Command<readonly string[]> =>
  withCounts(make('pkcs11-id-get', [String(index)], 'pkcs11', linesOf), [[0, index]]);

const clientIds = (cid: number, kid: number): (readonly [number, number])[] => [
  [0, cid],
  [1, kid],
];

/** `client-auth CID KID` with client-connect directives as its body (blank lines dropped). */
export const clientAuth = (cid: number, kid: number, config: readonly string[]): Command<string> =>
  withCounts(
    make('client-auth', [String(cid), String(kid)], 'body', successText, {
      body: config.filter((line) => line.trim() !== ''),
    }),
    clientIds(cid, kid),
  );

/** `client-auth-nt CID KID`: authorises without directives. */
export const clientAuthNt = (cid: number, kid: number): Command<string> =>
  withCounts(succeed('client-auth-nt', String(cid), String(kid)), clientIds(cid, kid));

/** `client-pending-auth CID KID EXTRA TIMEOUT` (2.5+): e.g. `WEB_AUTH::url`, `CR_TEXT:R,E:text`. */
export const clientPendingAuth = (
  cid: number,
  kid: number,
  extra: string,
  timeoutSeconds: number,
): Command<string> =>
  withCounts(
    succeed('client-pending-auth', String(cid), String(kid), extra, String(timeoutSeconds)),
    [...clientIds(cid, kid), [3, timeoutSeconds]],
  );

/** `client-deny CID KID reason [client-reason]`: refuses a CONNECT/REAUTH. */
export const clientDeny = (cid: number, kid: number, reason: string, clientReason?: string) =>
  withCounts(
    succeed(
      'client-deny',
      String(cid),
      String(kid),
      reason,
      ...(clientReason === undefined ? [] : [clientReason]),
    ),
    clientIds(cid, kid),
  );

/** `client-kill CID [message]`: kills a client instance (message defaults to RESTART). */
export const clientKill = (cid: number, message?: string): Command<string> =>
  withCounts(succeed('client-kill', String(cid), ...(message === undefined ? [] : [message])), [
    [0, cid],
  ]);

/** `remote-entry-count` (2.6+): the number of remotes, parsed by `parse`. */
export const remoteEntryCountWith = <T>(parse: OutputParser<T>): Command<T> =>
  make('remote-entry-count', [], 'lines', (reply) =>
    pipe(linesOf(reply), E.chain(parsedWith(parse))),
  );

/** `remote-entry-get i [j]` or `remote-entry-get all` (2.6+), parsed by `parse`. */
export const remoteEntryGetWith = <T>(
  parse: OutputParser<T>,
  from: HistoryCount = 'all',
  to?: number,
): Command<T> =>
  withCounts(
    make(
      'remote-entry-get',
      [historyArg(from), ...(to === undefined ? [] : [String(to)])],
      'lines',
      (reply) => pipe(linesOf(reply), E.chain(parsedWith(parse))),
    ),
    [...historyCounts(from), ...(to === undefined ? [] : [[1, to] as const])],
  );

/** `remote ACCEPT`: answers `>REMOTE` with the configured remote. */
export const remoteAccept = (): Command<string> => succeed('remote', 'ACCEPT');

/** `remote SKIP [n]`: skips this remote, or n remotes (n > 0, management version 4+). */
export const remoteSkip = (count?: number): Command<string> =>
  count === undefined
    ? succeed('remote', 'SKIP')
    : withCounts(succeed('remote', 'SKIP', String(count)), [[1, count]]);

/** `remote MOD host port`: connects to another host and port instead. */
export const remoteModify = (host: string, port: number): Command<string> =>
  withCounts(succeed('remote', 'MOD', host, String(port)), [[2, port]]);

/** `proxy NONE`: answers `>PROXY` with a direct connection. */
export const proxyNone = (): Command<string> => succeed('proxy', 'NONE');

/** `proxy HTTP|SOCKS host port [nct]`: answers `>PROXY` with a proxy. */
export const proxy = (
  type: 'HTTP' | 'SOCKS',
  host: string,
  port: number,
  options: { readonly nonCleartextAuthOnly?: boolean } = {},
): Command<string> =>
  withCounts(
    succeed(
      'proxy',
      type,
      host,
      String(port),
      ...(options.nonCleartextAuthOnly === true ? ['nct'] : []),
    ),
    [[2, port]],
  );

/** `cr-response base64` (2.5+): answers an `>INFOMSG:CR_TEXT` challenge. */
export const crResponse = (responseBase64: Secret): Command<string> =>
  succeed('cr-response', responseBase64);

/** Base64 lines as openvpn prints them, 64 characters each. */
const BASE64_LINE_CHARS = 64;

const base64Lines = (base64: string): string[] => {
  const compact = base64.replace(/\s+/g, '');
  const lines: string[] = [];
  for (let at = 0; at < compact.length; at += BASE64_LINE_CHARS) {
    lines.push(compact.slice(at, at + BASE64_LINE_CHARS));
  }
  return lines;
};

/** `pk-sig` (2.5+, management version 2+): answers `>PK_SIGN` with a base64 signature. */
export const pkSig = (signatureBase64: string): Command<string> =>
  make('pk-sig', [], 'body', successText, { body: base64Lines(signatureBase64) });

/** `rsa-sig` (management version 1): answers `>RSA_SIGN` with a base64 signature. */
export const rsaSig = (signatureBase64: string): Command<string> =>
  make('rsa-sig', [], 'body', successText, { body: base64Lines(signatureBase64) });

/** `certificate`: answers `>NEED-CERTIFICATE` with a PEM certificate (2.4+). */
export const certificate = (pem: string): Command<string> =>
  make('certificate', [], 'body', successText, {
    body: pem.split(/\r?\n/).filter((line) => line.trim() !== ''),
  });

/** `env-filter [level]` (server): which ENV lines CLIENT blocks carry. */
export const envFilter = (level: number): Command<string> =>
  withCounts(succeed('env-filter', String(level)), [[0, level]]);

// ------------------------------------------------------- output commands with the ./parsers

/** `state`: the current state. */
export const stateCurrent = () => stateCurrentWith(parseStateHistory);

/** `state all` or `state N`: the state history. */
export const stateHistory = (count: HistoryCount = 'all') =>
  stateHistoryWith(parseStateHistory, count);

/** `state on all`: the history, atomically followed by real-time notifications. */
export const stateRealtimeWithHistory = () => stateRealtimeWithHistoryWith(parseStateHistory);

/** `status [n]`: the status report in format 1, 2 or 3. */
export const status = (format?: 1 | 2 | 3) => statusWith(parseStatus, format);

/** `version`: openvpn and management versions. */
export const version = () => versionWith(parseVersion);

/** `remote-entry-count` (2.6+). */
export const remoteEntryCount = () => remoteEntryCountWith(parseRemoteEntryCount);

/** `remote-entry-get i [j]` or `remote-entry-get all` (2.6+). */
export const remoteEntryGet = (from: HistoryCount = 'all', to?: number) =>
  remoteEntryGetWith(parseRemoteEntries, from, to);
