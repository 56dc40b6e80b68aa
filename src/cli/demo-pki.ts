import { randomBytes, randomUUID, X509Certificate, createPrivateKey } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { execa } from 'execa';
import { VpnError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';

/** The demo's certificates and keys, as PEM text, read from the cache and checked. */
export interface DemoPki {
  readonly dir: string;
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** Epoch ms when the first of the three certificates expires. */
  readonly validUntil: number;
}

/** Options of {@link ensureDemoPki}; each has a default. */
export interface DemoPkiOptions {
  /** Default: {@link demoPkiDir} of this process's environment. */
  readonly dir?: string;
  /** Default `openssl`, found on PATH. */
  readonly opensslPath?: string;
  /** Epoch ms; default `Date.now`. */
  readonly now?: () => number;
  readonly logger?: Logger;
}

/** Common name of the demo server's certificate, for `verify-x509-name`. */
export const DEMO_SERVER_NAME = 'rx-openvpn-demo-server';
const DEMO_CLIENT_NAME = 'rx-openvpn-demo-client';
const DEMO_CA_NAME = 'rx-openvpn-demo-ca';
const VALIDITY_DAYS = 30;
const MS_PER_DAY = 86_400_000;
/** A cached PKI that expires sooner than this is made anew. */
const RENEW_BEFORE_MS = MS_PER_DAY;
const SERIAL_BYTES = 16;
const INSTALL_ATTEMPTS = 3;
const FILES = {
  caCert: 'ca.crt',
  serverCert: 'server.crt',
  serverKey: 'server.key',
  clientCert: 'client.crt',
  clientKey: 'client.key',
} as const;
const OPENSSL_INSTALL_HINT =
  'Install it: apt-get install -y openssl (Debian, Ubuntu), dnf install openssl (Fedora), ' +
  'brew install openssl (macOS).';

// Our own openssl configuration, so that the distribution's openssl.cnf (its default
// extensions differ between versions) has no say in what the certificates contain.
const OPENSSL_CONFIG = `[req]
distinguished_name = dn
[dn]
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[client_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

/**
 * Where the demo PKI is cached: `$XDG_CACHE_HOME/rx-openvpn/demo-pki`, or
 * `<home>/.cache/rx-openvpn/demo-pki` when the variable is unset or not absolute (as the XDG
 * base directory spec says to treat a relative one).
 */
export function demoPkiDir(
  env: Readonly<Record<string, string | undefined>>,
  home: string,
): string {
  const xdg = env['XDG_CACHE_HOME'];
  const cacheRoot = xdg !== undefined && isAbsolute(xdg) ? xdg : join(home, '.cache');
  return join(cacheRoot, 'rx-openvpn', 'demo-pki');
}

const errnoOf = (error: unknown): unknown =>
  typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;

/**
 * Reads the PKI in `dir` and checks it: every file parses, the leaf certificates are signed by
 * the CA and match their keys and, checked at `now`, all are valid and none expires within
 * {@link RENEW_BEFORE_MS}. A reason string when it is missing, damaged or out of date. A PKI
 * just made is read without `now`: openssl dated it from the real clock, which an injected
 * `now` need not follow.
 */
async function loadPki(dir: string, now: number | undefined): Promise<DemoPki | string> {
  const read = (file: string): Promise<string> => readFile(join(dir, file), 'utf8');
  let files: readonly [string, string, string, string, string];
  try {
    files = await Promise.all([
      read(FILES.caCert),
      read(FILES.serverCert),
      read(FILES.serverKey),
      read(FILES.clientCert),
      read(FILES.clientKey),
    ]);
  } catch (error) {
    return `cannot read it (${String(errnoOf(error) ?? error)})`;
  }
  const [caCert, serverCert, serverKey, clientCert, clientKey] = files;
  try {
    const ca = new X509Certificate(caCert);
    const leaves = [
      [new X509Certificate(serverCert), createPrivateKey(serverKey)],
      [new X509Certificate(clientCert), createPrivateKey(clientKey)],
    ] as const;
    if (!leaves.every(([cert, key]) => cert.verify(ca.publicKey) && cert.checkPrivateKey(key))) {
      return 'its certificates do not belong together';
    }
    const certs = [ca, ...leaves.map(([cert]) => cert)];
    const validUntil = Math.min(...certs.map((cert) => new Date(cert.validTo).getTime()));
    if (now !== undefined) {
      // After the clock went back, openvpn would refuse the certificates as not yet valid.
      if (certs.some((cert) => new Date(cert.validFrom).getTime() > now))
        return 'it is not valid yet';
      if (validUntil - now < RENEW_BEFORE_MS) return 'it expires within a day';
    }
    return { dir, caCert, serverCert, serverKey, clientCert, clientKey, validUntil };
  } catch (error) {
    return `it does not parse (${String(error)})`;
  }
}

const runOpenssl = async (opensslPath: string, cwd: string, args: readonly string[]) => {
  try {
    await execa(opensslPath, [...args], { cwd, stdin: 'ignore' });
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') {
      throw new VpnError(
        'OPENSSL_NOT_FOUND',
        `openssl not found (${opensslPath}): the demo makes its certificates with it. ` +
          OPENSSL_INSTALL_HINT,
        { cause: error, details: { opensslPath } },
      );
    }
    const stderr =
      typeof error === 'object' && error !== null && 'stderr' in error ? error.stderr : '';
    throw new VpnError(
      'DEMO_PKI_FAILED',
      `openssl ${args[0] ?? ''} failed while making the demo certificates: ${String(stderr)}`,
      { cause: error, details: { args } },
    );
  }
};

const serial = (): string => `0x${randomBytes(SERIAL_BYTES).toString('hex')}`;

// One openssl command line; no part holds a space (the subjects neither), so splitting is exact.
const opensslArgs = (line: string): readonly string[] => line.split(' ');

const keyStep = (file: string) =>
  opensslArgs(`genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ${file}`);

// Key, request and CA-signed certificate of one end; `extensions` names a section above.
const leafSteps = (name: string, commonName: string, extensions: string) => [
  keyStep(`${name}.key`),
  opensslArgs(
    `req -new -config openssl.cnf -key ${name}.key -subj /CN=${commonName} -out ${name}.csr`,
  ),
  opensslArgs(
    `x509 -req -in ${name}.csr -CA ca.crt -CAkey ca.key -set_serial ${serial()} ` +
      `-days ${VALIDITY_DAYS} -extfile openssl.cnf -extensions ${extensions} -out ${name}.crt`,
  ),
];

/** Makes a fresh PKI in `dir`, which must exist, and leaves only the cached files there. */
async function generatePki(opensslPath: string, dir: string): Promise<void> {
  await writeFile(join(dir, 'openssl.cnf'), OPENSSL_CONFIG, { mode: 0o600 });
  const steps = [
    keyStep('ca.key'),
    opensslArgs(
      `req -new -x509 -config openssl.cnf -key ca.key -subj /CN=${DEMO_CA_NAME} ` +
        `-days ${VALIDITY_DAYS} -extensions ca_ext -out ca.crt`,
    ),
    ...leafSteps('server', DEMO_SERVER_NAME, 'server_ext'),
    ...leafSteps('client', DEMO_CLIENT_NAME, 'client_ext'),
  ];
  for (const step of steps) await runOpenssl(opensslPath, dir, step);
  // Nothing is ever signed with the CA key again: it is not kept.
  await Promise.all(
    ['ca.key', 'server.csr', 'client.csr', 'openssl.cnf'].map((file) => rm(join(dir, file))),
  );
  await Promise.all(Object.values(FILES).map((file) => chmod(join(dir, file), 0o600)));
}

const isOccupied = (error: unknown): boolean =>
  errnoOf(error) === 'ENOTEMPTY' || errnoOf(error) === 'EEXIST';

/**
 * Puts the checked PKI `made` at `dir` by rename, so a reader sees the old PKI or the new one,
 * never a mix. When another demo got there first with a valid PKI, that one is used.
 */
async function install(made: DemoPki, dir: string, now: number): Promise<DemoPki> {
  for (let attempt = 1; attempt <= INSTALL_ATTEMPTS; attempt++) {
    try {
      await rename(made.dir, dir);
      return { ...made, dir };
    } catch (error) {
      if (!isOccupied(error)) throw error;
      const current = await loadPki(dir, now);
      if (typeof current !== 'string') return current;
      // Stale and in the way: moved aside first, since a rename cannot replace a full directory.
      const aside = `${dir}.stale-${randomUUID()}`;
      await rename(dir, aside).catch((moveError: unknown) => {
        if (errnoOf(moveError) !== 'ENOENT') throw moveError;
      });
      await rm(aside, { recursive: true, force: true });
    }
  }
  throw new VpnError(
    'DEMO_PKI_FAILED',
    `cannot install the demo PKI at ${dir}: remove that directory and retry`,
    { details: { dir } },
  );
}

/**
 * The demo PKI: a CA, a server certificate (serverAuth) and a client certificate
 * (clientAuth), EC P-256, valid {@link VALIDITY_DAYS} days. Made with the `openssl` binary
 * once, then reused from the cache directory until it expires within a day. Files are 0600 in
 * a 0700 directory. Rejects with `OPENSSL_NOT_FOUND` (with how to install it) or
 * `DEMO_PKI_FAILED`.
 */
export async function ensureDemoPki(options: DemoPkiOptions = {}): Promise<DemoPki> {
  const dir = options.dir ?? demoPkiDir(process.env, homedir());
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const cached = await loadPki(dir, now());
  if (typeof cached !== 'string') return cached;
  logger.info('making the demo PKI', { dir, why: cached });
  await mkdir(dirname(dir), { recursive: true, mode: 0o700 });
  // Beside its destination, so the final rename stays on one file system.
  const fresh = await mkdtemp(`${dir}.new-`);
  try {
    await chmod(fresh, 0o700);
    await generatePki(options.opensslPath ?? 'openssl', fresh);
    const made = await loadPki(fresh, undefined);
    if (typeof made === 'string') {
      throw new VpnError(
        'DEMO_PKI_FAILED',
        `openssl made a demo PKI that fails its check: ${made}`,
      );
    }
    return await install(made, dir, now());
  } finally {
    await rm(fresh, { recursive: true, force: true });
  }
}
