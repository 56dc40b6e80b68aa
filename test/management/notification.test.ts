import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Secret } from '../../src/core/secret.js';
import { createLineDecoder } from '../../src/management/framing.js';
import {
  createNotificationAssembler,
  parseNotification,
  type Notification,
} from '../../src/management/notification.js';
import { isNotificationLine } from '../../src/management/reply.js';
import { loadTranscript } from './support/transcript.js';

/** Replays a transcript through framing and the assembler. */
const notificationsOf = (name: string): Notification[] => {
  const decoder = createLineDecoder();
  const assembler = createNotificationAssembler();
  const out: Notification[] = [];
  for (const frame of [...decoder.push(loadTranscript(name).received), ...decoder.end()]) {
    if (frame.kind !== 'line' || !isNotificationLine(frame.text)) continue;
    const notification = assembler.push(frame.text);
    if (notification !== undefined) out.push(notification);
  }
  return [...out, ...assembler.flush()];
};

const ofType = <T extends Notification['type']>(all: Notification[], type: T) =>
  all.filter((n): n is Extract<Notification, { type: T }> => n.type === type);

describe('notifications replayed from openvpn 2.6.14 transcripts', () => {
  it('types every notification of the p2p client session, leaving nothing unknown', () => {
    const all = notificationsOf('p2p-client-session');
    expect(ofType(all, 'unknown')).toEqual([]);
    expect(all[0]).toEqual({
      type: 'info',
      text: "OpenVPN Management Interface Version 5 -- type 'help' for more info",
      managementVersion: 5,
    });
    expect(all[1]).toEqual({ type: 'hold', text: 'Waiting for hold release:0', waitSeconds: 0 });
    expect(ofType(all, 'hold').at(-1)?.waitSeconds).toBe(1);
    expect(ofType(all, 'password')[0]).toEqual({
      type: 'password',
      event: 'need',
      authType: 'Private Key',
      need: 'password',
      staticChallenge: undefined,
    });
    expect(ofType(all, 'bytecount')[0]).toEqual({
      type: 'bytecount',
      bytesIn: 4531,
      bytesOut: 4292,
    });
    const connected = ofType(all, 'state').find((s) => s.name === 'CONNECTED');
    expect(connected).toMatchObject({
      description: 'SUCCESS',
      remoteAddress: '127.0.0.1',
      localIpv4: undefined,
    });
    expect(connected?.remotePort).toEqual(expect.any(Number));
    expect(ofType(all, 'log')[0]).toMatchObject({
      flags: { raw: 'D', debug: true },
      text: "MANAGEMENT: CMD 'echo on all'",
    });
    const updown = ofType(all, 'updown');
    expect(updown.map((u) => [u.event, u.complete])).toEqual([
      ['up', true],
      ['down', true],
      ['up', true],
      ['down', true],
    ]);
    expect(updown[0]?.env).toMatchObject({ dev_type: 'null', dev: 'null', script_context: 'init' });
    expect(ofType(all, 'state').at(-1)).toMatchObject({ name: 'EXITING', description: 'SIGTERM' });
  });

  it('collects CLIENT blocks with their env and keeps the password out of it', () => {
    const all = notificationsOf('server-client-auth');
    expect(ofType(all, 'unknown')).toEqual([]);
    const clients = ofType(all, 'client');
    expect(clients.map((c) => [c.event, c.clientId, c.keyId, c.complete])).toEqual([
      ['connect', 0, 1, true],
      ['connect', 1, 1, true],
      ['cr-response', 1, 1, true],
      ['established', 1, undefined, true],
      ['disconnect', 0, undefined, true],
      ['disconnect', 1, undefined, true],
    ]);
    const first = clients[0]!;
    expect(first.env).toMatchObject({
      username: 'alice',
      untrusted_ip: '127.0.0.1',
      n_clients: '0',
    });
    expect(first.env).not.toHaveProperty('password');
    expect(first.password?.reveal()).toBe('correct horse');
    expect(String(first.password)).toBe('[redacted]');
    expect(clients[2]?.response?.reveal()).toBe('NDI0MjQy');
    expect(ofType(all, 'client-address')).toEqual([
      { type: 'client-address', clientId: 1, address: '10.213.77.2', primary: true },
    ]);
    expect(ofType(all, 'bytecount-cli')[0]).toMatchObject({
      clientId: 1,
      bytesIn: 1283,
      bytesOut: 4538,
    });
    expect(clients.at(-1)?.env).toMatchObject({ bytes_sent: '4682', time_duration: '7' });
  });

  it('types pending auth, web auth, CR_TEXT, CRV1 and NOTIFY on the client side', () => {
    const all = notificationsOf('client-pending-auth');
    expect(ofType(all, 'unknown')).toEqual([]);
    expect(ofType(all, 'state').find((s) => s.name === 'AUTH_PENDING')).toMatchObject({
      description: 'timeout 60',
      authTimeoutSeconds: 60,
    });
    expect(ofType(all, 'infomsg').map((n) => n.message)).toEqual([
      { kind: 'web-auth', flags: [], url: 'https://sso.example.invalid/login?s=1' },
      { kind: 'cr-text', echo: true, responseRequired: true, text: 'Enter your one-time code' },
    ]);
    expect(ofType(all, 'password')[1]).toEqual({
      type: 'password',
      event: 'verification-failed',
      authType: 'Auth',
      reason: 'CRV1:R,E:Om01u7Fh4LrGBS7uh0SWmzwabUiGiW6l:YWxpY2U=:Please enter token PIN',
      dynamicChallenge: {
        echo: true,
        responseRequired: true,
        stateId: 'Om01u7Fh4LrGBS7uh0SWmzwabUiGiW6l',
        usernameBase64: 'YWxpY2U=',
        username: 'alice',
        text: 'Please enter token PIN',
      },
    });
    expect(ofType(all, 'notify')).toEqual([
      { type: 'notify', severity: 'info', kind: 'server-pushed-connection-reset', text: '' },
    ]);
    expect(ofType(all, 'state').find((s) => s.name === 'CONNECTED')?.localIpv4).toBe('10.213.77.2');
  });

  it('types static challenge, external key and certificate, REMOTE and FATAL', () => {
    expect(ofType(notificationsOf('static-challenge'), 'password')[0]).toMatchObject({
      event: 'need',
      authType: 'Auth',
      need: 'username-password',
      staticChallenge: { echo: true, concatenate: false, text: 'Please enter token PIN' },
    });
    const external = notificationsOf('external-key-cert-tcp');
    expect(ofType(external, 'unknown')).toEqual([]);
    expect(ofType(external, 'remote')[0]).toMatchObject({
      host: '127.0.0.1',
      protocol: 'tcp-client',
    });
    expect(ofType(external, 'need-certificate')).toEqual([
      { type: 'need-certificate', hint: 'rx-openvpn-test-hint' },
    ]);
    expect(ofType(external, 'pk-sign')[0]).toMatchObject({
      algorithm: 'RSA_PKCS1_PSS_PADDING',
      params: { hashalg: 'SHA256', saltlen: 'digest' },
    });
    expect(ofType(external, 'state').map((s) => s.name)).toContain('TCP_CONNECT');
    const bad = notificationsOf('private-key-bad-password');
    expect(ofType(bad, 'password').at(-1)).toMatchObject({
      event: 'verification-failed',
      authType: 'Private Key',
      reason: undefined,
    });
    expect(ofType(bad, 'fatal')).toEqual([
      { type: 'fatal', text: 'Error: private key password verification failed' },
    ]);
  });
});

