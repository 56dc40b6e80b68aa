/** A connected client, from `CLIENT_LIST` (format 2/3) or `OpenVPN CLIENT LIST` (format 1). */
export interface StatusClient {
  /** Certificate common name; `undefined` where openvpn prints `UNDEF` (not known yet). */
  readonly commonName: string | undefined;
  /** Where the client connects from, as openvpn prints it (`127.0.0.1:44239`). */
  readonly realAddress: string;
  readonly virtualAddress: string | undefined;
  readonly virtualIpv6Address: string | undefined;
  readonly bytesReceived: number;
  readonly bytesSent: number;
  /** Epoch seconds: the `(time_t)` column, else the local-time text read in this zone. */
  readonly connectedSince: number | undefined;
  /** `undefined` where openvpn prints `UNDEF` (no username authentication). */
  readonly username: string | undefined;
  /** The CID used by `client-kill`, `client-auth` and `>CLIENT:` notifications. */
  readonly clientId: number | undefined;
  /** Data channel peer id; `undefined` where openvpn prints UINT32_MAX (none). */
  readonly peerId: number | undefined;
  /** Data channel cipher, e.g. `AES-256-GCM`. */
  readonly cipher: string | undefined;
  /** Every column by its header name, as printed: the way to reach columns added later. */
  readonly columns: Readonly<Record<string, string>>;
}

/** A route to a client, from `ROUTING_TABLE` or `ROUTING TABLE`. */
export interface StatusRoute {
  /** The routed address, without the cache flag. */
  readonly virtualAddress: string;
  /** True when openvpn printed the `C` flag: a host route cached from an iroute. */
  readonly cached: boolean;
  readonly commonName: string | undefined;
  readonly realAddress: string;
  /** Epoch seconds of the last packet routed this way. */
  readonly lastRef: number | undefined;
  readonly columns: Readonly<Record<string, string>>;
}

/** A format 2/3 row whose tag this library does not read, kept as it came. */
export interface StatusOtherRow {
  /** 1-based line number in the reply. */
  readonly line: number;
  readonly tag: string;
  readonly cells: readonly string[];
}

/**
 * Client (and point-to-point) mode: the `OpenVPN STATISTICS` block. openvpn prints it in this
 * one format whatever `status N` asked for.
 */
export interface ClientStatus {
  readonly kind: 'client';
  /** Epoch seconds of the `Updated` line, read in this process's local zone. */
  readonly updatedAt: number | undefined;
  /** Integer statistics by name: `TUN/TAP read bytes`, `TCP/UDP write bytes`, ... */
  readonly statistics: Readonly<Record<string, number>>;
  /** Statistics that are not integers, quotes removed (Windows' `TAP-WIN32 driver status`). */
  readonly statisticTexts: Readonly<Record<string, string>>;
}

/** Server mode, in status format 1, 2 (comma) or 3 (tab). */
export interface ServerStatus {
  readonly kind: 'server';
  readonly format: 1 | 2 | 3;
  /** The `TITLE` row (formats 2 and 3): openvpn's version banner. */
  readonly title: string | undefined;
  /** Epoch seconds: the `TIME` row's time_t, or format 1's `Updated` local time. */
  readonly updatedAt: number | undefined;
  readonly clients: readonly StatusClient[];
  readonly routes: readonly StatusRoute[];
  /** Integer `GLOBAL_STATS` by name, e.g. `Max bcast/mcast queue length`, `dco_enabled`. */
  readonly statistics: Readonly<Record<string, number>>;
  readonly statisticTexts: Readonly<Record<string, string>>;
  /** Rows with tags other than TITLE, TIME, HEADER, CLIENT_LIST, ROUTING_TABLE, GLOBAL_STATS. */
  readonly otherRows: readonly StatusOtherRow[];
}

/** What `parseStatus` returns: narrow on `kind`. */
export type StatusReport = ClientStatus | ServerStatus;
