import { describe, expect, it } from '@jest/globals';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Secret } from '../../src/core/secret.js';
import * as command from '../../src/management/command.js';
import type { Notification } from '../../src/management/notification.js';
import { attachSession } from '../../src/management/session.js';
import {
  OPENVPN_BANNER,
  commandWords,
  createFakeManagementPeer,
  type FakeManagementPeer,
  type FakePeerScript,
} from '../../src/testing/index.js';
import { loadTranscript, type Transcript } from '../management/support/transcript.js';

/** A scheduler flushed by hand: the fake's replies arrive on each flush. */
const manualScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });

/** Everything the client reads from the fake, as one growing byte string. */
const listen = (peer: FakeManagementPeer): { read: () => string; ended: () => boolean } => {
  let bytes = '';
  let ended = false;
  peer.socket.data$.subscribe({
    next: (chunk) => {
      bytes += Buffer.from(chunk).toString('utf8');
    },
    complete: () => {
      ended = true;
    },
  });
  return {
    read: () => {
      const read = bytes;
      bytes = '';
      return read;
    },
    ended: () => ended,
  };
};

const lines = (bytes: Buffer): string[] => {
  const text = bytes.toString('utf8');
  return text === '' ? [] : text.replace(/\r\n$/, '').split('\r\n');
};

/** A script that answers each command with what openvpn answered it in `transcript`. */
const replayOf = (transcript: Transcript): FakePeerScript => {
  const [greeting, ...exchanges] = transcript.exchanges;
  const answers = new Map<string, string[][]>();
  for (const exchange of exchanges) {
    exchange.sent.forEach((sent, index) => {
      const key = commandWords(sent).join(' ');
      const last = index === exchange.sent.length - 1;
      answers.set(key, [...(answers.get(key) ?? []), last ? lines(exchange.received) : []]);
    });
  }
  const [banner, ...afterBanner] = lines(greeting?.received ?? Buffer.alloc(0));
  return {
    ...(banner === undefined ? {} : { banner }),
    afterBanner,
    unknownAnswer: (line) => {
      const key = commandWords(line).join(' ');
      const answer = answers.get(key)?.shift();
      if (answer === undefined) throw new Error(`the transcript never answers ${key}`);
      return answer;
    },
  };
};

describe('commandWords', () => {
  it('reads words as openvpn does: blanks split, quotes group, backslashes escape', () => {
    expect(commandWords('hold release')).toEqual(['hold', 'release']);
    expect(commandWords('username "Auth" "al\\"i ce\\\\ü"')).toEqual([
      'username',
      'Auth',
      'al"i ce\\ü',
    ]);
    expect(commandWords('needstr  x ""')).toEqual(['needstr', 'x', '']);
  });
});

describe('the fake management peer', () => {
  it('greets, answers by exact line, by words and by first word, and records both sides', () => {
    const scheduler = manualScheduler();
    const peer = createFakeManagementPeer(
      {
        afterBanner: ['>HOLD:Waiting for hold release:0'],
        answers: {
          'state "on"': ['SUCCESS: real-time state notification set to ON'],
          'hold release': ['SUCCESS: hold release succeeded'],
          signal: (line) => [`SUCCESS: signal ${commandWords(line)[1] ?? ''} thrown`],
        },
      },
      scheduler,
    );
    const client = listen(peer);
    scheduler.flush();
    expect(client.read()).toBe(`${OPENVPN_BANNER}\r\n>HOLD:Waiting for hold release:0\r\n`);
    peer.socket.write('state "on"\nhold "release"\n');
    peer.socket.write('signal "SIGTERM"\nfrobnicate\n');
    // Nothing is answered within write, as on a real socket.
    expect(client.read()).toBe('');
    scheduler.flush();
    expect(client.read()).toBe(
      [
        'SUCCESS: real-time state notification set to ON',
        'SUCCESS: hold release succeeded',
        'SUCCESS: signal SIGTERM thrown',
        "ERROR: unknown command, enter 'help' for more options",
        '',
      ].join('\r\n'),
    );
    expect(peer.transcript.map((e) => `${e.direction} ${e.text}`)).toEqual([
      `from-openvpn ${OPENVPN_BANNER}`,
      'from-openvpn >HOLD:Waiting for hold release:0',
      'to-openvpn state "on"',
      'to-openvpn hold "release"',
      'to-openvpn signal "SIGTERM"',
      'to-openvpn frobnicate',
      'from-openvpn SUCCESS: real-time state notification set to ON',
      'from-openvpn SUCCESS: hold release succeeded',
      'from-openvpn SUCCESS: signal SIGTERM thrown',
      "from-openvpn ERROR: unknown command, enter 'help' for more options",
    ]);
  });

  it('stamps the transcript with the scheduler clock', () => {
    const scheduler = manualScheduler();
    const peer = createFakeManagementPeer({ unknownAnswer: ['SUCCESS: ok'] }, scheduler);
    listen(peer);
    scheduler.flush();
    scheduler.schedule(() => peer.socket.write('pid\n'), 40);
    scheduler.flush();
    expect(peer.transcript.map((e) => e.at)).toEqual([0, 40, 40]);
  });

  it('pushes notifications and hangs up when told', () => {
    const scheduler = manualScheduler();
    const peer = createFakeManagementPeer({}, scheduler);
    const client = listen(peer);
    peer.push('>BYTECOUNT:1,2', '>STATE:1,CONNECTED,SUCCESS,,127.0.0.1,1194,,');
    peer.hangUp();
    scheduler.flush();
    expect(client.read()).toBe(
      `${OPENVPN_BANNER}\r\n>BYTECOUNT:1,2\r\n>STATE:1,CONNECTED,SUCCESS,,127.0.0.1,1194,,\r\n`,
    );
    expect(client.ended()).toBe(true);
    expect(peer.closedByClient).toBe(false);
  });

  it('says nothing at all without a banner, like an openvpn busy with another client', () => {
    const scheduler = manualScheduler();
    const client = listen(createFakeManagementPeer({ banner: null }, scheduler));
    scheduler.flush();
    expect(client.read()).toBe('');
  });

  it('hangs up on exit without a reply, and notices when the client closes', () => {
    const scheduler = manualScheduler();
    const peer = createFakeManagementPeer({}, scheduler);
    const client = listen(peer);
    scheduler.flush();
    client.read();
    peer.socket.write('exit\n');
    scheduler.flush();
    expect(client.read()).toBe('');
    expect(client.ended()).toBe(true);

    const other = createFakeManagementPeer({}, scheduler);
    const otherClient = listen(other);
    other.socket.close();
    expect(otherClient.ended()).toBe(true);
    expect(other.closedByClient).toBe(true);
  });
});

