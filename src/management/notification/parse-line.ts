import { Secret } from '../../core/secret.js';
import { optional, parseUnsigned, splitFields } from './fields.js';
import { parseInfoMessage } from './info-message.js';
import { parsePassword } from './password.js';
import { parseStateFields } from '../parsers/state-line.js';
import type { ClientEvent, EchoEntry, LogEntry, LogFlags, Notification } from './types.js';

/** The two multi-line notification sources. */
export type BlockPrefix = 'CLIENT' | 'UPDOWN';

/** The first line of a CLIENT or UPDOWN block. */
export type BlockHeader =
  | {
      readonly prefix: 'CLIENT';
      readonly event: ClientEvent;
      readonly clientId: number;
      readonly keyId: number | undefined;
      readonly response: Secret | undefined;
    }
  | { readonly prefix: 'UPDOWN'; readonly event: 'up' | 'down' };

/** One real-time line classified: a whole notification or a piece of a block. */
export type ParsedLine =
  | { readonly part: 'single'; readonly notification: Notification }
  | { readonly part: 'block-start'; readonly header: BlockHeader }
  | {
      readonly part: 'env';
      readonly prefix: BlockPrefix;
      readonly name: string;
      readonly value: string;
    }
  | { readonly part: 'env-end'; readonly prefix: BlockPrefix };

const unknown = (raw: string, reason?: string): ParsedLine => ({
  part: 'single',
  notification: reason === undefined ? { type: 'unknown', raw } : { type: 'unknown', raw, reason },
});

const single = (notification: Notification): ParsedLine => ({ part: 'single', notification });