describe('parseNotification (spec forms not seen live)', () => {
  it.each([
    [
      ">NEED-OK:Need 'token-insertion-request' confirmation MSG:Please insert your cryptographic token",
      {
        type: 'need-ok',
        name: 'token-insertion-request',
        message: 'Please insert your cryptographic token',
      },
    ],
    [
      ">NEED-STR:Need 'name' input MSG:Please specify your name",
      { type: 'need-str', name: 'name', message: 'Please specify your name' },
    ],
    [
      '>PROXY:1,TCP,vpn.example.com',
      { type: 'proxy', index: 1, protocol: 'TCP', host: 'vpn.example.com' },
    ],
    ['>RSA_SIGN:QUJD', { type: 'rsa-sign', data: 'QUJD' }],
    ['>PK_SIGN:QUJD', { type: 'pk-sign', data: 'QUJD', algorithm: undefined, params: {} }],
    [
      '>ECHO:1101519562,forget-passwords',
      { type: 'echo', time: 1101519562, text: 'forget-passwords' },
    ],
    [
      '>INFOMSG:OPEN_URL:https://x.invalid/a',
      { type: 'infomsg', message: { kind: 'open-url', url: 'https://x.invalid/a' } },
    ],
    [
      '>INFOMSG:WEB_AUTH:proxy=1.2.3.4;8080;;,external:https://x.invalid/a',
      {
        type: 'infomsg',
        message: {
          kind: 'web-auth',
          flags: ['proxy=1.2.3.4;8080;;', 'external'],
          url: 'https://x.invalid/a',
        },
      },
    ],
    [
      '>INFOMSG:something else',
      { type: 'infomsg', message: { kind: 'other', text: 'something else' } },
    ],
    ['>PKCS11ID-COUNT:5', { type: 'pkcs11-id-count', count: 5 }],
    [
      ">PKCS11ID-ENTRY:'1', ID:'abc', BLOB:'QUJD'",
      { type: 'pkcs11-id-entry', index: 1, id: 'abc', blob: 'QUJD' },
    ],
    [
      ">PASSWORD:Need 'HTTP Proxy' username/password",
      {
        type: 'password',
        event: 'need',
        authType: 'HTTP Proxy',
        need: 'username-password',
        staticChallenge: undefined,
      },
    ],
    [
      // openvpn 2.6 asks the password alone when it has the username (manage.c knows no
      // other >PASSWORD form: no username-only one).
      ">PASSWORD:Need 'Auth' password",
      {
        type: 'password',
        event: 'need',
        authType: 'Auth',
        need: 'password',
        staticChallenge: undefined,
      },
    ],
    [
      ">PASSWORD:Verification Failed: 'custom server-generated string'",
      {
        type: 'password',
        event: 'verification-failed',
        authType: 'custom server-generated string',
        reason: undefined,
        dynamicChallenge: undefined,
      },
    ],
    [
      ">PASSWORD:Verification Failed: ['CRV1:R:Om01:Y3Ix:Please enter: PIN']",
      {
        type: 'password',
        event: 'verification-failed',
        authType: undefined,
        reason: 'CRV1:R:Om01:Y3Ix:Please enter: PIN',
        dynamicChallenge: {
          echo: false,
          responseRequired: true,
          stateId: 'Om01',
          usernameBase64: 'Y3Ix',
          username: 'cr1',
          text: 'Please enter: PIN',
        },
      },
    ],
    [
      ">PASSWORD:Verification Failed: 'Auth' ['account locked']",
      {
        type: 'password',
        event: 'verification-failed',
        authType: 'Auth',
        reason: 'account locked',
        dynamicChallenge: undefined,
      },
    ],
    [
      '>STATE:1,CONNECTED,SUCCESS,10.8.0.2,1.2.3.4,1194,,,fd00::2',
      expect.objectContaining({
        name: 'CONNECTED',
        remotePort: 1194,
        localPort: undefined,
        localIpv6: 'fd00::2',
      }),
    ],
    [
      '>STATE:1,SOMETHING_NEW,,,',
      expect.objectContaining({ type: 'state', name: 'SOMETHING_NEW' }),
    ],
    [
      '>CLIENT:ADDRESS,3,10.0.0.0/255.255.255.0,0',
      { type: 'client-address', clientId: 3, address: '10.0.0.0/255.255.255.0', primary: false },
    ],
  ])('parses %s', (line, expected) => {
    expect(parseNotification(line)).toEqual(expected);
  });

  it('keeps the Auth-Token secret', () => {
    const token = parseNotification('>PASSWORD:Auth-Token:foobar');
    expect(token).toEqual({ type: 'password', event: 'auth-token', token: expect.any(Secret) });
    expect(token.type === 'password' && token.event === 'auth-token' && token.token.reveal()).toBe(
      'foobar',
    );
  });

  it.each([
    ['>STATE:1,CONNECTED', 'expected 5 to 9 fields, got 2'],
    ['>BYTECOUNT:1', 'malformed byte counts'],
    ['>BYTECOUNT:a,b', 'malformed byte counts'],
    ['>FROB:x', "unknown source 'FROB'"],
    ['>CLIENT:WHAT,1', "unknown CLIENT event 'WHAT'"],
    ['>CLIENT:ENV,a=b', 'ENV line outside a block'],
    ['>PASSWORD:Something', 'unrecognised PASSWORD form'],
    ['no prefix', 'not a real-time line'],
    ['>nocolon', 'no source separator'],
  ])('keeps %s as unknown', (raw, reason) => {
    expect(parseNotification(raw)).toEqual({ type: 'unknown', raw, reason });
  });

  it('never throws, whatever the line', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.constantFrom('', '>', '>STATE:', '>CLIENT:', '>PASSWORD:', '>LOG:', '>UPDOWN:'),
        (tail, head) => {
          const notification = parseNotification(head + tail);
          expect(typeof notification.type).toBe('string');
        },
      ),
    );
  });
});

