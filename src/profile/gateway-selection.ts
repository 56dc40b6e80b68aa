import * as E from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import { VpnError } from '../core/errors.js';
import { isPortNumber } from './directive-arguments.js';
import type { EipGateway, EipService } from './eip-service.js';
import type { ProviderError } from './provider-error.js';
import { providerError } from './provider-error.js';
import { parseUtcOffset, timezoneDistanceHours } from './utc-offset.js';

/** How many gateways become remotes, as in the original LEAP client. */
export const GATEWAY_COUNT_MAX = 4;

/** Protocols a LEAP gateway may offer, in the order they are tried: UDP first, as LEAP did. */
export const GATEWAY_PROTOCOLS = ['udp', 'tcp'] as const;
export type GatewayProtocol = (typeof GATEWAY_PROTOCOLS)[number];

/** A gateway that speaks OpenVPN, with its checked address, ports and protocols. */
export interface OpenvpnGateway {
  readonly host: string;
  readonly ipAddress: string;
  readonly ports: readonly number[];
  readonly protocols: readonly GatewayProtocol[];
  readonly location?: {
    readonly key: string;
    readonly name: string;
    readonly countryCode: string;
    /** Hours east of UTC on -12…+12; undefined when the provider's value is unreadable. */
    readonly utcOffsetHours: number | undefined;
  };
}

/** A gateway with its distance from the user, in hours; `undefined` when unknown. */
export interface RankedGateway extends OpenvpnGateway {
  readonly distanceHours: number | undefined;
}

/** The user's choice of gateway, which overrides the timezone order. */
export type GatewayPreference =
  | { readonly kind: 'Host'; readonly host: string }
  | { readonly kind: 'Location'; readonly location: string };

/** No gateway matches the user's {@link GatewayPreference}. */
export type GatewayNotFoundError = VpnError<
  'GATEWAY_NOT_FOUND',
  { readonly preference: GatewayPreference }
>;

const IPV4_OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${IPV4_OCTET}(?:\\.${IPV4_OCTET}){3}$`);

function checkGateway(
  gateway: EipGateway,
  service: EipService,
): Either<ProviderError, OpenvpnGateway | undefined> {
  const caps = gateway.capabilities;
  const protocols = GATEWAY_PROTOCOLS.filter((p) =>
    caps.protocols.some((c) => c.toLowerCase() === p),
  );
  // Gateways without OpenVPN over UDP or TCP serve other transports; they are not ours to use.
  if (!caps.transport.includes('openvpn') || protocols.length === 0) return E.right(undefined);
  const where = { reason: 'invalid-gateway', gateway: gateway.host } as const;
  if (!IPV4.test(gateway.ip_address)) {
    return E.left(
      providerError(
        where,
        `gateway ${gateway.host} has no valid IPv4 address.`,
        'Tell the provider.',
      ),
    );
  }
  const ports = caps.ports.map(String);
  const badPort = ports.find((port) => !isPortNumber(port));
  if (badPort !== undefined || ports.length === 0) {
    return E.left(
      providerError(
        where,
        `gateway ${gateway.host} has an empty or invalid port list.`,
        'Tell the provider.',
      ),
    );
  }
  const key = gateway.location;
  const place = key === undefined ? undefined : service.locations?.[key];
  return E.right({
    host: gateway.host,
    ipAddress: gateway.ip_address,
    ports: [...new Set(ports.map(Number))],
    protocols,
    ...(key === undefined || place === undefined
      ? {}
      : {
          location: {
            key,
            name: place.name,
            countryCode: place.country_code,
            utcOffsetHours: parseUtcOffset(place.timezone),
          },
        }),
  });
}

/**
 * The gateways of a service that speak OpenVPN over UDP or TCP, in file order. A gateway whose
 * address or ports would reach the config unchecked refuses the whole file.
 */
export function openvpnGateways(
  service: EipService,
): Either<ProviderError, readonly OpenvpnGateway[]> {
  const usable: OpenvpnGateway[] = [];
  for (const gateway of service.gateways) {
    const checked = checkGateway(gateway, service);
    if (E.isLeft(checked)) return checked;
    if (checked.right !== undefined) usable.push(checked.right);
  }
  if (usable.length === 0) {
    return E.left(
      providerError(
        { reason: 'no-usable-gateway' },
        'no gateway offers OpenVPN over UDP or TCP.',
        'Tell the provider, or pick another provider.',
      ),
    );
  }
  return E.right(usable);
}

/**
 * All gateways, nearest first: by distance between the user's UTC offset and the gateway's
 * timezone on a 24-hour clock. Gateways without a known timezone go last; ties keep file order.
 */
export function rankGateways(
  gateways: readonly OpenvpnGateway[],
  localUtcOffsetHours: number,
): readonly RankedGateway[] {
  const ranked = gateways.map((gateway) => {
    const offset = gateway.location?.utcOffsetHours;
    const distanceHours =
      offset === undefined || !Number.isFinite(localUtcOffsetHours)
        ? undefined
        : timezoneDistanceHours(localUtcOffsetHours, offset);
    return { ...gateway, distanceHours };
  });
  // Array.prototype.sort is stable, so equal distances keep the provider's order.
  return ranked.sort(
    (a, b) =>
      (a.distanceHours ?? Number.POSITIVE_INFINITY) - (b.distanceHours ?? Number.POSITIVE_INFINITY),
  );
}

// "Seattle, WA", "seattle__wa" and "SEATTLE WA" all name the same place.
const normalizePlace = (label: string): string =>
  label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');

function matches(gateway: OpenvpnGateway, preference: GatewayPreference): boolean {
  if (preference.kind === 'Host') {
    const wanted = preference.host.toLowerCase();
    return gateway.host.toLowerCase() === wanted || gateway.ipAddress === wanted;
  }
  const wanted = normalizePlace(preference.location);
  const place = gateway.location;
  return (
    place !== undefined && [place.key, place.name].some((label) => normalizePlace(label) === wanted)
  );
}

/**
 * The gateways to connect to, best first, at most {@link GATEWAY_COUNT_MAX}. A preference keeps
 * only the matching gateways, as the original client connected only to the one the user chose.
 */
export function selectGateways(
  gateways: readonly OpenvpnGateway[],
  localUtcOffsetHours: number,
  preference?: GatewayPreference,
): Either<GatewayNotFoundError, readonly RankedGateway[]> {
  const ranked = rankGateways(gateways, localUtcOffsetHours);
  const chosen = preference === undefined ? ranked : ranked.filter((g) => matches(g, preference));
  if (preference !== undefined && chosen.length === 0) {
    const named = preference.kind === 'Host' ? preference.host : preference.location;
    return E.left(
      new VpnError(
        'GATEWAY_NOT_FOUND',
        `No gateway of this provider matches '${named}'. ` +
          'Choose another gateway or location, or let the engine choose.',
        { details: { preference } },
      ),
    );
  }
  return E.right(chosen.slice(0, GATEWAY_COUNT_MAX));
}

/** One `remote` per gateway, protocol (UDP first) and port, in that nesting order. */
export const gatewayRemotes = (
  gateways: readonly OpenvpnGateway[],
): readonly { readonly host: string; readonly port: number; readonly proto: GatewayProtocol }[] =>
  gateways.flatMap((gateway) =>
    gateway.protocols.flatMap((proto) =>
      gateway.ports.map((port) => ({ host: gateway.ipAddress, port, proto })),
    ),
  );
