/**
 * Why openvpn restarted (or is exiting), in the few categories a client acts on. The raw word
 * openvpn reported is kept next to it in the state.
 *
 * - `ping-restart`: keepalive expired, the peer went silent.
 * - `tls-error`: the TLS handshake or key negotiation failed (wrong CA, server down on UDP).
 * - `network-unreachable`: the server could not be reached at all (no route, DNS, refused TCP
 *   connect, proxy failure).
 * - `connection-reset`: the server closed or reset an established session.
 * - `auth-failed`: the server or the key file rejected the credentials.
 * - `signal`: the restart or exit was ordered, not caused by a fault (an OS signal, the
 *   management interface, a server command, a configured timer).
 * - `unknown`: a word openvpn 2.6 does not document or one that fits none of the above.
 */
export type ReconnectReason =
  | 'ping-restart'
  | 'tls-error'
  | 'network-unreachable'
  | 'connection-reset'
  | 'auth-failed'
  | 'signal'
  | 'unknown';

// Every signal text openvpn 2.6.14 registers (register_signal / throw_signal_soft callers in
// forward.c, ping.c, push.c, socket.c, proxy.c, socks.c, ssl.c, init.c, manage.c, occ.c, sig.c),
// checked against the strings of the 2.6.14 binary. When a signal has no text, openvpn reports
// the signal name instead (sig.c signal_restart_status), handled below by pattern.
const REASON_BY_WORD: ReadonlyMap<string, ReconnectReason> = new Map<string, ReconnectReason>([
  // keepalive (--ping-restart, --ping-exit, --keepalive)
  ['ping-restart', 'ping-restart'],
  ['ping-exit', 'ping-restart'],
  // TLS: also the EXITING word under --tls-exit; decryption-error is the static-key analogue
  ['tls-error', 'tls-error'],
  ['decryption-error', 'tls-error'],
  // the server was never reached
  ['network-unreachable', 'network-unreachable'],
  ['connection-failed', 'network-unreachable'],
  ['server_poll', 'network-unreachable'],
  ['HTTP proxy error', 'network-unreachable'],
  ['socks-error', 'network-unreachable'],
  ['socks-resolve-failure', 'network-unreachable'],
  // socket.c, when --remote does not resolve (with the default --resolv-retry infinite)
  ['Could not determine IPv4/IPv6 protocol', 'network-unreachable'],
  // an established session ended from the server side
  ['connection-reset', 'connection-reset'],
  ['server-pushed-connection-reset', 'connection-reset'],
  ['remote-exit', 'connection-reset'],
  // credentials
  ['auth-failure', 'auth-failed'],
  ['auth-failure (auth-token)', 'auth-failed'],
  ['auth-temp-failure (server temporary reject)', 'auth-failed'],
  ['private-key-password-failure', 'auth-failed'],
  ['auth-control-exit', 'auth-failed'],
  // ordered: OS signals, the management interface, the server, configured timers
  ['management-disconnect', 'signal'],
  ['management-forget-disconnect', 'signal'],
  ['management-exit', 'signal'],
  ['exit-with-notification', 'signal'],
  ['server-pushed-halt', 'signal'],
  ['inactive', 'signal'],
  ['session-timeout', 'signal'],
  ['delayed-exit', 'signal'],
  // the default text when a signal interrupts initialisation (init.c), in practice a hard
  // SIGTERM/SIGUSR1 arriving during the restart pause
  ['init_instance', 'signal'],
  // failures inside openvpn that say nothing about the network or the credentials
  ['no-push-reply', 'unknown'],
  ['process-push-msg-failed', 'unknown'],
  ['connection initialisation failed', 'unknown'],
  ['ip-fail', 'unknown'],
  ['dco update keys error', 'unknown'],
]);

const SIGNAL_NAME = /^SIG[A-Z0-9]+$/i;

/** The category of a raw openvpn reason word (`>STATE:…,RECONNECTING,<word>`). */
export const reconnectReasonOf = (raw: string): ReconnectReason => {
  const word = raw.trim();
  const known = REASON_BY_WORD.get(word);
  if (known !== undefined) return known;
  return SIGNAL_NAME.test(word) ? 'signal' : 'unknown';
};

/** Every reason word this module maps explicitly, for tests and documentation. */
export const KNOWN_REASON_WORDS: readonly string[] = [...REASON_BY_WORD.keys()];
