import type { Random } from './random.js';

/** A documentation-range IPv4 address (RFC 5737), as a remote peer would show up. */
export const publicIpv4 = (random: Random): string =>
  `${random.pick(['192.0.2', '198.51.100', '203.0.113'])}.${random.int(1, 254)}`;

/** An address inside the tunnel's `--server 10.8.0.0 255.255.0.0` pool. */
export const tunnelIpv4 = (random: Random): string =>
  `10.8.${random.int(0, 255)}.${random.int(2, 254)}`;

/** An ephemeral source port. */
export const ephemeralPort = (random: Random): number => random.int(32768, 60999);

/** `length` lowercase hex digits. */
export const hex = (random: Random, length: number): string => {
  let text = '';
  while (text.length < length) text += random.int(0, 0xffff).toString(16).padStart(4, '0');
  return text.slice(0, length);
};

/** A certificate fingerprint as openvpn prints it: `bytes` hex pairs joined by colons. */
export const fingerprint = (random: Random, bytes: number): string =>
  Array.from({ length: bytes }, () => hex(random, 2)).join(':');

/** Common names, a few of them non-ASCII so UTF-8 decoding is exercised too. */
export const commonName = (random: Random): string =>
  random.pick([
    'alice',
    'bob',
    'carol.laptop',
    'dave-phone',
    'erin@corp.example',
    'zoë.müller',
    'léa-desktop',
    'build-runner-07',
  ]);

const pad2 = (value: number): string => String(value).padStart(2, '0');

/** `YYYY-MM-DD hh:mm:ss` in UTC, the form of status output and `Updated,` lines. */
export const dateTime = (epochSeconds: number): string => {
  const date = new Date(epochSeconds * 1000);
  const day = `${date.getUTCFullYear()}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}`;
  const time = `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}`;
  return `${day} ${time}`;
};
