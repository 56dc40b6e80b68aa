// The public surface of src/profile, for src/index.ts to re-export.
export type {
  ConnectionBlock,
  Directive,
  InlineBlock,
  InlineTag,
  Profile,
  ProfileEntry,
  PublicInlineTag,
  RemoteProtocol,
  SecretInlineTag,
} from './profile-model.js';
export { PUBLIC_INLINE_TAGS, REMOTE_PROTOCOLS, SECRET_INLINE_TAGS } from './profile-model.js';
export type { ProfileError, ProfileErrorDetails, ProfileInvalidReason } from './profile-error.js';
export type { OwnedDirectiveAction, OwnedDirectiveRule } from './owned-directives.js';
export { FILE_DIRECTIVES, OWNED_DIRECTIVES, SCRIPT_DIRECTIVES } from './owned-directives.js';
export type { ProfileValidationOptions } from './validate-profile.js';
export { CONNECTION_DIRECTIVES } from './validate-profile.js';
export { parseOvpn } from './parse-ovpn.js';
export { renderConfig } from './render-config.js';
export type { ProfileOptions } from './profile-options.js';
export {
  decodeProfileOptions,
  profileFromOptions,
  ProfileOptionsCodec,
} from './profile-options.js';
export type {
  AuthRetry,
  DeviceType,
  RemoteSummary,
  StaticChallenge,
  UserPassSource,
} from './profile-summary.js';
export {
  asksForCredentials,
  authRetry,
  deviceType,
  profileRemotes,
  staticChallenge,
  userPassSource,
} from './profile-summary.js';
export type { EipGateway, EipLocation, EipService } from './eip-service.js';
export { decodeEipService, EipServiceCodec } from './eip-service.js';
export type {
  ProviderError,
  ProviderErrorDetails,
  ProviderInvalidReason,
} from './provider-error.js';
export type { ProviderOptionRule } from './provider-configuration.js';
export { PROVIDER_OPTIONS } from './provider-configuration.js';
export type {
  GatewayNotFoundError,
  GatewayPreference,
  GatewayProtocol,
  OpenvpnGateway,
  RankedGateway,
} from './gateway-selection.js';
export {
  GATEWAY_COUNT_MAX,
  gatewayRemotes,
  openvpnGateways,
  rankGateways,
  selectGateways,
} from './gateway-selection.js';
export { parseUtcOffset, timezoneDistanceHours } from './utc-offset.js';
export type { ProviderProfileError, ProviderProfileInput } from './provider-profile.js';
export { providerProfile } from './provider-profile.js';
