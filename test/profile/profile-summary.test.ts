import { describe, expect, it } from '@jest/globals';
import { parseOvpn } from '../../src/profile/parse-ovpn.js';
import type { Profile } from '../../src/profile/profile-model.js';
import {
  asksForCredentials,
  authRetry,
  deviceType,
  profileRemotes,
  staticChallenge,
  userPassSource,
} from '../../src/profile/profile-summary.js';
import { fixture, right } from './profile-test-support.js';

const CA = fixture('keys/ca.crt').trimEnd();
const profileOf = (...lines: string[]): Profile =>
  right(parseOvpn([...lines, '<ca>', CA, '</ca>', ''].join('\n')));

describe('profileRemotes', () => {
  it('lists the remotes of a unified profile with the global protocol as default', () => {
    expect(profileRemotes(right(parseOvpn(fixture('unified-client.ovpn'))))).toEqual([
      { host: '192.0.2.10', port: 1194, proto: 'udp' },
      { host: 'vpn2.example.org', port: 443, proto: 'tcp-client' },
    ]);
  });

  // Same answers as openvpn 2.6.14's "Current Parameter Settings" for this file.
  it('gives each <connection> block the options set above it', () => {
    expect(profileRemotes(right(parseOvpn(fixture('connection-blocks.ovpn'))))).toEqual([
      { host: '192.0.2.20', port: 1194, proto: 'udp4' },
      { host: '192.0.2.20', port: 443, proto: 'tcp-client' },
      { host: '198.51.100.7', port: 8443, proto: 'tcp4-client' },
    ]);
  });

  it("applies a top-level remote's final port and proto, wherever they appear (openvpn 2.6.14)", () => {
    const profile = profileOf(
      'dev tun',
      'remote r1',
      'proto udp6',
      'port 7',
      'remote r2 9 udp4',
      'port 8',
      'proto udp',
    );
    expect(profileRemotes(profile)).toEqual([
      { host: 'r1', port: 8, proto: 'udp' },
      { host: 'r2', port: 9, proto: 'udp4' },
    ]);
  });

  it('takes rport like port, the later one winning', () => {
    expect(profileRemotes(profileOf('dev tun', 'remote r1', 'port 6', 'rport 5'))).toEqual([
      { host: 'r1', port: 5, proto: 'udp' },
    ]);
  });

  it("uses OpenVPN's defaults, port 1194 over UDP", () => {
    expect(profileRemotes(profileOf('dev tun', 'remote r1'))).toEqual([
      { host: 'r1', port: 1194, proto: 'udp' },
    ]);
  });

  it('applies options inside a <connection> block wherever they stand in it', () => {
    const profile = profileOf(
      'dev tun',
      '<connection>',
      'remote c1',
      'proto tcp-client',
      'port 443',
      '</connection>',
    );
    expect(profileRemotes(profile)).toEqual([{ host: 'c1', port: 443, proto: 'tcp-client' }]);
  });
});

describe('authRetry', () => {
  it.each([
    [[], 'none'],
    [['auth-retry nointeract'], 'nointeract'],
    [['auth-retry interact', 'auth-retry none'], 'none'],
  ])('%j → %s', (lines, expected) => {
    expect(authRetry(profileOf('dev tun', 'remote r', ...lines))).toBe(expected);
  });
});

describe('credentials', () => {
  it.each([
    [[], 'none', false],
    [['auth-user-pass'], 'ask', true],
    [['auth-user-pass /etc/creds'], 'ask', true],
    [['<auth-user-pass>', 'alice', 'secret', '</auth-user-pass>'], 'inline', false],
    [['<auth-user-pass>', 'alice', '</auth-user-pass>'], 'inline-username', true],
    [['<auth-user-pass>', 'alice', 'secret', '</auth-user-pass>', 'auth-user-pass'], 'ask', true],
  ])('%j → %s', (lines, source, asks) => {
    const profile = profileOf('dev tun', 'remote r', ...lines);
    expect(userPassSource(profile)).toBe(source);
    expect(asksForCredentials(profile)).toBe(asks);
  });
});

describe('staticChallenge', () => {
  it('reads the prompt and the echo flag', () => {
    expect(staticChallenge(right(parseOvpn(fixture('unified-client.ovpn'))))).toEqual({
      text: 'Enter the code from your "Authenticator" app',
      echo: true,
    });
    expect(staticChallenge(profileOf('dev tun', 'remote r', 'static-challenge PIN 0'))).toEqual({
      text: 'PIN',
      echo: false,
    });
  });

  it('is undefined when the profile sets none', () => {
    expect(staticChallenge(profileOf('dev tun', 'remote r'))).toBeUndefined();
  });
});

describe('deviceType', () => {
  it.each([
    [['dev tun'], 'tun'],
    [['dev tun0'], 'tun'],
    [['dev tap'], 'tap'],
    [['dev null'], 'null'],
    [['dev vpn0', 'dev-type tap'], 'tap'],
    [['dev vpn0'], undefined],
  ])('%j → %s', (lines, expected) => {
    expect(deviceType(profileOf('remote r', ...lines))).toBe(expected);
  });
});

describe('summaries look through setenv opt, as OpenVPN does', () => {
  it('counts a wrapped remote, port and auth-retry', () => {
    const profile = profileOf(
      'dev tun',
      'setenv opt remote wrapped 1234',
      'setenv opt auth-retry nointeract',
    );
    expect(profileRemotes(profile)).toEqual([{ host: 'wrapped', port: 1234, proto: 'udp' }]);
    expect(authRetry(profile)).toBe('nointeract');
  });

  it('sees a wrapped auth-user-pass', () => {
    expect(asksForCredentials(profileOf('dev tun', 'remote r', 'setenv opt auth-user-pass'))).toBe(
      true,
    );
  });

  it('accepts a wrapped dev as the device', () => {
    expect(deviceType(profileOf('remote r', 'setenv opt dev tap'))).toBe('tap');
  });
});
