/**
 * What a profile may not decide for itself. The engine runs openvpn as root, writes the config
 * into its private runtime directory and drives openvpn over management, so some directives
 * belong to the engine and some would let an imported profile run code or touch files as root.
 */

/**
 * - `drop`: removed, with a logged warning; the engine already does what the user meant.
 * - `ask`: the file argument is removed, so openvpn asks the engine (and the app) instead.
 * - `refuse`: the profile is refused; the message says what to do instead.
 */
export type OwnedDirectiveAction = 'drop' | 'ask' | 'refuse';

/** One row of {@link OWNED_DIRECTIVES}. A `directive` ending in `*` matches by prefix. */
export interface OwnedDirectiveRule {
  readonly directive: string;
  readonly action: OwnedDirectiveAction;
  readonly why: string;
}

const MANAGEMENT_SET = 'the engine opens and configures its own management interface';
const OUTPUT = "the engine reads openvpn's output and would lose it";

/** The directives the engine owns, as data, so documentation can quote the table. */
export const OWNED_DIRECTIVES: readonly OwnedDirectiveRule[] = [
  { directive: 'management', action: 'drop', why: MANAGEMENT_SET },
  { directive: 'management-client', action: 'drop', why: MANAGEMENT_SET },
  { directive: 'management-client-user', action: 'drop', why: MANAGEMENT_SET },
  { directive: 'management-client-group', action: 'drop', why: MANAGEMENT_SET },
  { directive: 'management-hold', action: 'drop', why: MANAGEMENT_SET },
  { directive: 'management-query-passwords', action: 'drop', why: MANAGEMENT_SET },
  { directive: 'management-query-proxy', action: 'drop', why: MANAGEMENT_SET },
  { directive: 'management-query-remote', action: 'drop', why: MANAGEMENT_SET },
  { directive: 'management-forget-disconnect', action: 'drop', why: MANAGEMENT_SET },
  { directive: 'management-signal', action: 'drop', why: MANAGEMENT_SET },
  { directive: 'management-up-down', action: 'drop', why: MANAGEMENT_SET },
  { directive: 'management-log-cache', action: 'drop', why: MANAGEMENT_SET },
  {
    directive: 'management-external-key',
    action: 'refuse',
    why: 'the engine does not sign with an external key; put the private key in a <key> block',
  },
  {
    directive: 'management-external-cert',
    action: 'refuse',
    why: 'the engine does not supply certificates; put the certificate in a <cert> block',
  },
  {
    directive: 'management-*',
    action: 'refuse',
    why: 'a management option the engine does not support',
  },
  { directive: 'daemon', action: 'drop', why: 'the engine supervises openvpn in the foreground' },
  { directive: 'log', action: 'drop', why: OUTPUT },
  { directive: 'log-append', action: 'drop', why: OUTPUT },
  { directive: 'syslog', action: 'drop', why: OUTPUT },
  {
    directive: 'machine-readable-output',
    action: 'drop',
    why: 'the engine chooses the log format it parses',
  },
  {
    directive: 'writepid',
    action: 'drop',
    why: 'the engine knows the process id and writes no file for it',
  },
  { directive: 'status', action: 'drop', why: 'the engine polls status over management' },
  { directive: 'status-version', action: 'drop', why: 'the engine polls status over management' },
  {
    directive: 'remap-usr1',
    action: 'drop',
    why: 'the engine relies on SIGUSR1 meaning "reconnect"',
  },
  {
    directive: 'askpass',
    action: 'drop',
    why: 'openvpn asks the engine for the private key passphrase over management',
  },
  {
    directive: 'auth-user-pass',
    action: 'ask',
    why: 'the engine supplies username and password over management; openvpn reads no file',
  },
  {
    directive: 'config',
    action: 'refuse',
    why: 'a profile must be self-contained; paste the included file into the profile',
  },
  {
    directive: 'cd',
    action: 'refuse',
    why: 'a profile must be self-contained; openvpn runs in the engine runtime directory',
  },
  {
    directive: 'chroot',
    action: 'refuse',
    why: 'the engine must reach its runtime directory when openvpn restarts',
  },
  {
    directive: 'service',
    action: 'refuse',
    why: 'the engine, not a Windows service event, stops openvpn',
  },
  {
    directive: 'replay-persist',
    action: 'refuse',
    why: 'it writes a file named by the profile, as root',
  },
  {
    directive: 'tls-export-cert',
    action: 'refuse',
    why: 'it writes files into a directory named by the profile, as root',
  },
  {
    directive: 'ifconfig-pool-persist',
    action: 'refuse',
    why: 'a server option that writes a file named by the profile, as root',
  },
  {
    directive: 'auth-gen-token-secret',
    action: 'refuse',
    why: 'a server option that reads a file named by the profile, as root',
  },
  { directive: 'inetd', action: 'refuse', why: 'the engine, not inetd, starts openvpn' },
  // Standalone operations: openvpn performs them instead of connecting (checked with 2.6.14).
  {
    directive: 'genkey',
    action: 'refuse',
    why: 'it writes a key file named by the profile, as root, instead of connecting',
  },
  ...[
    'mktun',
    'rmtun',
    'show-ciphers',
    'show-digests',
    'show-engines',
    'show-tls',
    'show-groups',
    'show-curves',
    'show-gateway',
    'show-pkcs11-ids',
    'test-crypto',
    'version',
    'help',
  ].map((directive): OwnedDirectiveRule => ({
    directive,
    action: 'refuse',
    why: 'it makes openvpn run a one-off operation instead of connecting',
  })),
  {
    directive: 'capath',
    action: 'refuse',
    why: 'a profile must be self-contained; put the CA certificates in a <ca> block',
  },
];

/**
 * Directives that make openvpn run a program or load code as root. Refused unless the caller
 * passes `allowScripts: true`: a profile downloaded from the internet must not run code.
 */
export const SCRIPT_DIRECTIVES: readonly string[] = [
  'up',
  'down',
  'route-up',
  'route-pre-down',
  'ipchange',
  'client-connect',
  'client-disconnect',
  'learn-address',
  'auth-user-pass-verify',
  'tls-verify',
  'tls-crypt-v2-verify',
  'plugin',
  'script-security',
  'iproute',
  'dns-updown',
  // these load a shared library named by the profile
  'engine',
  'providers',
  'pkcs11-providers',
];

/**
 * Directive forms of inline blocks. Their argument is a file openvpn would read as root, and the
 * engine's copy of the config could not reach it anyway: refused, the block form is required
 * (`dh none` excepted).
 */
export const FILE_DIRECTIVES: readonly string[] = [
  'ca',
  'cert',
  'extra-certs',
  'key',
  'pkcs12',
  'dh',
  'tls-auth',
  'tls-crypt',
  'tls-crypt-v2',
  'secret',
  'crl-verify',
  'http-proxy-user-pass',
];

const SCRIPT_SET: ReadonlySet<string> = new Set(SCRIPT_DIRECTIVES);

/** True when `name` runs a program or loads code. */
export const isScriptDirective = (name: string): boolean => SCRIPT_SET.has(name);

/** The rule for `name`: an exact row first, then the longest matching `*` prefix. */
export function ownedDirectiveRule(name: string): OwnedDirectiveRule | undefined {
  const exact = OWNED_DIRECTIVES.find((rule) => rule.directive === name);
  if (exact !== undefined) return exact;
  return OWNED_DIRECTIVES.filter(
    (rule) => rule.directive.endsWith('*') && name.startsWith(rule.directive.slice(0, -1)),
  ).sort((a, b) => b.directive.length - a.directive.length)[0];
}
