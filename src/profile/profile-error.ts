import { VpnError } from '../core/errors.js';

/** Why a profile was refused. Stable strings: apps may branch on them. */
export type ProfileInvalidReason =
  // lexing, as OpenVPN's own config parser does it
  | 'unclosed-quote'
  | 'bad-backslash'
  | 'too-many-parameters'
  | 'line-too-long'
  // blocks
  | 'unterminated-block'
  | 'unsupported-block'
  | 'unexpected-closing-tag'
  | 'duplicate-block'
  | 'invalid-block-content'
  | 'invalid-connection-block'
  | 'remote-outside-connection'
  // directives
  | 'invalid-directive-name'
  | 'invalid-argument'
  | 'missing-directive'
  | 'owned-directive'
  | 'script-refused'
  | 'file-reference'
  // the typed options object
  | 'invalid-options';

/** The payload of a {@link ProfileError}. */
export interface ProfileErrorDetails {
  /** 1-based line in the .ovpn text, when the profile came from text. */
  readonly line?: number;
  readonly directive?: string;
  readonly reason: ProfileInvalidReason;
  /** What openvpn 2.6 itself prints for the same input, when it refuses it too. */
  readonly openvpnMessage?: string;
}

/** A profile that cannot be used. The message says what to change. */
export type ProfileError = VpnError<'PROFILE_INVALID', ProfileErrorDetails>;

/**
 * Builds a {@link ProfileError}. `problem` and `remedy` are sentences; the location (line,
 * directive) is prefixed so the message reads on its own.
 */
export function profileError(
  details: ProfileErrorDetails,
  problem: string,
  remedy: string,
): ProfileError {
  const where = [
    details.line === undefined ? undefined : `line ${details.line}`,
    details.directive === undefined ? undefined : `'${details.directive}'`,
  ]
    .filter((part): part is string => part !== undefined)
    .join(', ');
  const prefix = where === '' ? 'Profile' : `Profile, ${where}`;
  return new VpnError('PROFILE_INVALID', `${prefix}: ${problem} ${remedy}`, { details });
}