describe('the fake password flow', () => {
  it('sends the same bytes as openvpn 2.6.14 for a wrong, then a right password', () => {
    const recorded = loadTranscript('management-password');
    const scheduler = manualScheduler();
    const peer = createFakeManagementPeer(
      {
        password: 'letmein',
        afterBanner: ['>HOLD:Waiting for hold release:0'],
        answers: { pid: ['SUCCESS: pid=11282'] },
      },
      scheduler,
    );
    const client = listen(peer);
    // The recording's first connection: prompt, wrong, prompt, right, pid, exit.
    const [greeting, ...exchanges] = recorded.exchanges.slice(0, 5);
    scheduler.flush();
    expect(client.read()).toBe(greeting?.received.toString('utf8'));
    for (const exchange of exchanges) {
      for (const sent of exchange.sent) peer.socket.write(`${sent}\n`);
      scheduler.flush();
      expect({ sent: exchange.sent, received: client.read() }).toEqual({
        sent: exchange.sent,
        received: exchange.received.toString('utf8'),
      });
    }
    expect(client.ended()).toBe(true);
  });

  it('lets a session attach with the right password', async () => {
    const peer = createFakeManagementPeer({ password: 'letmein' });
    const session = await firstValueFrom(
      attachSession(peer.socket, { password: Secret.of('letmein') }),
    );
    expect(session.banner).toBe(OPENVPN_BANNER.slice('>INFO:'.length));
    session.close();
  });
});

describe('a session replaying a recorded openvpn 2.6.14 conversation', () => {
  it('decodes every reply and routes the interleaved notifications', async () => {
    const peer = createFakeManagementPeer(replayOf(loadTranscript('p2p-client-session')));
    const session = await firstValueFrom(attachSession(peer.socket));
    const notification$ = lastValueFrom(session.notification$.pipe(toArray()));
    const send = <R>(c: command.Command<R>): Promise<R> => firstValueFrom(session.send(c));

    await expect(send(command.help())).resolves.toContain('Commands:');
    await expect(send(command.version())).resolves.toEqual(
      expect.objectContaining({ management: 5, semver: { major: 2, minor: 6, patch: 14 } }),
    );
    await expect(send(command.pid())).resolves.toBe(10550);
    await expect(send(command.stateCurrent())).resolves.toEqual([
      expect.objectContaining({ name: 'CONNECTING', time: 1796314767 }),
    ]);
    await send(command.stateHistory());
    await expect(send(command.holdQuery())).resolves.toBe(true);
    await expect(send(command.echoHistory())).resolves.toEqual([
      { time: 1796314767, text: 'hello world' },
    ]);
    await expect(send(command.logHistory())).resolves.toHaveLength(15);
    await expect(send(command.verbQuery())).resolves.toBe(3);
    await expect(send(command.muteQuery())).resolves.toBe(0);
    await expect(send(command.stateRealtimeWithHistory())).resolves.toHaveLength(1);
    await expect(send(command.logRealtimeWithHistory())).resolves.toHaveLength(19);
    await expect(send(command.echoRealtimeWithHistory())).resolves.toHaveLength(1);
    await expect(send(command.bytecount(1))).resolves.toBe('bytecount interval changed');
    await expect(send(command.holdRelease())).resolves.toBe('hold release succeeded');
    session.close();

    const notifications: Notification[] = await notification$;
    expect(notifications).toContainEqual(
      expect.objectContaining({ type: 'log', text: "MANAGEMENT: CMD 'echo on all'" }),
    );
    expect(notifications).toContainEqual({
      type: 'password',
      event: 'need',
      authType: 'Private Key',
      need: 'password',
      staticChallenge: undefined,
    });
    expect(peer.transcript.filter((e) => e.direction === 'to-openvpn').map((e) => e.text)).toEqual([
      'help',
      'version',
      'pid',
      'state',
      'state "all"',
      'hold',
      'echo "all"',
      'log "all"',
      'verb',
      'mute',
      'state "on" "all"',
      'log "on" "all"',
      'echo "on" "all"',
      'bytecount "1"',
      'hold "release"',
    ]);
  });
});
