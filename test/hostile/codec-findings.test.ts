import { describe, expect, it } from '@jest/globals';
import { createLineDecoder, type Frame } from '../../src/management/framing.js';
import {
  createNotificationAssembler,
  parseNotification,
} from '../../src/management/notification.js';

const decode = (chunks: readonly string[], maxLineBytes: number): Frame[] => {
  const decoder = createLineDecoder({ maxLineBytes });
  return [
    ...chunks.flatMap((chunk) => decoder.push(Buffer.from(chunk, 'latin1'))),
    ...decoder.end(),
  ];
};

// Cases the fuzzer (bench/fuzz) found; each failed before its fix.
describe('codec findings of the fuzzer', () => {
  it('counts an over-long line the same when its CR and LF arrive in separate chunks', () => {
    const whole = decode(['0123456789\r\nok\n'], 4);
    expect(whole).toEqual([
      { kind: 'line-too-long', bytes: 10 },
      { kind: 'line', text: 'ok' },
    ]);
    expect(decode(['0123456789\r', '\nok\n'], 4)).toEqual(whole);
    expect(decode(['01234', '56789\r', '\n', 'ok\n'], 4)).toEqual(whole);
  });

  it('recognises the prompt split over chunks even when the line bound is shorter than it', () => {
    expect(decode(['ENTER PASSWORD:'], 8)).toEqual([{ kind: 'password-prompt' }]);
    expect(decode(['ENTER PASS', 'WORD:'], 8)).toEqual([{ kind: 'password-prompt' }]);
  });

  it('keeps a CLIENT password out of the unknown notification of a stray ENV line', () => {
    const assembler = createNotificationAssembler();
    const stray = assembler.push('>CLIENT:ENV,password=hunter2-secret');
    expect(stray).toEqual(expect.objectContaining({ type: 'unknown' }));
    expect(JSON.stringify(stray)).not.toContain('hunter2-secret');
  });
});

describe('a stray client password line parsed on its own', () => {
  it('does not carry the password in raw', () => {
    const parsed = parseNotification('>CLIENT:ENV,password=SENTINEL-c0ffee');
    expect(JSON.stringify(parsed)).not.toContain('SENTINEL-c0ffee');
  });
});

describe('the password prompt followed by its own line end', () => {
  it('gives the same frames whether or not the line end comes in a later chunk', () => {
    const whole = decode(['ENTER PASSWORD:\r\nSUCCESS: password is correct\r\n'], 1024);
    const split = decode(['ENTER PASSWORD:', '\r\nSUCCESS: password is correct\r\n'], 1024);
    expect(split).toEqual(whole);
    expect(whole).toEqual([
      { kind: 'password-prompt' },
      { kind: 'line', text: 'SUCCESS: password is correct' },
    ]);
  });
});
