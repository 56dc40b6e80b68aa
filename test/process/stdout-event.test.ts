import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { classifyStdoutLine, stripLogPrefix } from '../../src/process/stdout-event.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/stdout/', import.meta.url));

/** The events of a fixture, in order, without their `text`. */
const eventsOf = (file: string): Record<string, unknown>[] =>
  readFileSync(`${FIXTURES}${file}`, 'utf8')
    .split('\n')
    .map(classifyStdoutLine)
    .filter((event) => event !== undefined)
    .map(({ text: _text, ...fields }) => fields);

const times = <T>(count: number, items: readonly T[]): T[] =>
  Array.from({ length: count }, () => items).flat();

const restart = (reason: string) => ({
  kind: 'RestartSignalled',
  signal: 'SIGUSR1',
  source: 'soft',
  reason,
});
const exit = (source: string, reason: string) => ({
  kind: 'ExitSignalled',
  signal: 'SIGTERM',
  source,
  reason,
});
const fatal = { kind: 'FatalExitAnnounced' };
const refused = (remote: string, reason: string) => ({ kind: 'ConnectFailed', remote, reason });
const unresolved = {
  kind: 'ResolveFailed',
  host: 'no-such-host.invalid:1194',
  reason: 'Name or service not known',
};

// Captured from openvpn 2.6.14 on loopback; test/fixtures/stdout/README.md says how.
const EXPECTED: Readonly<Record<string, readonly Record<string, unknown>[]>> = {
  'auth-failed.txt': [{ kind: 'AuthFailed' }, exit('soft', 'auth-failure')],
  'connect-retry-max.txt': [
    ...times(2, [
      refused('[AF_INET]127.0.0.1:11999', 'Connection refused'),
      restart('connection-failed'),
    ]),
    { kind: 'ConnectRetriesExhausted', retries: 2 },
    fatal,
  ],
  'connected-then-reset.txt': [
    { kind: 'InitializationCompleted', withErrors: false },
    { kind: 'ConnectionResetReported' },
    restart('connection-reset'),
    exit('hard', 'init_instance'),
  ],
  'inactive-machine-readable.txt': [
    { kind: 'InactivityTimedOut', option: 'inactive' },
    exit('soft', 'inactive'),
  ],
  'options-bad-flag.txt': [
    {
      kind: 'OptionsErrorReported',
      message: 'unknown --redirect-gateway flag: nonsense-flag',
      directive: 'redirect-gateway',
    },
  ],
  'options-missing-file.txt': [
    {
      kind: 'OptionsErrorReported',
      message: "--ca fails with 'nonexist.crt': No such file or directory (errno=2)",
      directive: 'ca',
    },
    { kind: 'OptionsErrorReported', message: 'Please correct these errors.' },
  ],
  'options-unknown-option.txt': [
    {
      kind: 'OptionsErrorReported',
      message:
        'Unrecognized option or missing or extra parameter(s) in [CMD-LINE]:1: bogus-option (2.6.14)',
      directive: 'bogus-option',
    },
  ],
  'ping-exit-no-timestamps.txt': [
    { kind: 'InactivityTimedOut', option: 'ping-exit' },
    exit('soft', 'ping-exit'),
  ],
  'ping-restart-closed-port.txt': [
    ...times(3, [{ kind: 'InactivityTimedOut', option: 'ping-restart' }, restart('ping-restart')]),
    exit('hard', 'init_instance'),
  ],
  'private-key-password.txt': [
    { kind: 'PrivateKeyLoadFailed', file: 'client-pass.key' },
    { kind: 'PrivateKeyPasswordFailed' },
    fatal,
  ],
  'private-key-unloadable.txt': [
    { kind: 'PrivateKeyLoadFailed', file: 'client-bad.key' },
    { kind: 'PrivateKeyPasswordFailed' },
    fatal,
  ],
  'resolve-failed.txt': [unresolved, fatal],
  'resolve-retry.txt': [
    ...times(5, [unresolved, unresolved, restart('Could not determine IPv4/IPv6 protocol')]),
    exit('hard', 'init_instance'),
  ],
  'tcp-connection-refused.txt': [
    ...times(6, [
      refused('[AF_INET]127.0.0.1:11999', 'Connection refused'),
      restart('connection-failed'),
    ]),
    exit('hard', 'init_instance'),
  ],
  'tcp-network-unreachable.txt': [
    ...times(5, [
      refused('[AF_INET]10.20.30.40:1194', 'Network is unreachable'),
      restart('connection-failed'),
    ]),
    exit('hard', 'init_instance'),
  ],
  'tls-negotiation-timeout.txt': [
    ...times(2, [
      { kind: 'TlsNegotiationFailed', timeoutSeconds: 3 },
      { kind: 'TlsHandshakeFailed' },
      restart('tls-error'),
    ]),
    exit('hard', 'SIGTERM'),
  ],
  'tls-wrong-ca.txt': [
    {
      kind: 'CertificateVerificationFailed',
      depth: 1,
      error: 'self-signed certificate in certificate chain',
    },
    { kind: 'TlsHandshakeFailed' },
    restart('tls-error'),
    exit('hard', 'SIGTERM'),
  ],
  'tun-missing-node.txt': [
    {
      kind: 'TunOpenFailed',
      device: '/nonexistent/tun',
      reason: 'No such file or directory',
      errno: 2,
      permissionDenied: false,
    },
    fatal,
  ],
  'tun-operation-not-permitted.txt': [
    {
      kind: 'TunOpenFailed',
      device: 'tun',
      reason: 'Operation not permitted',
      errno: 1,
      permissionDenied: true,
    },
    fatal,
  ],
  'tun-permission-denied.txt': [
    {
      kind: 'TunOpenFailed',
      device: '/dev/net/tun',
      reason: 'Permission denied',
      errno: 13,
      permissionDenied: true,
    },
    fatal,
  ],
  'udp-network-unreachable.txt': [
    ...times(5, [{ kind: 'NetworkUnreachableReported' }, restart('network-unreachable')]),
    exit('hard', 'init_instance'),
  ],
};

