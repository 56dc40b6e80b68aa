import { describe, expect, it } from '@jest/globals';
import { inlineUsername, renderEngineConfig } from '../../src/profile/inline-username.js';
import { parseOvpn } from '../../src/profile/parse-ovpn.js';
import type { Profile } from '../../src/profile/profile-model.js';
import { renderConfig } from '../../src/profile/render-config.js';
import { fixture, right } from './profile-test-support.js';

// Every profile also needs a device, a server and a CA; they come first and render first.
const BASE = [
  'dev tun',
  'remote vpn.example.org 1194',
  '<ca>',
  fixture('keys/ca.crt').trimEnd(),
  '</ca>',
];
const profileOf = (...lines: string[]): Profile =>
  right(parseOvpn([...BASE, ...lines, ''].join('\n')));

describe('a username-only <auth-user-pass> block', () => {
  it('gives its username and becomes a bare auth-user-pass in the engine config', () => {
    const profile = profileOf('client', '<auth-user-pass>', 'al"i ce\\ü', '</auth-user-pass>');
    expect(inlineUsername(profile)).toBe('al"i ce\\ü');
    expect(renderEngineConfig(profile)).toBe(
      `${renderConfig(profileOf('client'))}auth-user-pass\n`,
    );
  });

  it('leaves a block with a password, and a profile without a block, as renderConfig does', () => {
    for (const profile of [
      profileOf('client', '<auth-user-pass>', 'alice', 'secret', '</auth-user-pass>'),
      profileOf('client', 'auth-user-pass'),
      profileOf('client'),
    ]) {
      expect(inlineUsername(profile)).toBeUndefined();
      expect(renderEngineConfig(profile)).toBe(renderConfig(profile));
    }
  });

  it('gives nothing when a later auth-user-pass directive asks for both', () => {
    const profile = profileOf('<auth-user-pass>', 'first', '</auth-user-pass>', 'auth-user-pass');
    expect(inlineUsername(profile)).toBeUndefined();
  });
});
