import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import {
  EpochSecondsFromString,
  PortFromString,
  UINT32_MAX,
  Uint32FromString,
  blankAsUndefined,
  decodeField,
} from './field-codecs.js';
import { parseFailure, type ParseFailure } from './parse-failure.js';

/** The state names of the management interface notes (`COMMAND -- state`), openvpn 2.6. */
export const OPENVPN_STATE_NAMES = [
  'CONNECTING',
  'WAIT',
  'AUTH',
  'GET_CONFIG',
  'ASSIGN_IP',
  'ADD_ROUTES',
  'CONNECTED',
  'RECONNECTING',
  'EXITING',
  'RESOLVE',
  'TCP_CONNECT',
  'AUTH_PENDING',
] as const;

/** A documented openvpn state name. */
export type OpenVpnStateName = (typeof OPENVPN_STATE_NAMES)[number];

/** The fields every state line has, whatever its name. Blank fields are `undefined`. */
export interface StateEntryFields {
  /** When openvpn entered the state, in epoch seconds. */
  readonly time: number;
  /** Reason or detail, e.g. `SIGUSR1` on RECONNECTING or `SUCCESS` on CONNECTED. */
  readonly description: string | undefined;
  readonly localIpv4: string | undefined;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  readonly localAddress: string | undefined;
  readonly localPort: number | undefined;
  readonly localIpv6: string | undefined;
  /** Seconds left to finish authentication, from `timeout N` on AUTH_PENDING (2.6+). */
  readonly authTimeoutSeconds: number | undefined;
}

/** A state line whose name is one of {@link OPENVPN_STATE_NAMES}. */
export interface KnownStateEntry extends StateEntryFields {
  readonly known: true;
  readonly name: OpenVpnStateName;
}

/**
 * A state line with a name this library does not know (a newer openvpn, or `INITIAL` and `?`
 * which openvpn's own code can print). Kept, not dropped, so callers decide.
 */
export interface UnknownStateEntry extends StateEntryFields {
  readonly known: false;
  readonly name: string;
}

/** One line of `state` output or one `>STATE:` notification. Narrow on `known`. */
export type StateEntry = KnownStateEntry | UnknownStateEntry;

/** Fewest fields: time, name, description, local IPv4, remote (openvpn 2.1). */
export const STATE_FIELDS_MIN = 5;
/** Most fields: the 2.4+ layout, ending with the local IPv6 address. */
export const STATE_FIELDS_MAX = 9;

const STATE_NOTIFICATION_PREFIX = '>STATE:';
const AUTH_TIMEOUT = /^timeout (\d+)$/;
const OptionalPort = blankAsUndefined(PortFromString);

/** True for a name in {@link OPENVPN_STATE_NAMES}. */
export const isOpenVpnStateName = (name: string): name is OpenVpnStateName =>
  (OPENVPN_STATE_NAMES as readonly string[]).includes(name);

const blankToUndefined = (field: string | undefined): string | undefined =>
  field === undefined || field === '' ? undefined : field;

/**
 * Reads the comma-separated fields of one state line:
 * `time,NAME,description,localIPv4,remoteAddr,remotePort,localAddr,localPort,localIPv6`.
 * Between {@link STATE_FIELDS_MIN} and {@link STATE_FIELDS_MAX} fields; missing trailing
 * fields read as blank.
 */
export const parseStateFields = (fields: readonly string[]): E.Either<ParseFailure, StateEntry> =>
  parseStateFieldsFast(fields) ?? parseStateFieldsChecked(fields);

const DIGITS = /^\d{1,15}$/;

// Reads a field the way the io-ts codecs do, for values that need no error report.
const plainInteger = (text: string, min: number, max: number): number | undefined => {
  if (!DIGITS.test(text)) return undefined;
  const value = Number(text);
  return value >= min && value <= max ? value : undefined;
};

const UNSET = Symbol('unset');

const optionalPort = (text: string): number | undefined | typeof UNSET =>
  text === '' ? undefined : (plainInteger(text, 1, 65_535) ?? UNSET);

/**
 * The hot path for `>STATE:` notifications: well-formed lines are read without building io-ts
 * reports. Anything it does not accept goes to {@link parseStateFieldsChecked}, which gives the
 * failure its reason.
 */
