import * as E from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import type { Logger } from '../core/logger.js';
import { FILE_DIRECTIVES, isScriptDirective, ownedDirectiveRule } from './owned-directives.js';
import type { DraftDirective } from './profile-draft.js';
import { draftDirective } from './profile-draft.js';
import type { ProviderError } from './provider-error.js';
import { providerError } from './provider-error.js';

/** How an allowed `openvpn_configuration` value becomes a directive. */
export type ProviderOptionRule =
  { readonly kind: 'value'; readonly pattern: RegExp } | { readonly kind: 'flag' };

const CIPHER = '[A-Za-z0-9-]{1,64}';
const TLS_CIPHER = '[A-Za-z0-9_-]{1,80}';

/**
 * The `openvpn_configuration` keys a provider may set, each with the exact shape its value must
 * have. Words are separated by single spaces and become separate arguments. `fragment` is left
 * out: OpenVPN refuses it for the TCP remotes a provider usually also offers.
 */
export const PROVIDER_OPTIONS: Readonly<Record<string, ProviderOptionRule>> = {
  auth: { kind: 'value', pattern: /^[A-Za-z0-9-]{1,32}$/ },
  cipher: { kind: 'value', pattern: new RegExp(`^${CIPHER}$`) },
  'data-ciphers': { kind: 'value', pattern: new RegExp(`^${CIPHER}(?::${CIPHER}){0,15}$`) },
  'data-ciphers-fallback': { kind: 'value', pattern: new RegExp(`^${CIPHER}$`) },
  'tls-cipher': { kind: 'value', pattern: new RegExp(`^${TLS_CIPHER}(?::${TLS_CIPHER}){0,31}$`) },
  'tls-version-min': { kind: 'value', pattern: /^1\.[0-3](?: or-highest)?$/ },
  keepalive: { kind: 'value', pattern: /^[0-9]{1,4} [0-9]{1,4}$/ },
  'tun-ipv6': { kind: 'flag' },
};

const KEY = /^[a-z0-9][a-z0-9-]*$/;
// Printable ASCII without shell or config metacharacters, words separated by single spaces.
const PLAIN_VALUE = /^(?:[A-Za-z0-9_.,:+=@/-]+(?: [A-Za-z0-9_.,:+=@/-]+)*)?$/;

type Value = string | number | boolean | null;

const isForbidden = (key: string): boolean =>
  isScriptDirective(key) ||
  ownedDirectiveRule(key) !== undefined ||
  FILE_DIRECTIVES.includes(key) ||
  key === 'connection';

function refuse(
  key: string,
  reason: 'forbidden-option' | 'invalid-option-value',
  why: string,
): Either<ProviderError, never> {
  return E.left(
    providerError(
      { reason, option: key },
      `openvpn_configuration sets '${key}', ${why}`,
      'The whole file is refused; tell the provider.',
    ),
  );
}

function directiveFor(
  key: string,
  value: Value,
): Either<ProviderError, DraftDirective | undefined> {
  if (!KEY.test(key)) return refuse(key, 'forbidden-option', 'which is not an option name.');
  if (isForbidden(key)) {
    return refuse(
      key,
      'forbidden-option',
      'which a provider may not set: it runs code, touches files or belongs to the engine.',
    );
  }
  if (typeof value === 'string' && !PLAIN_VALUE.test(value)) {
    return refuse(
      key,
      'invalid-option-value',
      'with a value containing quotes, metacharacters or unusual whitespace.',
    );
  }
  const rule = PROVIDER_OPTIONS[key];
  if (rule === undefined || value === null) return E.right(undefined);
  if (rule.kind === 'flag') {
    if (typeof value !== 'boolean')
      return refuse(key, 'invalid-option-value', 'which must be true or false.');
    return E.right(value ? draftDirective(key) : undefined);
  }
  const text = typeof value === 'boolean' ? '' : String(value);
  if (!rule.pattern.test(text)) {
    return refuse(
      key,
      'invalid-option-value',
      `whose value does not have the expected form ${rule.pattern.source}.`,
    );
  }
  return E.right(draftDirective(key, ...text.split(' ')));
}

/**
 * The directives a provider's `openvpn_configuration` contributes. Only {@link PROVIDER_OPTIONS}
 * pass, each value matched against its pattern; other harmless keys (`verb`, `dev`, `nobind`…)
 * are skipped with a warning; keys that run code, touch files or belong to the engine, and values
 * with metacharacters, refuse the whole file.
 */
export function providerDirectives(
  configuration: Readonly<Record<string, Value>>,
  logger: Logger,
): Either<ProviderError, readonly DraftDirective[]> {
  const directives: DraftDirective[] = [];
  for (const [key, value] of Object.entries(configuration)) {
    const result = directiveFor(key, value);
    if (E.isLeft(result)) return result;
    if (result.right !== undefined) directives.push(result.right);
    else if (PROVIDER_OPTIONS[key] === undefined) {
      logger.warn('provider openvpn option ignored', { option: key });
    }
  }
  return E.right(directives);
}
