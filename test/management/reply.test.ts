import { describe, expect, it } from '@jest/globals';
import { createLineDecoder } from '../../src/management/framing.js';
import {
  claimsLine,
  createReplyCollector,
  isNotificationLine,
  type Reply,
  type ReplyShape,
} from '../../src/management/reply.js';
import { loadTranscript } from './support/transcript.js';

/** The reply shape of a command line as recorded (first word, then the arguments). */
const shapeOf = (sent: string): ReplyShape => {
  const [name = '', ...args] = sent.split(' ');
  if (name === 'version') return args.length === 0 ? 'lines' : 'none';
  if (name === 'exit' || name === 'quit') return 'none';
  if (['client-auth', 'certificate', 'pk-sig', 'rsa-sig'].includes(name)) return 'body';
  if (['help', 'status', 'remote-entry-count', 'remote-entry-get', 'net'].includes(name))
    return 'lines';
  if (['state', 'log', 'echo'].includes(name)) {
    if (args.join(' ') === 'on all') return 'success-lines';
    return args.length === 0 || /^(all|\d+)$/.test(args[0] ?? '') ? 'lines' : 'success';
  }
  return 'success';
};

const BODY_COMMANDS = ['client-auth', 'certificate', 'pk-sig', 'rsa-sig'];

/**
 * Replays a transcript: each command's reply is collected from the lines after its write, across
 * later writes when needed. The body lines of multi-line commands (up to END) are not commands.
 */
const repliesOf = (name: string): { sent: string; reply: Reply | undefined }[] => {
  const decoder = createLineDecoder();
  const steps: { sent: string | undefined; lines: string[] }[] = [];
  for (const exchange of loadTranscript(name).exchanges) {
    const lines = decoder
      .push(exchange.received)
      .flatMap((frame) => (frame.kind === 'line' ? [frame.text] : []));
    exchange.sent.forEach((sent, i) =>
      steps.push({ sent, lines: i === exchange.sent.length - 1 ? lines : [] }),
    );
    if (exchange.sent.length === 0) steps.push({ sent: undefined, lines });
  }
  const results: { sent: string; reply: Reply | undefined }[] = [];
  for (let at = 0; at < steps.length; at += 1) {
    const head = steps[at]!.sent;
    if (head === undefined) continue;
    const shape = shapeOf(head);
    let bodyLines = 0;
    if (BODY_COMMANDS.includes(head.split(' ')[0]!)) {
      while (at + bodyLines + 1 < steps.length && steps[at + bodyLines]?.sent !== 'END')
        bodyLines += 1;
    }
    const collector = createReplyCollector(shape, { bodyLines });
    let reply: Reply | undefined = shape === 'none' ? { kind: 'none' } : undefined;
    for (const line of steps.slice(at).flatMap((step) => step.lines)) {
      if (reply !== undefined || (isNotificationLine(line) && !claimsLine(shape, line))) continue;
      const step = collector.push(line);
      if (step.done) reply = step.reply;
    }
    results.push({ sent: head, reply });
    at += bodyLines;
  }
  return results;
};

const find = (all: { sent: string; reply: Reply | undefined }[], sent: string) =>
  all.find((r) => r.sent === sent)?.reply;

describe('reply collection replayed from openvpn 2.6.14 transcripts', () => {
  const session = repliesOf('p2p-client-session');
  const replies = repliesOf('command-replies');

  it('completes the reply to every command of the client session', () => {
    expect(session.filter((r) => r.reply === undefined).map((r) => r.sent)).toEqual([]);
  });

  it('reads lines-then-END replies with real-time lines interleaved', () => {
    expect(find(session, 'version')).toEqual({
      kind: 'lines',
      lines: [
        'OpenVPN Version: OpenVPN 2.6.14 x86_64-pc-linux-gnu [SSL (OpenSSL)] [LZO] [LZ4] [EPOLL] [PKCS11] [MH/PKTINFO] [AEAD] [DCO]',
        'Management Version: 5',
      ],
    });
    expect(find(session, 'remote-entry-count')).toEqual({ kind: 'lines', lines: ['1'] });
    const status = find(session, 'status 2');
    expect(status?.kind === 'lines' && status.lines[0]).toBe('OpenVPN STATISTICS');
  });

  it('reads SUCCESS then history then END for "on all"', () => {
    expect(find(session, 'echo on all')).toEqual({
      kind: 'success-lines',
      text: 'real-time echo notification set to ON',
      lines: [expect.stringMatching(/^\d+,hello world$/)],
    });
  });

  it('reads one-line SUCCESS and ERROR replies', () => {
    expect(find(session, 'load-stats')).toEqual({
      kind: 'success',
      text: expect.stringMatching(/^nclients=0,bytesin=\d+,bytesout=\d+$/),
      notes: [],
    });
    expect(find(session, 'frobnicate')).toEqual({
      kind: 'error',
      text: "unknown command, enter 'help' for more options",
      notes: [],
    });
    expect(find(replies, 'hold')).toEqual({ kind: 'success', text: 'hold=0', notes: [] });
    expect(find(replies, 'auth-retry bogus')).toEqual({
      kind: 'error',
      text: 'bad auth-retry parameter',
      notes: ["--auth-retry method must be 'interact', 'nointeract', or 'none'"],
    });
  });

  it('ends a lines reply at a first ERROR line', () => {
    expect(find(replies, 'state 0')).toMatchObject({ kind: 'error' });
    expect(find(replies, 'status 4')).toMatchObject({ kind: 'error' });
  });

  it('swallows the answers to body lines after an immediate refusal', () => {
    expect(find(replies, 'certificate')).toEqual({
      kind: 'error',
      text: 'The certificate command is not currently available',
      notes: [],
    });
    expect(find(replies, 'client-auth 0 1')).toMatchObject({ kind: 'error' });
    expect(find(replies, 'pk-sig')).toMatchObject({ kind: 'error' });
    expect(find(replies, 'rsa-sig')).toMatchObject({ kind: 'error' });
    const external = repliesOf('external-key-cert-tcp');
    expect(find(external, 'pk-sig')).toEqual({
      kind: 'success',
      text: 'pk-sign command succeeded',
      notes: [],
    });
    expect(find(external, 'certificate')).toEqual({
      kind: 'success',
      text: 'certificate command succeeded',
      notes: [],
    });
  });
});

describe('createReplyCollector', () => {
  it('keeps a stray line before SUCCESS in an "on all" reply', () => {
    const collector = createReplyCollector('success-lines');
    collector.push('odd');
    collector.push('SUCCESS: ok');
    expect(collector.push('END')).toEqual({
      done: true,
      reply: { kind: 'success-lines', text: 'ok', lines: ['odd'] },
    });
  });

  it('answers a pkcs11 command with its real-time-looking line', () => {
    expect(claimsLine('pkcs11', '>PKCS11ID-COUNT:2')).toBe(true);
    expect(claimsLine('success', '>PKCS11ID-COUNT:2')).toBe(false);
    expect(createReplyCollector('pkcs11').push('>PKCS11ID-COUNT:2')).toEqual({
      done: true,
      reply: { kind: 'lines', lines: ['>PKCS11ID-COUNT:2'] },
    });
  });

  it('bounds the notes kept before a SUCCESS', () => {
    const collector = createReplyCollector('success');
    for (let i = 0; i < 500; i += 1) collector.push(`note ${i}`);
    const step = collector.push('SUCCESS: x');
    expect(step.done && step.reply.kind === 'success' && step.reply.notes.length).toBe(64);
  });
});
