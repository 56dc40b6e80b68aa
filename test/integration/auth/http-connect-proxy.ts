import { connect, createServer, type Socket } from 'node:net';

/** What the proxy saw of one CONNECT request. */
export interface ProxyRequest {
  /** `host:port` of the CONNECT line. */
  readonly target: string;
  /** The Basic credentials sent, decoded as UTF-8; undefined without a Proxy-Authorization. */
  readonly credentials: { readonly username: string; readonly password: string } | undefined;
  /** The raw header value, to check that nothing else carried the secret. */
  readonly authorization: string | undefined;
  readonly accepted: boolean;
}

export interface ConnectProxyOptions {
  /** When set, a CONNECT without exactly these Basic credentials gets 407. */
  readonly credentials?: { readonly username: string; readonly password: string };
}

/** A loopback HTTP CONNECT proxy for tests; {@link close} ends it and every tunnel through it. */
export interface ConnectProxy {
  readonly port: number;
  /** The first {@link RECORDED_REQUESTS_MAX} requests, in order. */
  readonly requests: readonly ProxyRequest[];
  /** Every request seen, recorded or not. */
  readonly requestCount: () => number;
  readonly close: () => Promise<void>;
}

// openvpn retries a refused proxy login without pause, thousands of times a second: the proxy
// keeps the first requests only and caps what it holds open.
const RECORDED_REQUESTS_MAX = 50;
const OPEN_CONNECTIONS_MAX = 16;
const HEADER_BYTES_MAX = 8_192;
const HEADER_END = '\r\n\r\n';
const CONNECT_LINE = /^CONNECT ([^\s:]+):(\d+) HTTP\/1\.[01]\r\n/;

const decodeBasic = (value: string | undefined): ProxyRequest['credentials'] => {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(value ?? '');
  if (match?.[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0
    ? undefined
    : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
};

const headerValue = (head: string, name: string): string | undefined => {
  const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
};

/**
 * Starts an HTTP CONNECT proxy on 127.0.0.1 that tunnels only to 127.0.0.1 and, when told to,
 * asks for Basic credentials (`407` with `Proxy-Authenticate: Basic`).
 */
export async function startConnectProxy(options: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const requests: ProxyRequest[] = [];
  let count = 0;
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // A client that goes away mid-tunnel is normal here.
    socket.on('error', () => socket.destroy());
  };
  const wanted = options.credentials;

  const server = createServer((client) => {
    track(client);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf(HEADER_END);
      if (end < 0) {
        if (head.length > HEADER_BYTES_MAX) client.destroy();
        return;
      }
      client.off('data', onData);
      const text = head.subarray(0, end + 2).toString('latin1');
      const rest = head.subarray(end + HEADER_END.length);
      const line = CONNECT_LINE.exec(text);
      if (line === null) {
        client.end('HTTP/1.0 400 Bad Request\r\n\r\n');
        return;
      }
      const [, host = '', port = ''] = line;
      const authorization = headerValue(text, 'Proxy-Authorization');
      const credentials = decodeBasic(authorization);
      const authorised =
        wanted === undefined ||
        (credentials?.username === wanted.username && credentials.password === wanted.password);
      const accepted = authorised && host === '127.0.0.1';
      count += 1;
      if (requests.length < RECORDED_REQUESTS_MAX) {
        requests.push({ target: `${host}:${port}`, credentials, authorization, accepted });
      }
      if (!authorised) {
        client.end(
          'HTTP/1.0 407 Proxy Authentication Required\r\n' +
            'Proxy-Authenticate: Basic realm="rx-openvpn test"\r\n\r\n',
        );
        return;
      }
      if (!accepted) {
        client.end('HTTP/1.0 403 Forbidden\r\n\r\n');
        return;
      }
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.0 200 Connection established\r\n\r\n');
        if (rest.length > 0) upstream.write(rest);
        client.pipe(upstream);
        upstream.pipe(client);
      });
      track(upstream);
      upstream.once('close', () => client.destroy());
      client.once('close', () => upstream.destroy());
    };
    client.on('data', onData);
  });
  server.maxConnections = OPEN_CONNECTIONS_MAX;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy did not bind');

  return {
    port: address.port,
    requests,
    requestCount: () => count,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