const LOG_FLAG_CHARS = /^[A-Z]*$/;
// openvpn 2.6 asks NEED-STR as `Need 'name' string`; the management notes say `input`.
const NEED = /^Need '([^']*)' (?:confirmation|input|string)(?: MSG:(.*))?$/;
const HOLD_SECONDS = /:(\d{1,10})$/;
const BANNER_VERSION = /^OpenVPN Management Interface Version (\d{1,6}) /;
const PKCS11_ENTRY = /^'(\d{1,10})', ID:'([^']*)', BLOB:'([^']*)'$/;

const logFlags = (raw: string): LogFlags => ({
  raw,
  info: raw.includes('I'),
  fatal: raw.includes('F'),
  nonFatal: raw.includes('N'),
  warning: raw.includes('W'),
  debug: raw.includes('D'),
});

// openvpn 2.6 sends no flag or a single one; those LogFlags are built once and shared, frozen.
const COMMON_LOG_FLAGS: ReadonlyMap<string, LogFlags> = new Map(
  ['', 'I', 'F', 'N', 'W', 'D'].map((raw) => [raw, Object.freeze(logFlags(raw))]),
);

/** The shared flags object for no flag or one flag, as openvpn 2.6 sends them. */
export const commonLogFlags = (raw: string): LogFlags | undefined => COMMON_LOG_FLAGS.get(raw);

/** Parses `time,flags,text` of LOG lines; used for `log all` history too. */
export const parseLogFields = (text: string): LogEntry | undefined => {
  const [time, flags, message] = splitFields(text, ',', 3);
  const seconds = parseUnsigned(time);
  if (seconds === undefined || flags === undefined || message === undefined) return undefined;
  const common = COMMON_LOG_FLAGS.get(flags);
  if (common === undefined && !LOG_FLAG_CHARS.test(flags)) return undefined;
  return { time: seconds, flags: common ?? logFlags(flags), text: message };
};

/** Parses `time,text` of ECHO lines; used for `echo all` history too. */
export const parseEchoFields = (text: string): EchoEntry | undefined => {
  const [time, message] = splitFields(text, ',', 2);
  const seconds = parseUnsigned(time);
  return seconds === undefined || message === undefined
    ? undefined
    : { time: seconds, text: message };
};

const CLIENT_EVENTS: Readonly<Record<string, ClientEvent>> = {
  CONNECT: 'connect',
  REAUTH: 'reauth',
  ESTABLISHED: 'established',
  DISCONNECT: 'disconnect',
  CR_RESPONSE: 'cr-response',
};

// `name=value` after `ENV,`; without `=` it is a name with an empty value.
const envLine = (prefix: BlockPrefix, pair: string): ParsedLine => {
  const equals = pair.indexOf('=');
  return equals === -1
    ? { part: 'env', prefix, name: pair, value: '' }
    : { part: 'env', prefix, name: pair.slice(0, equals), value: pair.slice(equals + 1) };
};

const parseClient = (raw: string, payload: string): ParsedLine => {
  // ENV lines are most of a block, so they are recognised before anything is split. A bare
  // `ENV` reads as an empty ENV line, as the general split below would read it.
  if (payload.startsWith('ENV,') || payload === 'ENV') {
    const rest = payload.slice(4);
    return rest === 'END' ? { part: 'env-end', prefix: 'CLIENT' } : envLine('CLIENT', rest);
  }
  const [kind = '', rest = ''] = splitFields(payload, ',', 2);
  if (kind === 'ADDRESS') {
    const [cid, address, primary] = splitFields(rest, ',', 3);
    const clientId = parseUnsigned(cid);
    if (clientId === undefined || address === undefined || (primary !== '0' && primary !== '1')) {
      return unknown(raw, 'malformed CLIENT:ADDRESS');
    }
    return single({ type: 'client-address', clientId, address, primary: primary === '1' });
  }
  const event = Object.hasOwn(CLIENT_EVENTS, kind) ? CLIENT_EVENTS[kind] : undefined;
  if (event === undefined) return unknown(raw, `unknown CLIENT event '${kind}'`);
  const withKey = event === 'connect' || event === 'reauth' || event === 'cr-response';
  const [cid, kid, response] = splitFields(rest, ',', event === 'cr-response' ? 3 : 2);
  const clientId = parseUnsigned(cid);
  const keyId = withKey ? parseUnsigned(kid) : undefined;
  if (clientId === undefined || (withKey && keyId === undefined)) {
    return unknown(raw, `malformed CLIENT:${kind}`);
  }
  if (!withKey && kid !== undefined) return unknown(raw, `malformed CLIENT:${kind}`);
  return {
    part: 'block-start',
    header: {
      prefix: 'CLIENT',
      event,
      clientId,
      keyId,
      response: event === 'cr-response' ? Secret.of(response ?? '') : undefined,
    },
  };
};

const parseUpDown = (payload: string): ParsedLine | undefined => {
  if (payload === 'UP' || payload === 'DOWN') {
    return {
      part: 'block-start',
      header: { prefix: 'UPDOWN', event: payload === 'UP' ? 'up' : 'down' },
    };
  }
  if (payload === 'ENV,END') return { part: 'env-end', prefix: 'UPDOWN' };
  return payload.startsWith('ENV,') ? envLine('UPDOWN', payload.slice(4)) : undefined;
};

const parseCounts = (raw: string, payload: string, withClient: boolean): ParsedLine => {
  // A surplus field stays in the last one and fails parseUnsigned there, so the count is exact.
  const [first, second, third] = splitFields(payload, ',', withClient ? 3 : 2);
  const a = parseUnsigned(first);
  const b = parseUnsigned(second);
  const c = withClient ? parseUnsigned(third) : 0;
  if (a === undefined || b === undefined || c === undefined) {
    return unknown(raw, 'malformed byte counts');
  }
  return single(
    withClient
      ? { type: 'bytecount-cli', clientId: a, bytesIn: b, bytesOut: c }
      : { type: 'bytecount', bytesIn: a, bytesOut: b },
  );
};

const parseSign = (payload: string): Notification => {
  const [data = '', algorithm, ...rest] = payload.split(',');
  const params: Record<string, string> = {};
  for (const item of rest) {
    const [name = '', value = ''] = splitFields(item, '=', 2);
    params[name] = value;
  }
  return { type: 'pk-sign', data, algorithm: optional(algorithm), params };
};

const parseNeed = (raw: string, type: 'need-ok' | 'need-str', payload: string): ParsedLine => {
  const match = NEED.exec(payload);
  if (match === null) return unknown(raw, `malformed ${type.toUpperCase()}`);
  return single({ type, name: match[1] ?? '', message: match[2] ?? '' });
};

const parseByType = (raw: string, source: string, payload: string): ParsedLine => {
  switch (source) {
    // The busiest sources first: a switch on strings tests its cases in order.
    case 'LOG': {
      const entry = parseLogFields(payload);
      // Spelled out rather than spread: a literal of fixed shape is cheaper on this hot path.
      return entry === undefined
        ? unknown(raw, 'malformed LOG')
        : single({ type: 'log', time: entry.time, flags: entry.flags, text: entry.text });
    }
    case 'BYTECOUNT':
      return parseCounts(raw, payload, false);
    case 'BYTECOUNT_CLI':
      return parseCounts(raw, payload, true);
    case 'CLIENT':
      return parseClient(raw, payload);
    case 'STATE': {
      // One definition serves `>STATE:` and the `state` command's output.
      const entry = parseStateFields(payload.split(','));
      return entry._tag === 'Left'
        ? unknown(raw, entry.left.reason)
        : single({ type: 'state', ...entry.right });
    }
    case 'UPDOWN':
      return parseUpDown(payload) ?? unknown(raw, 'malformed UPDOWN');
    case 'ECHO': {
      const entry = parseEchoFields(payload);
      return entry === undefined
        ? unknown(raw, 'malformed ECHO')
        : single({ type: 'echo', ...entry });
    }
    case 'FATAL':
      return single({ type: 'fatal', text: payload });
    case 'HOLD': {
      const seconds = HOLD_SECONDS.exec(payload);
      return single({ type: 'hold', text: payload, waitSeconds: parseUnsigned(seconds?.[1]) });
    }
    case 'INFO': {
      const version = BANNER_VERSION.exec(payload);
      return single({
        type: 'info',
        text: payload,
        managementVersion: parseUnsigned(version?.[1]),
      });
    }
    case 'INFOMSG':
      return single({ type: 'infomsg', message: parseInfoMessage(payload) });
    case 'NEED-OK':
      return parseNeed(raw, 'need-ok', payload);
    case 'NEED-STR':
      return parseNeed(raw, 'need-str', payload);
    case 'PASSWORD': {
      const password = parsePassword(payload);
      return password === undefined ? unknown(raw, 'unrecognised PASSWORD form') : single(password);
    }
    case 'PK_SIGN':
      return single(parseSign(payload));
    case 'RSA_SIGN':
      return single({ type: 'rsa-sign', data: payload });
    case 'PROXY': {
      const [index, protocol, host] = splitFields(payload, ',', 3);
      const number = parseUnsigned(index);
      if (number === undefined || protocol === undefined || host === undefined) {
        return unknown(raw, 'malformed PROXY');
      }
      return single({ type: 'proxy', index: number, protocol, host });
    }
    case 'REMOTE': {
      const [host, port, protocol] = splitFields(payload, ',', 3);
      const number = parseUnsigned(port);
      if (host === undefined || number === undefined || protocol === undefined) {
        return unknown(raw, 'malformed REMOTE');
      }
      return single({ type: 'remote', host, port: number, protocol });
    }
    case 'NEED-CERTIFICATE':
      return single({ type: 'need-certificate', hint: payload });
    case 'NOTIFY': {
      const [severity, kind, text] = splitFields(payload, ',', 3);
      if (severity === undefined || kind === undefined || text === undefined) {
        return unknown(raw, 'malformed NOTIFY');
      }
      return single({ type: 'notify', severity, kind, text });
    }
    case 'PKCS11ID-COUNT': {
      const count = parseUnsigned(payload);
      return count === undefined
        ? unknown(raw, 'malformed PKCS11ID-COUNT')
        : single({ type: 'pkcs11-id-count', count });
    }
    case 'PKCS11ID-ENTRY': {
      const entry = PKCS11_ENTRY.exec(payload);
      if (entry === null) return unknown(raw, 'malformed PKCS11ID-ENTRY');
      const [, index = '', id = '', blob = ''] = entry;
      return single({ type: 'pkcs11-id-entry', index: Number(index), id, blob });
    }
    default:
      return unknown(raw, `unknown source '${source}'`);
  }
};

/** Classifies one real-time line (`>SOURCE:payload`). Never throws. */
export const parseLine = (line: string): ParsedLine => {
  if (!line.startsWith('>')) return unknown(line, 'not a real-time line');
  const colon = line.indexOf(':');
  if (colon === -1) return unknown(line, 'no source separator');
  return parseByType(line, line.slice(1, colon), line.slice(colon + 1));
};
