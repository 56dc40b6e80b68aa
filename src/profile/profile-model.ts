import type { Secret } from '../core/secret.js';

/**
 * Inline blocks whose content is public (certificates, parameters, fingerprints). Content is kept
 * as plain text.
 */
export const PUBLIC_INLINE_TAGS = [
  'ca',
  'cert',
  'extra-certs',
  'dh',
  'crl-verify',
  'peer-fingerprint',
  'verify-hash',
] as const;

/**
 * Inline blocks that hold key material or credentials. Content is wrapped in a {@link Secret} so
 * that logging a profile never prints it.
 */
export const SECRET_INLINE_TAGS = [
  'key',
  'pkcs12',
  'tls-auth',
  'tls-crypt',
  'tls-crypt-v2',
  'secret',
  'auth-user-pass',
  'http-proxy-user-pass',
] as const;

export type PublicInlineTag = (typeof PUBLIC_INLINE_TAGS)[number];
export type SecretInlineTag = (typeof SECRET_INLINE_TAGS)[number];
export type InlineTag = PublicInlineTag | SecretInlineTag;

/**
 * Transport protocols a client `remote` or `proto` may name. Server forms (`tcp-server`, …) are
 * not accepted: the engine runs clients only.
 */
export const REMOTE_PROTOCOLS = [
  'udp',
  'udp4',
  'udp6',
  'tcp',
  'tcp4',
  'tcp6',
  'tcp-client',
  'tcp4-client',
  'tcp6-client',
] as const;

export type RemoteProtocol = (typeof REMOTE_PROTOCOLS)[number];

const REMOTE_PROTOCOL_SET: ReadonlySet<string> = new Set(REMOTE_PROTOCOLS);

/** True for a protocol name a client profile may use. */
export const isRemoteProtocol = (value: string): value is RemoteProtocol =>
  REMOTE_PROTOCOL_SET.has(value);

/** One `name arg…` line of an OpenVPN config. */
export interface Directive {
  readonly kind: 'Directive';
  readonly name: string;
  readonly args: readonly string[];
}

/** A `<tag>…</tag>` block. Content uses `\n` line endings and ends with `\n`. */
export type InlineBlock =
  | { readonly kind: 'InlineBlock'; readonly tag: PublicInlineTag; readonly content: string }
  | { readonly kind: 'InlineBlock'; readonly tag: SecretInlineTag; readonly content: Secret };

/** A `<connection>` block: one `remote` plus the connection options that go with it. */
export interface ConnectionBlock {
  readonly kind: 'ConnectionBlock';
  readonly directives: readonly Directive[];
}

export type ProfileEntry = Directive | InlineBlock | ConnectionBlock;

declare const validatedProfile: unique symbol;

/**
 * A validated, self-contained OpenVPN client profile: the ordered entries of its config file.
 * Only {@link parseOvpn}, {@link profileFromOptions} and {@link providerProfile} create one, so
 * holding a `Profile` means the engine-ownership and script rules have been applied.
 */
export interface Profile {
  readonly entries: readonly ProfileEntry[];
  readonly [validatedProfile]: true;
}

const PUBLIC_TAG_SET: ReadonlySet<string> = new Set(PUBLIC_INLINE_TAGS);
const SECRET_TAG_SET: ReadonlySet<string> = new Set(SECRET_INLINE_TAGS);

/** True for a tag whose block holds key material or credentials. */
export const isSecretInlineTag = (tag: string): tag is SecretInlineTag => SECRET_TAG_SET.has(tag);

/** True for any supported inline block tag. */
export const isInlineTag = (tag: string): tag is InlineTag =>
  PUBLIC_TAG_SET.has(tag) || SECRET_TAG_SET.has(tag);

/** The top-level directives of a profile, in file order (connection blocks excluded). */
export const topLevelDirectives = (profile: Profile): readonly Directive[] =>
  profile.entries.filter((entry): entry is Directive => entry.kind === 'Directive');

/** The connection blocks of a profile, in file order. */
export const connectionBlocks = (profile: Profile): readonly ConnectionBlock[] =>
  profile.entries.filter((entry): entry is ConnectionBlock => entry.kind === 'ConnectionBlock');

/** The inline blocks of a profile, in file order. */
export const inlineBlocks = (profile: Profile): readonly InlineBlock[] =>
  profile.entries.filter((entry): entry is InlineBlock => entry.kind === 'InlineBlock');
