import * as E from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as t from 'io-ts';
import { isSecret } from '../core/secret.js';
import type { Secret } from '../core/secret.js';
import { decodeErrorLines } from './decode-report.js';
import type { DraftEntry, DraftInlineBlock } from './profile-draft.js';
import { draftDirective } from './profile-draft.js';
import type { ProfileError } from './profile-error.js';
import { profileError } from './profile-error.js';
import type { Profile, RemoteProtocol } from './profile-model.js';
import { isRemoteProtocol } from './profile-model.js';
import { DEFAULT_REMOTE_PORT } from './profile-summary.js';
import type { ProfileValidationOptions } from './validate-profile.js';
import { validateProfile } from './validate-profile.js';

const guardCodec = <A>(name: string, is: (u: unknown) => u is A): t.Type<A> =>
  new t.Type<A>(name, is, (u, c) => (is(u) ? t.success(u) : t.failure(u, c)), t.identity);

const SecretCodec = guardCodec<Secret>('Secret', isSecret);
/** Key material: a plain string or a {@link Secret}; either way it ends up wrapped. */
const SecretText = t.union([t.string, SecretCodec]);

const PortNumber = guardCodec(
  'a port number 1-65535',
  (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= 1 && u <= 65535,
);
const Protocol = guardCodec(
  'a client protocol (udp, tcp, udp4, tcp6-client, ...)',
  (u): u is RemoteProtocol => typeof u === 'string' && isRemoteProtocol(u),
);

const RemoteOption = t.intersection([
  t.type({ host: t.string }),
  t.partial({ port: PortNumber, proto: Protocol }),
]);

/** io-ts codec of {@link ProfileOptions}; decode untrusted JSON with it. */
export const ProfileOptionsCodec = t.intersection([
  t.type({ remotes: t.readonlyArray(RemoteOption) }),
  t.partial({
    dev: t.keyof({ tun: null, tap: null }),
    ca: t.string,
    cert: t.string,
    key: SecretText,
    pkcs12: SecretText,
    tlsAuth: t.intersection([
      t.type({ key: SecretText }),
      t.partial({ direction: t.union([t.literal(0), t.literal(1)]) }),
    ]),
    tlsCrypt: SecretText,
    tlsCryptV2: SecretText,
    authUserPass: t.boolean,
    authRetry: t.keyof({ none: null, nointeract: null, interact: null }),
    staticChallenge: t.type({ text: t.string, echo: t.boolean }),
    remoteCertTls: t.boolean,
    verifyX509Name: t.intersection([
      t.type({ name: t.string }),
      t.partial({ type: t.keyof({ subject: null, name: null, 'name-prefix': null }) }),
    ]),
    cipher: t.string,
    dataCiphers: t.readonlyArray(t.string),
    auth: t.string,
    directives: t.readonlyArray(
      t.intersection([t.type({ name: t.string }), t.partial({ args: t.readonlyArray(t.string) })]),
    ),
  }),
]);

/**
 * A client profile described in code. Defaults: `dev tun`, `client`, `nobind`, `persist-key`,
 * `remote-cert-tls server`. `directives` adds raw directives, checked by the same rules as an
 * .ovpn file.
 */
export type ProfileOptions = t.TypeOf<typeof ProfileOptionsCodec>;

/** Decodes untrusted input (parsed JSON, say) into {@link ProfileOptions}. */
export function decodeProfileOptions(input: unknown): Either<ProfileError, ProfileOptions> {
  return pipe(
    ProfileOptionsCodec.decode(input),
    E.mapLeft((errors) =>
      profileError(
        { reason: 'invalid-options' },
        `the options object is malformed: ${decodeErrorLines(errors).join('; ')}.`,
        'Fix the fields listed.',
      ),
    ),
  );
}

const block = (tag: string, content: string | Secret): DraftInlineBlock => ({
  kind: 'InlineBlock',
  tag,
  content,
});

function remoteArgs(remote: ProfileOptions['remotes'][number]): readonly string[] {
  if (remote.proto !== undefined) {
    return [remote.host, String(remote.port ?? DEFAULT_REMOTE_PORT), remote.proto];
  }
  return remote.port === undefined ? [remote.host] : [remote.host, String(remote.port)];
}

// Options in the order a hand-written profile would have them: behaviour first, keys last.
function optionDrafts(options: ProfileOptions): readonly DraftEntry[] {
  const d = draftDirective;
  const optional = <A>(value: A | undefined, make: (value: A) => DraftEntry): DraftEntry[] =>
    value === undefined ? [] : [make(value)];
  const x509 = options.verifyX509Name;
  return [
    d('client'),
    d('dev', options.dev ?? 'tun'),
    d('nobind'),
    d('persist-key'),
    ...options.remotes.map((remote) => d('remote', ...remoteArgs(remote))),
    ...(options.remoteCertTls === false ? [] : [d('remote-cert-tls', 'server')]),
    ...optional(x509, (v) =>
      d('verify-x509-name', v.name, ...(v.type === undefined ? [] : [v.type])),
    ),
    ...optional(options.cipher, (v) => d('cipher', v)),
    ...optional(options.dataCiphers, (v) => d('data-ciphers', v.join(':'))),
    ...optional(options.auth, (v) => d('auth', v)),
    ...(options.authUserPass === true ? [d('auth-user-pass')] : []),
    ...optional(options.authRetry, (v) => d('auth-retry', v)),
    ...optional(options.staticChallenge, (v) => d('static-challenge', v.text, v.echo ? '1' : '0')),
    ...optional(options.tlsAuth?.direction, (v) => d('key-direction', String(v))),
    ...(options.directives ?? []).map((v) => d(v.name, ...(v.args ?? []))),
    ...optional(options.ca, (v) => block('ca', v)),
    ...optional(options.cert, (v) => block('cert', v)),
    ...optional(options.key, (v) => block('key', v)),
    ...optional(options.pkcs12, (v) => block('pkcs12', v)),
    ...optional(options.tlsAuth, (v) => block('tls-auth', v.key)),
    ...optional(options.tlsCrypt, (v) => block('tls-crypt', v)),
    ...optional(options.tlsCryptV2, (v) => block('tls-crypt-v2', v)),
  ];
}

/**
 * Builds a validated {@link Profile} from {@link ProfileOptions}: the input is decoded with
 * io-ts first (so it may come from JSON), then checked by the same rules as a parsed .ovpn file.
 */
export const profileFromOptions = (
  options: ProfileOptions,
  validation: ProfileValidationOptions = {},
): Either<ProfileError, Profile> =>
  pipe(
    decodeProfileOptions(options),
    E.flatMap((decoded) => validateProfile(optionDrafts(decoded), validation)),
  );