describe('createNotificationAssembler', () => {
  it('passes single lines through while a block is open', () => {
    const assembler = createNotificationAssembler();
    expect(assembler.push('>CLIENT:CONNECT,4,0')).toBeUndefined();
    expect(assembler.push('>BYTECOUNT:1,2')).toEqual({
      type: 'bytecount',
      bytesIn: 1,
      bytesOut: 2,
    });
    expect(assembler.push('>CLIENT:ENV,common_name=a=b')).toBeUndefined();
    expect(assembler.push('>CLIENT:ENV,END')).toMatchObject({
      type: 'client',
      event: 'connect',
      env: { common_name: 'a=b' },
      complete: true,
    });
  });

  it('emits an interrupted block as incomplete when the next header arrives', () => {
    const assembler = createNotificationAssembler();
    assembler.push('>CLIENT:ESTABLISHED,1');
    assembler.push('>CLIENT:ENV,x=1');
    expect(assembler.push('>CLIENT:DISCONNECT,2')).toMatchObject({
      event: 'established',
      clientId: 1,
      env: { x: '1' },
      complete: false,
    });
    expect(assembler.flush()).toEqual([
      expect.objectContaining({ event: 'disconnect', complete: false }),
    ]);
    expect(assembler.flush()).toEqual([]);
  });

  it('bounds an over-long block without losing any ENV line', () => {
    const assembler = createNotificationAssembler({ maxBlockLines: 3 });
    const out: Notification[] = [];
    assembler.push('>UPDOWN:UP');
    for (let i = 0; i < 7; i += 1) {
      const n = assembler.push(`>UPDOWN:ENV,k${i}=${i}`);
      if (n !== undefined) out.push(n);
    }
    out.push(assembler.push('>UPDOWN:ENV,END')!);
    expect(
      out.map((n) => n.type === 'updown' && [Object.keys(n.env).length, n.complete, n.continued]),
    ).toEqual([
      [3, false, false],
      [3, false, true],
      [1, true, true],
    ]);
  });

  it('keeps CLIENT and UPDOWN blocks apart and a stray END as unknown', () => {
    const assembler = createNotificationAssembler();
    assembler.push('>UPDOWN:DOWN');
    assembler.push('>CLIENT:CONNECT,1,2');
    assembler.push('>UPDOWN:ENV,dev=tun0');
    expect(assembler.push('>UPDOWN:ENV,END')).toMatchObject({
      type: 'updown',
      env: { dev: 'tun0' },
    });
    expect(assembler.push('>CLIENT:ENV,END')).toMatchObject({ type: 'client', env: {} });
    expect(assembler.push('>CLIENT:ENV,END')).toEqual({
      type: 'unknown',
      raw: '>CLIENT:ENV,END',
      reason: 'ENV,END outside a block',
    });
  });
});
