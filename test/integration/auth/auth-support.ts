import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  filter,
  firstValueFrom,
  from,
  isObservable,
  of,
  tap,
  throwError,
  timeout,
  type Observable,
  type Subscription,
} from 'rxjs';
import type { LogFields, Logger } from '../../../src/core/logger.js';
import type { Answer, CredentialsProvider, Prompt } from '../../../src/engine/credentials.js';
import type { EngineDeps } from '../../../src/engine/engine-options.js';
import type { LogRecord } from '../../../src/engine/tunnel-output.js';
import type { Tunnel } from '../../../src/engine/vpn.js';
import { MARKER_APP_VARIABLE } from '../../../src/launcher/ownership-marker.js';
import type { ClientNotification } from '../../../src/management/notification/types.js';
import { createProcessTable, type ProcessTable } from '../../../src/process/instances-table.js';
import { parseOvpn } from '../../../src/profile/parse-ovpn.js';
import type { Profile } from '../../../src/profile/profile-model.js';
import type { VpnState } from '../../../src/state/vpn-state.js';
import { SAMPLE_KEYS, type Lab } from '../lab/lab.js';
import { managedServer, type ManagedServer } from './server-management.js';

/** Parses a profile the test wrote, failing the test on any problem. */
export const profileOf = (text: string, allowScripts = false): Profile => {
  const parsed = parseOvpn(text, { allowScripts });
  if (parsed._tag === 'Left') throw new Error(parsed.left.message);
  return parsed.right;
};

/**
 * The real process table, minus the openvpn processes other test files and other engineers
 * start with their own app ids. The engine refuses to start beside any openvpn marked by
 * another application, so without this, test files running in parallel would refuse each
 * other.
 */
export const processTableOf = (appId: string): ProcessTable => {
  const table = createProcessTable();
  // Padded with blanks so that app id `x-1` does not also match `x-12`.
  const marker = ` ${MARKER_APP_VARIABLE} ${appId} `;
  return {
    list: async () =>
      (await table.list()).filter(
        (row) => !row.cmd.includes(MARKER_APP_VARIABLE) || ` ${row.cmd} `.includes(marker),
      ),
    startTime: (pid) => table.startTime(pid),
    argv: (pid) => table.argv(pid),
    uptimeMs: (startTime) => table.uptimeMs(startTime),
  };
};

/** Engine dependencies for one test file: its own process view and runtime base. */
export const engineDeps = (appId: string, runtimeBase: string): EngineDeps => ({
  processTable: processTableOf(appId),
  runtimeBase,
});

/** One record written to a {@link RecordingLogger}. */
export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: LogFields | undefined;
}

/** A logger that keeps every record, at every level. */
export interface RecordingLogger extends Logger {
  readonly records: readonly LogEntry[];
}

