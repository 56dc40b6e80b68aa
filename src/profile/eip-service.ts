import * as E from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as t from 'io-ts';
import { decodeErrorLines } from './decode-report.js';
import type { ProviderError } from './provider-error.js';
import { providerError } from './provider-error.js';

const LocationCodec = t.intersection([
  t.type({
    name: t.string,
    country_code: t.string,
    // "-3", "+1" and "1" all occur in LEAP providers' files; a bare number is accepted too.
    timezone: t.union([t.string, t.number]),
  }),
  t.partial({ hemisphere: t.string }),
]);

const CapabilitiesCodec = t.intersection([
  t.type({
    ports: t.readonlyArray(t.union([t.string, t.number])),
    protocols: t.readonlyArray(t.string),
    transport: t.readonlyArray(t.string),
  }),
  t.partial({ adblock: t.boolean, filter_dns: t.boolean, limited: t.boolean, user_ips: t.boolean }),
]);

const GatewayCodec = t.intersection([
  t.type({ ip_address: t.string, host: t.string, capabilities: CapabilitiesCodec }),
  t.partial({ location: t.string, ip_address6: t.string }),
]);

/**
 * io-ts codec of a LEAP provider's `eip-service.json` (the v1 gateway shape, which LEAP serves
 * under API versions 1 to 4). Unknown fields are ignored.
 */
export const EipServiceCodec = t.intersection([
  t.type({
    gateways: t.readonlyArray(GatewayCodec),
    openvpn_configuration: t.record(t.string, t.union([t.string, t.number, t.boolean, t.null])),
    serial: t.number,
    version: t.number,
  }),
  // Some providers publish no locations; their gateways are then used in file order.
  t.partial({ locations: t.record(t.string, LocationCodec) }),
]);

export type EipService = t.TypeOf<typeof EipServiceCodec>;
export type EipGateway = EipService['gateways'][number];
export type EipLocation = t.TypeOf<typeof LocationCodec>;

/** Decodes a parsed `eip-service.json`. Structure only; values are checked where they are used. */
export const decodeEipService = (json: unknown): Either<ProviderError, EipService> =>
  pipe(
    EipServiceCodec.decode(json),
    E.mapLeft((errors) =>
      providerError(
        { reason: 'malformed' },
        `it does not have the eip-service.json shape: ${decodeErrorLines(errors).join('; ')}.`,
        'Fetch the file again; if it stays malformed, tell the provider.',
      ),
    ),
  );
