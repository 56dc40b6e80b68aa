import { describe, expect, it } from '@jest/globals';
import { lastValueFrom, toArray } from 'rxjs';
import { Secret } from '../../src/core/secret.js';
import * as command from '../../src/management/command.js';
import { encodeCommand } from '../../src/management/encode.js';
import {
  REDACTED,
  recordTranscript,
  redactIncoming,
  redactOutgoing,
  type TranscriptLine,
} from '../../src/management/transcript.js';
import { createFakeManagementPeer } from '../../src/testing/fake-management-peer.js';

const SENTINEL = 'SENTINEL-5ec7e7';

const encoded = (c: command.Command<unknown>): string => {
  const result = encodeCommand(c);
  if (result._tag === 'Left') throw new Error(result.left.reason);
  return result.right.trimEnd();
};

describe('transcript redaction', () => {
  it('keeps the credential type and drops the password', () => {
    const line = encoded(command.password('Auth', Secret.of(`a "${SENTINEL}" b`)));
    expect(redactOutgoing(line, false)).toBe(`password "Auth" ${REDACTED}`);
  });

  it('drops needstr values, cr-response and signatures, and the management password line', () => {
    expect(redactOutgoing(encoded(command.needStr('pin', SENTINEL)), false)).not.toContain(
      SENTINEL,
    );
    expect(redactOutgoing(`cr-response ${SENTINEL}`, false)).toBe(`cr-response ${REDACTED}`);
    expect(redactOutgoing(SENTINEL, true)).toBe(REDACTED);
  });

  it('leaves ordinary commands as they are', () => {
    expect(redactOutgoing('state on all', false)).toBe('state on all');
    expect(redactOutgoing('username "Auth" alice', false)).toBe('username "Auth" alice');
  });

  it('drops auth tokens and client secrets that openvpn sends', () => {
    expect(redactIncoming(`>PASSWORD:Auth-Token:${SENTINEL}`)).toBe(
      `>PASSWORD:Auth-Token:${REDACTED}`,
    );
    expect(redactIncoming(`>CLIENT:ENV,password=${SENTINEL}`)).toBe(
      `>CLIENT:ENV,password=${REDACTED}`,
    );
    expect(redactIncoming('>STATE:1,CONNECTED,SUCCESS,,1.2.3.4,1194,,')).toBe(
      '>STATE:1,CONNECTED,SUCCESS,,1.2.3.4,1194,,',
    );
  });

  it('records both directions of a conversation with no secret in it', async () => {
    const peer = createFakeManagementPeer({
      password: SENTINEL,
      answers: { password: ['SUCCESS: password is correct'] },
      afterBanner: [`>PASSWORD:Auth-Token:${SENTINEL}`],
    });
    const lines: TranscriptLine[] = [];
    const socket = recordTranscript(
      peer.socket,
      (line) => lines.push(line),
      () => 42,
    );
    const done = lastValueFrom(socket.data$.pipe(toArray()));
    // As the session does: the password goes out once openvpn has asked for it.
    await new Promise((resolve) => setTimeout(resolve, 20));
    socket.write(`${SENTINEL}\n`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    socket.write(`${encoded(command.password('Auth', Secret.of(SENTINEL)))}\n`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    peer.hangUp();
    await done;
    const text = JSON.stringify(lines);
    expect(text).not.toContain(SENTINEL);
    expect(lines.map((l) => l.direction)).toContain('to-openvpn');
    expect(lines.map((l) => l.text)).toContain(`>PASSWORD:Auth-Token:${REDACTED}`);
    expect(lines.every((l) => l.at === 42)).toBe(true);
  });
});