describe('classifyStdoutLine on real openvpn 2.6.14 output', () => {
  it('has an expectation for every fixture', () => {
    const fixtures = readdirSync(FIXTURES).filter((file) => file.endsWith('.txt'));
    expect(fixtures.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('finds exactly the events of %s', (file, expected) => {
    expect(eventsOf(file)).toEqual(expected);
  });
});

describe('classifyStdoutLine', () => {
  it.each([
    ['a timestamp', '2026-12-03 16:05:35 Initialization Sequence Completed'],
    ['a machine-readable prefix', '1796314700.376617 1 Initialization Sequence Completed'],
    ['no prefix', 'Initialization Sequence Completed'],
    ['a CRLF ending', '2026-12-03 16:05:35 Initialization Sequence Completed\r\n'],
  ])('reads a line with %s', (_title, line) => {
    expect(classifyStdoutLine(line)).toEqual({
      kind: 'InitializationCompleted',
      text: 'Initialization Sequence Completed',
      withErrors: false,
    });
  });

  it('keeps a CRV1 challenge, state id and all, out of the refusal reason', () => {
    const line =
      'AUTH: Received control message: AUTH_FAILED,CRV1:R,E:s3cr3t-id:dXNlcg==:Your code';
    expect(classifyStdoutLine(line)).toEqual({ kind: 'AuthFailed', text: line });
  });

  it.each([
    ['Initialization Sequence Completed With Errors', { withErrors: true }],
    ['AUTH: Received control message: AUTH_FAILED,Session expired', { reason: 'Session expired' }],
    ['SIGUSR1[soft,auth-failure] received, process restarting', { kind: 'RestartSignalled' }],
    ['SIGTERM[hard,] received, process exiting', { source: 'hard', reason: 'SIGTERM' }],
    ['SIGHUP[hard,] received, process restarting', { signal: 'SIGHUP', reason: 'SIGHUP' }],
    [
      'SIGUSR1[connection failed(soft),connection-failed] received, process restarting',
      { source: 'soft', reason: 'connection-failed' },
    ],
    ['[Test-Server] Inactivity timeout (--ping-restart), restarting', { option: 'ping-restart' }],
    ['Server poll timeout, restarting', { kind: 'ServerPollTimedOut' }],
    [
      "VERIFY X509NAME ERROR: C=KG, CN=Test-Server, must be 'vpn.example.org'",
      {
        kind: 'CertificateVerificationFailed',
        error: "C=KG, CN=Test-Server, must be 'vpn.example.org'",
      },
    ],
    [
      "OPTIONS ERROR: failed to negotiate cipher with server.  Add the server's cipher ('BF-CBC') to --data-ciphers (currently 'AES-256-GCM') if you want to connect to this server.",
      { kind: 'OptionsErrorReported', directive: 'data-ciphers' },
    ],
    [
      'Options error: In [CMD-LINE]:1: Error opening configuration file: missing.conf',
      { kind: 'OptionsErrorReported', directive: 'config' },
    ],
  ])('classifies "%s"', (line, fields) => {
    expect(classifyStdoutLine(line)).toMatchObject(fields);
  });

  it.each([
    'TLS Error: Unroutable control packet received from [AF_INET]127.0.0.1:11940 (si=3 op=P_ACK_V1)',
    'MANAGEMENT: >STATE:1796314626,RECONNECTING,connection-reset,,,,,',
    'write UDPv4 []: Network is unreachable (fd=3,code=101)',
    'Connection reset during exit notification period, ignoring [0]',
    'VERIFY OK: depth=0, C=KG, ST=NA, O=OpenVPN-TEST, CN=Test-Server',
    'Use --help for more information.',
    '',
  ])('does not classify "%s"', (line) => {
    expect(classifyStdoutLine(line)).toBeUndefined();
  });

  it('strips only a leading prefix', () => {
    expect(stripLogPrefix('2026-12-03 16:05:35 note 2026-12-03 16:05:35 x')).toBe(
      'note 2026-12-03 16:05:35 x',
    );
  });
});
