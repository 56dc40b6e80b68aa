import * as E from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';
import type { Secret } from '../core/secret.js';
import type { EipService } from './eip-service.js';
import type { GatewayNotFoundError, GatewayPreference } from './gateway-selection.js';
import { gatewayRemotes, openvpnGateways, selectGateways } from './gateway-selection.js';
import type { ProfileError } from './profile-error.js';
import type { Profile } from './profile-model.js';
import { profileFromOptions } from './profile-options.js';
import { providerDirectives } from './provider-configuration.js';
import type { ProviderError } from './provider-error.js';

/** Everything needed to turn a LEAP provider into a profile. */
export interface ProviderProfileInput {
  /** The decoded `eip-service.json` (see `decodeEipService`). */
  readonly service: EipService;
  /** The provider CA certificate, PEM. */
  readonly ca: string;
  /** The client certificate the provider issued, PEM. */
  readonly cert: string;
  /** Its private key, PEM. */
  readonly key: Secret | string;
  /** The user's offset from UTC in hours (e.g. -3, 5.5), injected so ordering is testable. */
  readonly localUtcOffsetHours: number;
  /** The user's chosen gateway; without one, the nearest gateways are used. */
  readonly preference?: GatewayPreference;
  readonly logger?: Logger;
}

export type ProviderProfileError = ProviderError | GatewayNotFoundError | ProfileError;

/**
 * A client profile for a LEAP provider, as the original client launched it: `client`, `dev tun`,
 * `nobind`, `persist-key`, `remote-cert-tls server`, the best gateways as ordered remotes (each
 * protocol and port of each gateway), the allowed `openvpn_configuration` options, and the CA,
 * certificate and key inline.
 */
export const providerProfile = (
  input: ProviderProfileInput,
): Either<ProviderProfileError, Profile> =>
  pipe(
    E.Do,
    E.bindW('gateways', () => openvpnGateways(input.service)),
    E.bindW('chosen', ({ gateways }) =>
      selectGateways(gateways, input.localUtcOffsetHours, input.preference),
    ),
    E.bindW('directives', () =>
      providerDirectives(input.service.openvpn_configuration, input.logger ?? silentLogger),
    ),
    E.flatMap(({ chosen, directives }) =>
      profileFromOptions(
        {
          remotes: gatewayRemotes(chosen),
          ca: input.ca,
          cert: input.cert,
          key: input.key,
          directives,
        },
        { logger: input.logger },
      ),
    ),
  );
