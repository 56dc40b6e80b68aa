import type { ErrorCode } from '../core/errors.js';

/** A JSON-safe value allowed in {@link VpnFailure.details}. */
export type FailureDetail = string | number | boolean | null;

/**
 * An expected failure as a plain value, so a `VpnState` serialises as JSON. The thrown
 * counterpart is `VpnError`; both share the {@link ErrorCode}s.
 */
export interface VpnFailure {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: Readonly<Record<string, FailureDetail>>;
}

/** Builds a {@link VpnFailure}, leaving `details` out when there are none. */
export const vpnFailure = (
  code: ErrorCode,
  message: string,
  details?: Readonly<Record<string, FailureDetail | undefined>>,
): VpnFailure => {
  const kept = details === undefined ? {} : definedEntries(details);
  return Object.keys(kept).length === 0 ? { code, message } : { code, message, details: kept };
};

/** Copies `details` without its undefined entries, which JSON would drop anyway. */
const definedEntries = (
  details: Readonly<Record<string, FailureDetail | undefined>>,
): Record<string, FailureDetail> => {
  const kept: Record<string, FailureDetail> = {};
  for (const [key, value] of Object.entries(details)) {
    if (value !== undefined) kept[key] = value;
  }
  return kept;
};

/** True for the catch-all code: the failure says openvpn stopped, not why. */
const isGeneric = (failure: VpnFailure): boolean => failure.code === 'PROCESS_EXITED';

/**
 * Chooses between the cause already recorded and a newly reported one. openvpn reports one
 * failure several times (`AUTH_FAILED`, then `SIGTERM[soft,auth-failure]`, then `EXITING`), and
 * ends most failures with a generic "Exiting due to fatal error", so: a generic report never
 * replaces a specific one, a repeat of the same code keeps the first (it carries the most
 * detail) unless it brings a reason of its own (a later attempt refused for that reason), and
 * a different specific code replaces the older one (the latest attempt failed for that reason).
 */
export const preferFailure = (current: VpnFailure | undefined, next: VpnFailure): VpnFailure => {
  if (current === undefined) return next;
  if (current.code === next.code) {
    const reason = next.details?.['reason'];
    return reason !== undefined && reason !== current.details?.['reason'] ? next : current;
  }
  if (isGeneric(next) && !isGeneric(current)) return current;
  return next;
};
