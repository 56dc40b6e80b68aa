import { classifyStdoutLine, type StdoutEvent } from '../process/stdout-event.js';
import { reconnectReasonOf } from './reconnect-reason.js';
import { vpnFailure, type VpnFailure } from './vpn-failure.js';

// The credential names of `>PASSWORD:Verification Failed: '<type>'` (management-notes).
const PRIVATE_KEY = 'Private Key';

const tlsFailure = (detail: string, details?: Record<string, string | number>): VpnFailure =>
  vpnFailure(
    'TLS_ERROR',
    `The TLS handshake failed (${detail}): check the server address and the CA certificate.`,
    details,
  );

const privateKeyFailure = (file?: string): VpnFailure =>
  vpnFailure(
    'AUTH_FAILED',
    'openvpn could not load the private key: wrong passphrase or unreadable key file.',
    { credential: PRIVATE_KEY, file },
  );

const credentialsRejected = (reason?: string): VpnFailure =>
  vpnFailure('AUTH_FAILED', 'The server rejected the username or password.', {
    credential: 'Auth',
    reason,
  });

/**
 * The failure an openvpn reason word stands for (`RECONNECTING,<word>`, `EXITING,<word>`,
 * `SIGTERM[soft,<word>]`), or undefined for words that are not failures (a restart ordered by
 * a signal, a keepalive timeout that openvpn recovers from).
 */
export const failureOfReason = (raw: string): VpnFailure | undefined => {
  switch (reconnectReasonOf(raw)) {
    case 'auth-failed':
      return raw.trim() === 'private-key-password-failure'
        ? privateKeyFailure()
        : credentialsRejected();
    case 'tls-error':
      return tlsFailure(raw.trim());
    default:
      return undefined;
  }
};

/**
 * The failure behind openvpn exiting with reason word `raw` (`EXITING,<word>`,
 * `SIGTERM[soft,<word>] received, process exiting`): specific for credential and TLS words,
 * otherwise a generic one that keeps the word.
 */
export const failureOfExit = (raw: string): VpnFailure => {
  const word = raw === '' ? 'no reason given' : raw;
  return (
    failureOfReason(raw) ??
    vpnFailure('PROCESS_EXITED', `openvpn exited on its own (${word}).`, { reason: raw })
  );
};

/** The failure `>PASSWORD:Verification Failed: '<type>' ['<reason>']` reports. */
export const failureOfPasswordType = (type: string, reason?: string): VpnFailure =>
  type === PRIVATE_KEY ? privateKeyFailure() : credentialsRejected(type === 'Auth' ? reason : type);

/** The failure an openvpn output line reports, or undefined for informational events. */
export const failureOfStdout = (event: StdoutEvent): VpnFailure | undefined => {
  switch (event.kind) {
    case 'AuthFailed':
      return credentialsRejected(event.reason);
    case 'OptionsErrorReported':
      return vpnFailure('PROFILE_INVALID', `openvpn rejected the profile: ${event.message}`, {
        directive: event.directive,
        text: event.message,
      });
    case 'TlsNegotiationFailed':
      return tlsFailure(`no key negotiation within ${event.timeoutSeconds} seconds`, {
        timeoutSeconds: event.timeoutSeconds,
      });
    case 'TlsHandshakeFailed':
      return tlsFailure('handshake failed');
    case 'CertificateVerificationFailed':
      return tlsFailure(`certificate verification failed: ${event.error}`, {
        verifyError: event.error,
        ...(event.depth === undefined ? {} : { depth: event.depth }),
      });
    case 'PrivateKeyLoadFailed':
      return privateKeyFailure(event.file);
    case 'PrivateKeyPasswordFailed':
      return privateKeyFailure();
    case 'TunOpenFailed':
      return event.permissionDenied
        ? vpnFailure(
            'PERMISSION_DENIED',
            `openvpn may not open the TUN/TAP device ${event.device}: run it with CAP_NET_ADMIN.`,
            { device: event.device, reason: event.reason, errno: event.errno },
          )
        : vpnFailure(
            'PROCESS_EXITED',
            `openvpn could not open the TUN/TAP device ${event.device}: ${event.reason}`,
            { device: event.device, reason: event.reason, errno: event.errno },
          );
    case 'ExitSignalled':
      return failureOfExit(event.reason);
    case 'RestartSignalled':
      return failureOfReason(event.reason);
    case 'ResolveFailed':
      return vpnFailure(
        'PROCESS_EXITED',
        `openvpn could not resolve ${event.host}: ${event.reason}`,
      );
    case 'ConnectRetriesExhausted':
      return vpnFailure(
        'PROCESS_EXITED',
        `openvpn gave up after ${event.retries} unsuccessful connection attempts.`,
      );
    case 'FatalExitAnnounced':
      return vpnFailure('PROCESS_EXITED', 'openvpn exited on a fatal error.');
    case 'InitializationCompleted':
    case 'NetworkUnreachableReported':
    case 'ConnectionResetReported':
    case 'InactivityTimedOut':
    case 'ServerPollTimedOut':
    case 'ConnectFailed':
      return undefined;
  }
};

/**
 * The failure a `>FATAL:<text>` notification reports: openvpn writes the same message to its
 * log, so a recognised line gives the specific failure, anything else a generic one.
 */
export const failureOfFatal = (text: string): VpnFailure => {
  const event = classifyStdoutLine(text);
  const specific = event === undefined ? undefined : failureOfStdout(event);
  return specific ?? vpnFailure('PROCESS_EXITED', `openvpn reported a fatal error: ${text}`);
};