export const recordingLogger = (): RecordingLogger => {
  const records: LogEntry[] = [];
  const at =
    (level: LogEntry['level']) =>
    (message: string, fields?: LogFields): void => {
      records.push({ level, message, fields });
    };
  return {
    records,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
};

/** A provider that answers from `answer` and remembers every prompt it was shown. */
export interface RecordingProvider {
  readonly provider: CredentialsProvider;
  readonly prompts: readonly Prompt[];
}

export const recordingProvider = (
  answer: (prompt: Prompt, index: number) => Observable<Answer> | Answer,
): RecordingProvider => {
  const prompts: Prompt[] = [];
  return {
    prompts,
    provider: (prompt) => {
      prompts.push(prompt);
      const answered = answer(prompt, prompts.length - 1);
      return isObservable(answered) ? answered : of(answered);
    },
  };
};

/** A {@link ManagedServer} whose logins a test function decides. */
export interface ServedLogins {
  readonly server: ManagedServer;
  /** Every CLIENT block the server sent, in order. */
  readonly seen: readonly ClientNotification[];
  /** What `decide` threw; a test that expects its server to have worked asserts none. */
  readonly failures: readonly unknown[];
  /** Stops deciding and ends the management session (the lab stops the server). */
  readonly close: () => void;
}

/** Starts a managed server, recording each CLIENT block it sends and handing it to `decide`. */
export const serveLogins = async (
  lab: Lab,
  decide: (n: ClientNotification, server: ManagedServer) => Promise<void>,
): Promise<ServedLogins> => {
  const server = await managedServer(lab);
  const seen: ClientNotification[] = [];
  const failures: unknown[] = [];
  const subscription: Subscription = server.client$.subscribe((n) => {
    seen.push(n);
    decide(n, server).catch((error: unknown) => failures.push(error));
  });
  return {
    server,
    seen,
    failures,
    close: () => {
      subscription.unsubscribe();
      server.close();
    },
  };
};

/** How long a loopback tunnel may take to connect or fail; openvpn needs about a second. */
export const SETTLE_TIMEOUT_MS = 20_000;

const isSettled = (s: VpnState): boolean =>
  s.phase === 'connected' || s.phase === 'failed' || s.phase === 'stopped';

const settleTimeout = (what: string, timeoutMs: number, seen: readonly VpnState[]) => () =>
  throwError(
    () =>
      new Error(
        `the tunnel did not ${what} within ${timeoutMs} ms; states seen: ` +
          seen.map((s) => JSON.stringify(s)).join(', '),
      ),
  );

/**
 * The first state in which the tunnel is up or finished. Rejects after `timeoutMs` with the
 * states seen, so a hang says where it stopped instead of running into the test timeout.
 */
export const settled = (tunnel: Tunnel, timeoutMs = SETTLE_TIMEOUT_MS): Promise<VpnState> => {
  const seen: VpnState[] = [];
  return firstValueFrom(
    tunnel.state$.pipe(
      tap((s) => seen.push(s)),
      filter(isSettled),
      timeout({ first: timeoutMs, with: settleTimeout('settle', timeoutMs, seen) }),
    ),
  );
};

/** The final state, with the same deadline and diagnostics as {@link settled}. */
export const finished = (tunnel: Tunnel, timeoutMs = SETTLE_TIMEOUT_MS): Promise<VpnState> => {
  const seen: VpnState[] = [];
  tunnel.state$.subscribe((s) => seen.push(s));
  return firstValueFrom(
    from(tunnel.done).pipe(
      timeout({ first: timeoutMs, with: settleTimeout('end', timeoutMs, seen) }),
    ),
  );
};

/** What a tunnel reported from the moment {@link recordTunnel} was called. */
export interface TunnelRecord {
  readonly states: readonly VpnState[];
  readonly logs: readonly LogRecord[];
}

/** Keeps every state and log record of `tunnel`, for checks after the fact. */
export const recordTunnel = (tunnel: Tunnel): TunnelRecord => {
  const states: VpnState[] = [];
  const logs: LogRecord[] = [];
  tunnel.state$.subscribe((state) => states.push(state));
  tunnel.log$.subscribe((record) => logs.push(record));
  return { states, logs };
};

/** The argument vector and environment of the tunnel's openvpn, as procfs shows them. */
export const openvpnTraces = async (
  tunnel: Tunnel,
): Promise<{ readonly cmdline: string; readonly environ: string }> => {
  const pid = await firstValueFrom(tunnel.pid$);
  return {
    cmdline: await readFile(`/proc/${pid}/cmdline`, 'latin1'),
    environ: await readFile(`/proc/${pid}/environ`, 'latin1'),
  };
};

/** Stops every tunnel in `tunnels` at once and waits until each one is gone. */
export const stopAll = async (tunnels: Tunnel[]): Promise<void> => {
  for (const tunnel of tunnels.splice(0)) {
    tunnel.stop('kill');
    await tunnel.done;
  }
};

const blockPattern = (tag: string): RegExp => new RegExp(`<${tag}>\\n[\\s\\S]*?\\n</${tag}>\\n?`);

/** The profile text without its inline `<tag>` block. */
export const withoutBlock = (text: string, tag: string): string =>
  text.replace(blockPattern(tag), '');

/** The profile text with the content of its inline `<tag>` block replaced. */
export const withBlock = (text: string, tag: string, content: string): string =>
  text.replace(blockPattern(tag), `<${tag}>\n${content.trim()}\n</${tag}>\n`);

/** The sample client key encrypted with the passphrase {@link CLIENT_KEY_PASSPHRASE}. */
export const encryptedClientKey = (): string =>
  readFileSync(join(SAMPLE_KEYS, 'client-pass.key'), 'utf8');

/** The passphrase of `client-pass.key`, from the sample keys' README. */
export const CLIENT_KEY_PASSPHRASE = 'password';

/**
 * Writes the expected username and password (each a line, as openvpn's `via-file` holds them)
 * into `dir`, and returns a verify script that accepts exactly those bytes. `cmp` compares
 * bytes, so a quote, backslash or UTF-8 sequence mangled on the way fails the login.
 */
export const exactCredentialsScript = async (
  dir: string,
  username: string,
  password: string,
): Promise<string> => {
  const userFile = join(dir, 'expected-username');
  const passFile = join(dir, 'expected-password');
  await writeFile(userFile, Buffer.from(`${username}\n`, 'utf8'), { mode: 0o600 });
  await writeFile(passFile, Buffer.from(`${password}\n`, 'utf8'), { mode: 0o600 });
  return [
    `sed -n 1p "$1" | cmp -s - '${userFile}' || exit 1`,
    `sed -n 2p "$1" | cmp -s - '${passFile}' || exit 1`,
    'exit 0',
  ].join('\n');
};

// Where Debian-like systems keep shared libraries, multiarch directories first.
const libraryDirs = (): string[] => {
  const multiarch = existsSync('/usr/lib')
    ? readdirSync('/usr/lib')
        .filter((name) => /-linux-gnu\w*$/.test(name))
        .map((name) => join('/usr/lib', name))
    : [];
  return [...multiarch, '/usr/lib64', '/usr/lib'];
};

// Software PKCS#11 modules: the p11-kit proxy (libp11-kit0, pulled in by systemd and GnuTLS)
// and OpenSC's module. Neither needs a card reader to answer "no token present".
const PKCS11_MODULES = ['p11-kit-proxy.so', 'libp11-kit.so.0', 'opensc-pkcs11.so'];

/**
 * A PKCS#11 module that loads without hardware. openvpn 2.6 asks for a missing token with
 * `>NEED-OK` and for an identity with `>NEED-STR`; either only with a module loaded. Throws
 * (never skips) when none is installed.
 */
export const softwarePkcs11Module = (): string => {
  for (const dir of libraryDirs()) {
    for (const name of PKCS11_MODULES) {
      const path = join(dir, name);
      if (existsSync(path)) return path;
    }
  }
  throw new Error(
    'no software PKCS#11 module found (p11-kit proxy or OpenSC); ' +
      'install one: apt-get install -y libp11-kit0',
  );
};
