import type { Either } from 'fp-ts/lib/Either.js';
import { left, right } from 'fp-ts/lib/Either.js';
import { VpnError } from '../core/errors.js';

/** `--setenv` variable naming the application that started an openvpn. */
export const MARKER_APP_VARIABLE = 'RX_OPENVPN_APP';
/** `--setenv` variable naming the engine that started an openvpn: `<pid>:<startTime>`. */
export const MARKER_ENGINE_VARIABLE = 'RX_OPENVPN_ENGINE';

// No leading '-': openvpn's argv parser would take `--x` for an option, not a value.
const APP_ID = /^[A-Za-z0-9._][A-Za-z0-9._-]{0,63}$/;
const ENGINE_VALUE = /^(\d{1,16}):(\d{1,16})$/;

declare const appIdBrand: unique symbol;
/** An application id that passed {@link parseAppId}. */
export type AppId = string & { readonly [appIdBrand]: true };

/** One process, named so that a reused pid does not pass for it. */
export interface ProcessIdentity {
  readonly pid: number;
  /** Start time as the process table gives it (Linux: clock ticks since boot). */
  readonly startTime: number;
}

/** What an engine writes on the command line of every openvpn it starts. */
export interface OwnershipMarker {
  readonly appId: AppId;
  readonly engine: ProcessIdentity;
}

/** A marker as read back from a command line; the engine part may be missing or garbled. */
export interface ReadMarker {
  readonly appId: AppId;
  readonly engine: ProcessIdentity | undefined;
}

/** Checks an application id: 1 to 64 of `A-Z a-z 0-9 . _ -`, not starting with `-`. */
export function parseAppId(raw: string): Either<VpnError<'LAUNCHER_INVALID'>, AppId> {
  return APP_ID.test(raw)
    ? right(raw as AppId)
    : left(
        new VpnError(
          'LAUNCHER_INVALID',
          `invalid application id ${JSON.stringify(raw)}: use 1 to 64 letters, digits, ` +
            'dots, underscores or dashes, not starting with a dash',
        ),
      );
}

const isIdentity = ({ pid, startTime }: ProcessIdentity): boolean =>
  Number.isSafeInteger(pid) && pid > 0 && Number.isSafeInteger(startTime) && startTime >= 0;

/** Builds a marker, refusing an invalid app id or an engine identity that is not whole numbers. */
export function ownershipMarker(
  appId: string,
  engine: ProcessIdentity,
): Either<VpnError<'LAUNCHER_INVALID'>, OwnershipMarker> {
  if (!isIdentity(engine)) {
    return left(
      new VpnError('LAUNCHER_INVALID', `invalid engine identity ${JSON.stringify(engine)}`),
    );
  }
  const parsed = parseAppId(appId);
  return parsed._tag === 'Left' ? parsed : right({ appId: parsed.right, engine });
}

/** The openvpn options that carry `marker`; put them on every openvpn the engine starts. */
export const markerArgs = ({ appId, engine }: OwnershipMarker): readonly string[] => [
  '--setenv',
  MARKER_APP_VARIABLE,
  appId,
  '--setenv',
  MARKER_ENGINE_VARIABLE,
  `${engine.pid}:${engine.startTime}`,
];

// The value of the last `--setenv <variable> <value>`: later ones win in openvpn too.
const setenvValue = (argv: readonly string[], variable: string): string | undefined =>
  argv
    .map((arg, index) =>
      arg === '--setenv' && argv[index + 1] === variable ? argv[index + 2] : undefined,
    )
    .filter((value): value is string => value !== undefined && !value.startsWith('--'))
    .at(-1);

const parseEngine = (value: string | undefined): ProcessIdentity | undefined => {
  const [, pid, startTime] = (value === undefined ? null : ENGINE_VALUE.exec(value)) ?? [];
  if (pid === undefined || startTime === undefined) return undefined;
  const identity = { pid: Number(pid), startTime: Number(startTime) };
  return isIdentity(identity) ? identity : undefined;
};

/**
 * The ownership marker on a command line (any argv: with or without the program name, behind
 * sudo or a helper), or `undefined` when it has no valid application id. The engine part is
 * `undefined` when missing or malformed: the openvpn is still the application's, orphaned.
 */
export function readMarker(argv: readonly string[]): ReadMarker | undefined {
  const appId = setenvValue(argv, MARKER_APP_VARIABLE);
  if (appId === undefined || !APP_ID.test(appId)) return undefined;
  return { appId: appId as AppId, engine: parseEngine(setenvValue(argv, MARKER_ENGINE_VARIABLE)) };
}
