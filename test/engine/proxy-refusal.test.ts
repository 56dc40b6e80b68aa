import { describe, expect, it } from '@jest/globals';
import { createProxyRefusalWatch } from '../../src/engine/proxy-refusal.js';

// openvpn 2.6.14's stdout around an `http-proxy ... auto` login, timestamps included.
const at = (text: string): string => `2026-12-04 12:10:34 us=766379 ${text}`;
const PROBE_REFUSED = [
  at("Send to HTTP proxy: 'CONNECT 127.0.0.1:31194 HTTP/1.0'"),
  at("HTTP proxy returned: 'HTTP/1.0 407 Proxy Authentication Required'"),
  at('Proxy requires authentication'),
];
const SENT = at('Attempting Basic Proxy-Authorization');

const failures = (lines: readonly string[]) => {
  const watch = createProxyRefusalWatch();
  return lines.map(watch).filter((failure) => failure !== undefined);
};

describe('createProxyRefusalWatch', () => {
  it('ignores the 407 that answers the probe without credentials', () => {
    expect(
      failures([...PROBE_REFUSED, SENT, at("HTTP proxy returned: 'HTTP/1.0 200 OK'")]),
    ).toEqual([]);
  });

  it('reports AUTH_FAILED for the HTTP proxy once when the credentials get a 407', () => {
    const refused = at("HTTP proxy returned: 'HTTP/1.1 407 Proxy Authentication Required'");
    expect(failures([...PROBE_REFUSED, SENT, refused, SENT, refused])).toEqual([
      expect.objectContaining({ code: 'AUTH_FAILED', details: { credential: 'HTTP Proxy' } }),
    ]);
  });

  it('does not count a 407 after a reply that accepted the credentials', () => {
    const ok = at("HTTP proxy returned: 'HTTP/1.0 200 Connection established'");
    expect(failures([SENT, ok, ...PROBE_REFUSED])).toEqual([]);
  });
});
