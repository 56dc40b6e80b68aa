/**
 * openvpn's stdout/stderr lines that matter to a client, as typed events. Every event keeps
 * `text`: the line without its timestamp prefix, for logs. Lines not listed here (most of
 * them) classify as `undefined`.
 */
export type StdoutEvent =
  | {
      readonly kind: 'InitializationCompleted';
      readonly text: string;
      readonly withErrors: boolean;
    }
  | {
      readonly kind: 'RestartSignalled' | 'ExitSignalled';
      readonly text: string;
      readonly signal: string;
      /** `hard`: sent from outside (kill, management); `soft`: raised by openvpn itself. */
      readonly source: 'hard' | 'soft';
      /** openvpn's reason word, or the signal name when it gave none (as `>STATE` does). */
      readonly reason: string;
    }
  | { readonly kind: 'NetworkUnreachableReported'; readonly text: string }
  | { readonly kind: 'ConnectionResetReported'; readonly text: string }
  | {
      readonly kind: 'InactivityTimedOut';
      readonly text: string;
      readonly option: 'ping-restart' | 'ping-exit' | 'inactive';
    }
  | { readonly kind: 'ServerPollTimedOut'; readonly text: string }
  | {
      readonly kind: 'ConnectFailed';
      readonly text: string;
      readonly remote: string;
      readonly reason: string;
    }
  | {
      readonly kind: 'ResolveFailed';
      readonly text: string;
      readonly host: string;
      readonly reason: string;
    }
  | { readonly kind: 'ConnectRetriesExhausted'; readonly text: string; readonly retries: number }
  | { readonly kind: 'AuthFailed'; readonly text: string; readonly reason?: string }
  | {
      readonly kind: 'OptionsErrorReported';
      readonly text: string;
      /** openvpn's message after `Options error: `. */
      readonly message: string;
      /** The directive it names, without dashes, when it names one. */
      readonly directive?: string;
    }
  | { readonly kind: 'FatalExitAnnounced'; readonly text: string }
  | {
      readonly kind: 'TlsNegotiationFailed';
      readonly text: string;
      readonly timeoutSeconds: number;
    }
  | { readonly kind: 'TlsHandshakeFailed'; readonly text: string }
  | {
      readonly kind: 'CertificateVerificationFailed';
      readonly text: string;
      readonly error: string;
      readonly depth?: number;
    }
  | { readonly kind: 'PrivateKeyLoadFailed'; readonly text: string; readonly file: string }
  | { readonly kind: 'PrivateKeyPasswordFailed'; readonly text: string }
  | {
      readonly kind: 'TunOpenFailed';
      readonly text: string;
      readonly device: string;
      readonly reason: string;
      readonly errno?: number;
      /** EPERM or EACCES: openvpn lacks the privilege (CAP_NET_ADMIN or access to the node). */
      readonly permissionDenied: boolean;
    };

/** The `kind` of every {@link StdoutEvent}. */
export type StdoutEventKind = StdoutEvent['kind'];

// openvpn 2.6 prefixes "2026-12-03 16:05:35 " unless --suppress-timestamps, and
// "<unix>.<usec> <flags hex> " under --machine-readable-output (error.c x_msg_va).
const TIMESTAMP_PREFIX = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} /;
const MACHINE_READABLE_PREFIX = /^\d+\.\d{6} [0-9a-f]+ /;

/** The message of a log line: without line ending and timestamp prefix. */
export const stripLogPrefix = (line: string): string =>
  line
    .replace(/\r?\n?$/, '')
    .replace(TIMESTAMP_PREFIX, '')
    .replace(MACHINE_READABLE_PREFIX, '');

const EPERM = 1;
const EACCES = 13;

type Rule = (text: string) => StdoutEvent | undefined;

/** Applies `pattern` and, when it matches, builds the event from the capture groups. */
const rule =
  (
    pattern: RegExp,
    build: (groups: readonly (string | undefined)[], text: string) => StdoutEvent,
  ) =>
  (text: string): StdoutEvent | undefined => {
    const match = pattern.exec(text);
    return match === null ? undefined : build(match.slice(1), text);
  };

const group = (groups: readonly (string | undefined)[], index: number): string =>
  groups[index] ?? '';

const optionalNumber = (value: string | undefined): number | undefined =>
  value === undefined ? undefined : Number(value);

// sig.c print_signal: "%s[%s,%s] received, %s %s" with the source "hard", "soft" or
// "connection failed(soft)"; the title is "process" for a client.
const signalled = rule(
  /^(SIG[A-Z0-9]+)\[([^,\]]*),(.*)\] received, \S+ (restarting|exiting)$/,
  (g, text) => ({
    kind: group(g, 3) === 'restarting' ? 'RestartSignalled' : 'ExitSignalled',
    text,
    signal: group(g, 0),
    source: group(g, 1).includes('soft') ? 'soft' : 'hard',
    reason: group(g, 2) === '' ? group(g, 0) : group(g, 2),
  }),
);

/** The directive an `Options error:` message names, in the shapes openvpn 2.6 prints. */
const directiveOf = (message: string): string | undefined => {
  const unrecognised = /^Unrecognized option or missing or extra parameter\(s\) in \S+: ([\w-]+)/;
  const named = unrecognised.exec(message) ?? /--([a-z][\w-]*)/.exec(message);
  if (named !== null) return named[1];
  return message.includes('Error opening configuration file') ? 'config' : undefined;
};

