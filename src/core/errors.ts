/**
 * Stable error codes. Expected failures travel as values carrying one of these codes;
 * faults that end a stream are thrown as {@link VpnError} with the same codes.
 */
export type ErrorCode =
  // management protocol
  | 'ENCODE_REFUSED'
  | 'MANAGEMENT_UNREACHABLE'
  | 'MANAGEMENT_ENDPOINT_REFUSED'
  | 'MANAGEMENT_CLOSED'
  | 'MANAGEMENT_TIMEOUT'
  | 'MANAGEMENT_AUTH_FAILED'
  | 'COMMAND_FAILED'
  | 'REPLY_MALFORMED'
  // process and launch
  | 'OPENVPN_NOT_FOUND'
  | 'PERMISSION_DENIED'
  | 'SPAWN_FAILED'
  | 'PROCESS_EXITED'
  | 'STOP_FAILED'
  | 'ALIEN_OPENVPN_RUNNING'
  | 'OPENVPN_ALREADY_RUNNING'
  // inputs
  | 'PROFILE_INVALID'
  | 'PROVIDER_INVALID'
  | 'GATEWAY_NOT_FOUND'
  // tunnel
  | 'AUTH_FAILED'
  | 'TLS_ERROR'
  | 'PROMPT_TIMEOUT'
  | 'PROMPT_CANCELLED'
  // process discovery
  | 'PROCESS_LIST_FAILED'
  // launch
  | 'LAUNCHER_INVALID'
  // demo (CLI)
  | 'OPENSSL_NOT_FOUND'
  | 'DEMO_PKI_FAILED'
  | 'DEMO_SERVER_FAILED';

/** Options accepted by {@link VpnError}. */
export interface VpnErrorOptions<D> {
  readonly details?: D;
  readonly cause?: unknown;
}

/**
 * The one error class of rx-openvpn: a stable `code`, a human message that says what to do,
 * a typed `details` payload and the underlying `cause`.
 */
export class VpnError<C extends ErrorCode = ErrorCode, D = unknown> extends Error {
  override readonly name = 'VpnError';
  readonly code: C;
  readonly details: D | undefined;

  constructor(code: C, message: string, options: VpnErrorOptions<D> = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

/** True when `error` is a {@link VpnError}, optionally with the given code. */
export const isVpnError = <C extends ErrorCode>(error: unknown, code?: C): error is VpnError<C> =>
  error instanceof VpnError && (code === undefined || error.code === code);