export const parseStateFieldsFast = (
  fields: readonly string[],
): E.Either<ParseFailure, StateEntry> | undefined => {
  if (fields.length < STATE_FIELDS_MIN || fields.length > STATE_FIELDS_MAX) return undefined;
  const [timeText = '', name = '', description, localIpv4, remoteAddress] = fields;
  const [remotePortText = '', localAddress, localPortText = '', localIpv6] = fields.slice(5);
  const time = plainInteger(timeText, 0, Number.MAX_SAFE_INTEGER);
  const remotePort = optionalPort(remotePortText);
  const localPort = optionalPort(localPortText);
  if (name === '' || time === undefined || remotePort === UNSET || localPort === UNSET) {
    return undefined;
  }
  let authTimeoutSeconds: number | undefined;
  if (name === 'AUTH_PENDING') {
    const seconds = AUTH_TIMEOUT.exec(description ?? '')?.[1];
    if (seconds !== undefined) {
      authTimeoutSeconds = plainInteger(seconds, 0, UINT32_MAX);
      if (authTimeoutSeconds === undefined) return undefined;
    }
  }
  const common: StateEntryFields = {
    time,
    remotePort,
    localPort,
    authTimeoutSeconds,
    description: blankToUndefined(description),
    localIpv4: blankToUndefined(localIpv4),
    remoteAddress: blankToUndefined(remoteAddress),
    localAddress: blankToUndefined(localAddress),
    localIpv6: blankToUndefined(localIpv6),
  };
  return E.right(
    isOpenVpnStateName(name) ? { ...common, known: true, name } : { ...common, known: false, name },
  );
};

/** The io-ts path: every field decoded by its codec, a failure carrying its reason. */
export const parseStateFieldsChecked = (
  fields: readonly string[],
): E.Either<ParseFailure, StateEntry> => {
  const text = fields.join(',');
  const fail = (reason: string): E.Either<ParseFailure, never> =>
    E.left(parseFailure('state', reason, { text }));
  if (fields.length < STATE_FIELDS_MIN || fields.length > STATE_FIELDS_MAX) {
    return fail(`expected ${STATE_FIELDS_MIN} to ${STATE_FIELDS_MAX} fields, got ${fields.length}`);
  }
  const [timeText = '', name = '', description, localIpv4, remoteAddress] = fields;
  const [remotePortText = '', localAddress, localPortText = '', localIpv6] = fields.slice(5);
  if (name === '') return fail('state name is blank');
  return pipe(
    E.Do,
    E.bind('time', () => decodeField(EpochSecondsFromString, timeText)),
    E.bind('remotePort', () => decodeField(OptionalPort, remotePortText)),
    E.bind('localPort', () => decodeField(OptionalPort, localPortText)),
    E.bind('authTimeoutSeconds', () => authTimeout(name, description)),
    E.mapLeft((reason) => parseFailure('state', reason, { text })),
    E.map((decoded): StateEntry => {
      const common: StateEntryFields = {
        ...decoded,
        description: blankToUndefined(description),
        localIpv4: blankToUndefined(localIpv4),
        remoteAddress: blankToUndefined(remoteAddress),
        localAddress: blankToUndefined(localAddress),
        localIpv6: blankToUndefined(localIpv6),
      };
      return isOpenVpnStateName(name)
        ? { ...common, known: true, name }
        : { ...common, known: false, name };
    }),
  );
};

// AUTH_PENDING's description is `timeout N` (%u) when the server proposed a timeout.
const authTimeout = (
  name: string,
  description: string | undefined,
): E.Either<string, number | undefined> => {
  const match = name === 'AUTH_PENDING' ? AUTH_TIMEOUT.exec(description ?? '') : null;
  const seconds = match?.[1];
  return seconds === undefined ? E.right(undefined) : decodeField(Uint32FromString, seconds);
};

/**
 * Reads one state line, with or without the `>STATE:` prefix of the real-time notification,
 * so `state` replies and notifications share one definition.
 */
export const parseStateLine = (text: string): E.Either<ParseFailure, StateEntry> => {
  const body = text.startsWith(STATE_NOTIFICATION_PREFIX)
    ? text.slice(STATE_NOTIFICATION_PREFIX.length)
    : text;
  return parseStateFields(body.split(','));
};
