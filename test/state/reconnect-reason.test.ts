import { describe, expect, it } from '@jest/globals';
import { failureOfExit, failureOfReason } from '../../src/state/failure-cause.js';
import {
  KNOWN_REASON_WORDS,
  reconnectReasonOf,
  type ReconnectReason,
} from '../../src/state/reconnect-reason.js';

// Every word openvpn 2.6.14 registers as a signal text, with the category it must map to.
const EXPECTED: Readonly<Record<string, ReconnectReason>> = {
  'ping-restart': 'ping-restart',
  'ping-exit': 'ping-restart',
  'tls-error': 'tls-error',
  'decryption-error': 'tls-error',
  'network-unreachable': 'network-unreachable',
  'connection-failed': 'network-unreachable',
  server_poll: 'network-unreachable',
  'HTTP proxy error': 'network-unreachable',
  'socks-error': 'network-unreachable',
  'socks-resolve-failure': 'network-unreachable',
  'Could not determine IPv4/IPv6 protocol': 'network-unreachable',
  'connection-reset': 'connection-reset',
  'server-pushed-connection-reset': 'connection-reset',
  'remote-exit': 'connection-reset',
  'auth-failure': 'auth-failed',
  'auth-failure (auth-token)': 'auth-failed',
  'auth-temp-failure (server temporary reject)': 'auth-failed',
  'private-key-password-failure': 'auth-failed',
  'auth-control-exit': 'auth-failed',
  'management-disconnect': 'signal',
  'management-forget-disconnect': 'signal',
  'management-exit': 'signal',
  'exit-with-notification': 'signal',
  'server-pushed-halt': 'signal',
  inactive: 'signal',
  'session-timeout': 'signal',
  'delayed-exit': 'signal',
  init_instance: 'signal',
  'no-push-reply': 'unknown',
  'process-push-msg-failed': 'unknown',
  'connection initialisation failed': 'unknown',
  'ip-fail': 'unknown',
  'dco update keys error': 'unknown',
};

describe('reconnectReasonOf', () => {
  it('maps every openvpn 2.6 reason word deliberately', () => {
    expect([...KNOWN_REASON_WORDS].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('maps %s to %s', (word, reason) => {
    expect(reconnectReasonOf(word)).toBe(reason);
  });

  it.each(['SIGUSR1', 'SIGHUP', 'SIGTERM', 'SIGINT', 'sigusr1'])(
    'maps the bare signal name %s (a signal without text) to signal',
    (word) => {
      expect(reconnectReasonOf(word)).toBe('signal');
    },
  );

  it.each(['', 'something-new', '__proto__', 'constructor', 'toString', 'SIG'])(
    'maps the unknown word "%s" to unknown',
    (word) => {
      expect(reconnectReasonOf(word)).toBe('unknown');
    },
  );

  it('ignores surrounding whitespace', () => {
    expect(reconnectReasonOf(' ping-restart ')).toBe('ping-restart');
  });
});

describe('failures of reason words', () => {
  it.each([
    ['tls-error', 'TLS_ERROR'],
    ['auth-failure', 'AUTH_FAILED'],
    ['auth-control-exit', 'AUTH_FAILED'],
  ])('%s is a %s failure', (word, code) => {
    expect(failureOfReason(word)?.code).toBe(code);
  });

  it('names the key for a private key passphrase failure', () => {
    expect(failureOfReason('private-key-password-failure')?.details).toEqual({
      credential: 'Private Key',
    });
  });

  it.each(['ping-restart', 'connection-reset', 'SIGUSR1', 'network-unreachable'])(
    '%s is no failure by itself',
    (word) => {
      expect(failureOfReason(word)).toBeUndefined();
    },
  );

  it('keeps the word when an exit has no specific cause', () => {
    expect(failureOfExit('ping-exit')).toEqual({
      code: 'PROCESS_EXITED',
      message: 'openvpn exited on its own (ping-exit).',
      details: { reason: 'ping-exit' },
    });
  });
});
