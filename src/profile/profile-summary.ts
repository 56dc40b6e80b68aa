import type { Directive, Profile, ProfileEntry, RemoteProtocol } from './profile-model.js';
import { isRemoteProtocol } from './profile-model.js';
import { effectiveDirective } from './setenv-opt.js';

// The entries as OpenVPN applies them: `setenv opt X` counts as X.
const effectiveEntries = (profile: Profile): readonly ProfileEntry[] =>
  profile.entries.map((entry) => (entry.kind === 'Directive' ? effectiveDirective(entry) : entry));

/** OpenVPN's defaults when a profile names no port or protocol. */
export const DEFAULT_REMOTE_PORT = 1194;
export const DEFAULT_REMOTE_PROTOCOL: RemoteProtocol = 'udp';

/** One server the profile will try, in the order openvpn tries them. */
export interface RemoteSummary {
  readonly host: string;
  readonly port: number;
  readonly proto: RemoteProtocol;
}

interface RemoteDefaults {
  readonly port: number;
  readonly proto: RemoteProtocol;
}

// `port` and `rport` both set the remote port; the later one wins, like every OpenVPN option.
function applyDefaults(defaults: RemoteDefaults, directive: Directive): RemoteDefaults {
  const [value] = directive.args;
  if (value === undefined) return defaults;
  if (directive.name === 'proto' && isRemoteProtocol(value)) return { ...defaults, proto: value };
  if (directive.name === 'port' || directive.name === 'rport') {
    return { ...defaults, port: Number(value) };
  }
  return defaults;
}

function remoteOf(directive: Directive, defaults: RemoteDefaults): RemoteSummary {
  const [host = '', port, proto] = directive.args;
  return {
    host,
    port: port === undefined ? defaults.port : Number(port),
    proto: proto !== undefined && isRemoteProtocol(proto) ? proto : defaults.proto,
  };
}

const INITIAL_DEFAULTS: RemoteDefaults = {
  port: DEFAULT_REMOTE_PORT,
  proto: DEFAULT_REMOTE_PROTOCOL,
};

/**
 * The servers of a profile as (host, port, proto). Top-level remotes take the profile's final
 * `proto`/`port`; a `<connection>` block inherits the options set above it, then its own
 * (OpenVPN 2.6, "CONNECTION PROFILES").
 */
export function profileRemotes(profile: Profile): readonly RemoteSummary[] {
  const entries = effectiveEntries(profile);
  const hasConnections = entries.some((entry) => entry.kind === 'ConnectionBlock');
  const remotes: RemoteSummary[] = [];
  let defaults = INITIAL_DEFAULTS;
  for (const entry of entries) {
    if (entry.kind === 'Directive') defaults = applyDefaults(defaults, entry);
    if (entry.kind !== 'ConnectionBlock') continue;
    const own = entry.directives.reduce(applyDefaults, defaults);
    remotes.push(
      ...entry.directives.filter((d) => d.name === 'remote').map((d) => remoteOf(d, own)),
    );
  }
  if (hasConnections) return remotes;
  return entries
    .filter((entry): entry is Directive => entry.kind === 'Directive' && entry.name === 'remote')
    .map((directive) => remoteOf(directive, defaults));
}

const lastDirective = (profile: Profile, name: string): Directive | undefined =>
  effectiveEntries(profile).findLast(
    (entry): entry is Directive => entry.kind === 'Directive' && entry.name === name,
  );

/** What openvpn does after an authentication failure: `--auth-retry`, default `none`. */
export type AuthRetry = 'none' | 'nointeract' | 'interact';

/** The profile's `auth-retry` policy. */
export function authRetry(profile: Profile): AuthRetry {
  const value = lastDirective(profile, 'auth-retry')?.args[0];
  return value === 'nointeract' || value === 'interact' ? value : 'none';
}

/**
 * Where openvpn gets a username and password: nowhere (`none`), from the engine over
 * management (`ask`), from an `<auth-user-pass>` block (`inline`), or a username from the block
 * and the password from the engine (`inline-username`).
 */
export type UserPassSource = 'none' | 'ask' | 'inline' | 'inline-username';

const isUserPass = (entry: ProfileEntry): boolean =>
  (entry.kind === 'Directive' || entry.kind === 'InlineBlock') &&
  (entry.kind === 'Directive' ? entry.name : entry.tag) === 'auth-user-pass';

/** How the profile's `auth-user-pass` gets its credentials; the last occurrence wins. */
export function userPassSource(profile: Profile): UserPassSource {
  const entry = effectiveEntries(profile).findLast(isUserPass);
  if (entry === undefined) return 'none';
  if (entry.kind !== 'InlineBlock') return 'ask';
  const content = typeof entry.content === 'string' ? entry.content : entry.content.reveal();
  const lines = content.split('\n').filter((line) => line.trim() !== '');
  return lines.length >= 2 ? 'inline' : 'inline-username';
}

/** True when openvpn will ask the engine for a username or password. */
export const asksForCredentials = (profile: Profile): boolean => {
  const source = userPassSource(profile);
  return source === 'ask' || source === 'inline-username';
};

/** A `static-challenge`: the prompt to show and whether to echo the user's response. */
export interface StaticChallenge {
  readonly text: string;
  readonly echo: boolean;
}

/** The profile's static challenge, if it sets one. */
export function staticChallenge(profile: Profile): StaticChallenge | undefined {
  const directive = lastDirective(profile, 'static-challenge');
  const [text, echo] = directive?.args ?? [];
  return text === undefined ? undefined : { text, echo: echo === '1' };
}

/** The kind of tunnel device. */
export type DeviceType = 'tun' | 'tap' | 'null';

/**
 * The device type: `dev-type` when set, else what the `dev` name starts with, as OpenVPN
 * decides it. `undefined` when neither says (openvpn will then refuse the profile).
 */
export function deviceType(profile: Profile): DeviceType | undefined {
  const explicit = lastDirective(profile, 'dev-type')?.args[0];
  const name = explicit ?? lastDirective(profile, 'dev')?.args[0] ?? '';
  const types: readonly DeviceType[] = ['tun', 'tap', 'null'];
  return types.find((type) => name.startsWith(type));
}
