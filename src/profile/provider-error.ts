import { VpnError } from '../core/errors.js';

/** Why a provider's service file was refused. */
export type ProviderInvalidReason =
  | 'malformed'
  | 'forbidden-option'
  | 'invalid-option-value'
  | 'invalid-gateway'
  | 'no-usable-gateway';

/** The payload of a {@link ProviderError}. */
export interface ProviderErrorDetails {
  readonly reason: ProviderInvalidReason;
  /** The `openvpn_configuration` key at fault. */
  readonly option?: string;
  /** The gateway at fault, by `host`. */
  readonly gateway?: string;
}

/** A provider service file (`eip-service.json`) that cannot be used. */
export type ProviderError = VpnError<'PROVIDER_INVALID', ProviderErrorDetails>;

/** Builds a {@link ProviderError}; `problem` and `remedy` are sentences. */
export const providerError = (
  details: ProviderErrorDetails,
  problem: string,
  remedy: string,
): ProviderError =>
  new VpnError('PROVIDER_INVALID', `Provider service file: ${problem} ${remedy}`, { details });