const tunFailure = (g: readonly (string | undefined)[], text: string): StdoutEvent => {
  const errno = optionalNumber(g[2]);
  return {
    kind: 'TunOpenFailed',
    text,
    device: group(g, 0),
    reason: group(g, 1),
    ...(errno === undefined ? {} : { errno }),
    permissionDenied: errno === EPERM || errno === EACCES,
  };
};

const RULES: readonly Rule[] = [
  rule(/^Initialization Sequence Completed( With Errors)?$/, (g, text) => ({
    kind: 'InitializationCompleted',
    text,
    withErrors: g[0] !== undefined,
  })),
  signalled,
  rule(/^Network unreachable, restarting$/, (_g, text) => ({
    kind: 'NetworkUnreachableReported',
    text,
  })),
  rule(/^Connection reset, restarting \[-?\d+\]$/, (_g, text) => ({
    kind: 'ConnectionResetReported',
    text,
  })),
  // ping.c prefixes the peer's common name, "[UNDEF] " before TLS has one
  rule(
    /^(?:\[[^\]]*\] )?Inactivity timeout \(--(ping-restart|ping-exit|inactive)\), \w+$/,
    (g, text) => ({
      kind: 'InactivityTimedOut',
      text,
      option: group(g, 0) as 'ping-restart' | 'ping-exit' | 'inactive',
    }),
  ),
  rule(/^Server poll timeout, restarting$/, (_g, text) => ({ kind: 'ServerPollTimedOut', text })),
  rule(/^TCP: connect to (.+) failed: (.+)$/, (g, text) => ({
    kind: 'ConnectFailed',
    text,
    remote: group(g, 0),
    reason: group(g, 1),
  })),
  rule(/^RESOLVE: Cannot resolve host address: (\S+) \(([^)]*)\)/, (g, text) => ({
    kind: 'ResolveFailed',
    text,
    host: group(g, 0),
    reason: group(g, 1),
  })),
  rule(
    /^All connections have been connect-retry-max \((\d+)\) times unsuccessful, exiting$/,
    (g, text) => ({ kind: 'ConnectRetriesExhausted', text, retries: Number(group(g, 0)) }),
  ),
  // A CRV1 challenge is a question carrying its state id, not a reason to show.
  rule(/^AUTH: Received control message: AUTH_FAILED(?:,(.*))?$/, (g, text) =>
    g[0] === undefined || g[0] === '' || g[0].startsWith('CRV1:')
      ? { kind: 'AuthFailed', text }
      : { kind: 'AuthFailed', text, reason: g[0] },
  ),
  // "Options error:" for the profile; "OPTIONS ERROR:" when pushed options cannot be used
  rule(/^(?:\[[^\]]*\] )?Options error: (.*)$/i, (g, text) => {
    const message = group(g, 0);
    const directive = directiveOf(message);
    return directive === undefined
      ? { kind: 'OptionsErrorReported', text, message }
      : { kind: 'OptionsErrorReported', text, message, directive };
  }),
  rule(/^Exiting due to fatal error$/, (_g, text) => ({ kind: 'FatalExitAnnounced', text })),
  rule(/^TLS Error: TLS key negotiation failed to occur within (\d+) seconds/, (g, text) => ({
    kind: 'TlsNegotiationFailed',
    text,
    timeoutSeconds: Number(group(g, 0)),
  })),
  rule(/^TLS Error: TLS handshake failed$/, (_g, text) => ({ kind: 'TlsHandshakeFailed', text })),
  rule(/^VERIFY ERROR: depth=(\d+), error=(.+?)(?:: .*)?$/, (g, text) => ({
    kind: 'CertificateVerificationFailed',
    text,
    depth: Number(group(g, 0)),
    error: group(g, 1),
  })),
  // ssl_verify.c: "VERIFY X509NAME ERROR: …", "VERIFY KU ERROR", "VERIFY EKU ERROR", …
  rule(/^VERIFY [A-Z0-9-]+ ERROR(?:: (.*))?$/, (g, text) => ({
    kind: 'CertificateVerificationFailed',
    text,
    error: g[0] ?? text,
  })),
  rule(/^Cannot load private key file (.+)$/, (g, text) => ({
    kind: 'PrivateKeyLoadFailed',
    text,
    file: group(g, 0),
  })),
  rule(/^Error: private key password verification failed$/, (_g, text) => ({
    kind: 'PrivateKeyPasswordFailed',
    text,
  })),
  rule(/^ERROR: Cannot open TUN\/TAP dev (\S+): (.+?)(?: \(errno=(\d+)\))?$/, tunFailure),
  rule(/^ERROR: Cannot ioctl TUNSETIFF (\S+): (.+?)(?: \(errno=(\d+)\))?$/, tunFailure),
];

/**
 * Classifies one line of openvpn output (stdout or stderr, with or without a timestamp
 * prefix). Returns `undefined` for lines that are not events.
 */
export const classifyStdoutLine = (line: string): StdoutEvent | undefined => {
  const text = stripLogPrefix(line);
  for (const apply of RULES) {
    const event = apply(text);
    if (event !== undefined) return event;
  }
  return undefined;
};
