import { vpnFailure, type VpnFailure } from '../state/vpn-failure.js';

// openvpn's stdout lines around a proxy login (proxy.c, verb 3 and up): the request that
// carries credentials, then the proxy's status line.
const CREDENTIALS_SENT = /Attempting \w+ Proxy-Authorization/;
const PROXY_REPLY = /HTTP proxy returned: 'HTTP\/\d\.\d (\d{3})/;

interface RefusalScan {
  /** The last request carried credentials, so a 407 to it refuses them. */
  readonly sent: boolean;
  readonly refused: boolean;
}

const step = (scanned: RefusalScan, line: string): RefusalScan => {
  if (CREDENTIALS_SENT.test(line)) return { sent: true, refused: false };
  const reply = PROXY_REPLY.exec(line);
  if (reply === null) return scanned;
  return { sent: false, refused: scanned.sent && reply[1] === '407' };
};

/** The failure of an HTTP proxy that refused openvpn's credentials. */
export const proxyCredentialsRefused = (): VpnFailure =>
  vpnFailure(
    'AUTH_FAILED',
    'The HTTP proxy rejected the username or password (it answered 407 to them).',
    { credential: 'HTTP Proxy' },
  );

/**
 * A watch over openvpn's stdout lines, in order: returns the failure at the line where the
 * HTTP proxy answers 407 to the credentials it was sent, once, and undefined otherwise.
 * openvpn 2.6 never reports that over management, nor gives up: it keeps the refused
 * credentials and retries at once, for good (with `http-proxy ... auto` in a tight loop that
 * leaves the management interface silent; with `stdin basic`, one `RECONNECTING,HTTP proxy
 * error` after another). The first 407 of `auto` carries no credentials (openvpn learns the
 * method from it) and does not count. Below verb 3 openvpn prints neither line and nothing is
 * detected.
 */
export function createProxyRefusalWatch(): (line: string) => VpnFailure | undefined {
  let scanned: RefusalScan = { sent: false, refused: false };
  let reported = false;
  return (line) => {
    scanned = step(scanned, line);
    if (!scanned.refused || reported) return undefined;
    reported = true;
    return proxyCredentialsRefused();
  };
}
