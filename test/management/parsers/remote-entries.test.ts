import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import {
  parseRemoteEntries,
  parseRemoteEntryCount,
} from '../../../src/management/parsers/index.js';
import { replyLines } from './output-fixture.js';

describe('parseRemoteEntryCount', () => {
  it('reads the real reply of a client with three remotes', () => {
    expect(parseRemoteEntryCount(replyLines('client-remote-entry-count'))).toEqual(E.right(3));
  });

  it.each([
    [[], 'empty reply'],
    [['3', '4'], 'expected one line, got 2'],
    [['three'], 'expected unsigned 32-bit integer, got "three"'],
    [['-1'], 'expected unsigned 32-bit integer, got "-1"'],
    [['4294967296'], 'unsigned 32-bit integer out of range, got "4294967296"'],
  ])('fails on %j', (lines, reason) => {
    expect(parseRemoteEntryCount(lines)).toEqual(
      E.left(expect.objectContaining({ parser: 'remote-entry-count', reason })),
    );
  });
});

describe('parseRemoteEntries', () => {
  it('reads the real `remote-entry-get all`, IPv6 host included', () => {
    expect(parseRemoteEntries(replyLines('client-remote-entry-get-all'))).toEqual(
      E.right([
        { index: 0, host: '127.0.0.1', port: 53722, protocol: 'udp4', enabled: true },
        { index: 1, host: '::1', port: 43431, protocol: 'udp6', enabled: true },
        { index: 2, host: 'localhost', port: 443, protocol: 'tcp-client', enabled: true },
      ]),
    );
  });

  it('reads the real `remote-entry-get 1 3`', () => {
    expect(parseRemoteEntries(replyLines('client-remote-entry-get-1-3'))).toEqual(
      E.right([
        expect.objectContaining({ index: 1, host: '::1' }),
        expect.objectContaining({ index: 2, host: 'localhost' }),
      ]),
    );
  });

  it('reads a disabled entry', () => {
    expect(parseRemoteEntries(['2,vpn.example.net,443,tcp-client,disabled'])).toEqual(
      E.right([expect.objectContaining({ enabled: false })]),
    );
  });

  it('keeps a host holding a comma whole instead of shifting the other fields', () => {
    expect(parseRemoteEntries(['0,odd,host,1194,udp,enabled'])).toEqual(
      E.right([{ index: 0, host: 'odd,host', port: 1194, protocol: 'udp', enabled: true }]),
    );
  });

  it('reads an empty reply as no entries', () => {
    expect(parseRemoteEntries([])).toEqual(E.right([]));
  });

  it.each([
    ['0,host,1194,udp', 'expected index,host,port,protocol,status, got 4 fields'],
    ['0,host,1194,udp,on', 'status must be "enabled" or "disabled", got "on"'],
    ['0,,1194,udp,enabled', 'host is blank'],
    ['0,host,1194,,enabled', 'protocol is blank'],
    ['x,host,1194,udp,enabled', 'expected unsigned 32-bit integer, got "x"'],
    ['0,host,70000,udp,enabled', 'port (1-65535) out of range, got "70000"'],
    ['0,host,openvpn,udp,enabled', 'expected port (1-65535), got "openvpn"'],
  ])('fails on "%s"', (line, reason) => {
    expect(parseRemoteEntries(['0,ok,1194,udp,enabled', line])).toEqual(
      E.left({ kind: 'parse-failure', parser: 'remote-entries', line: 2, text: line, reason }),
    );
  });
});
