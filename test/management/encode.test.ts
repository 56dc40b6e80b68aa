import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { Secret } from '../../src/core/secret.js';
import * as C from '../../src/management/command.js';
import {
  MAX_LINE_BYTES,
  MAX_PARAMETER_BYTES,
  encodeCommand,
  supportsMultilineSecrets,
} from '../../src/management/encode.js';
import { lexCommandLine } from './support/spec-lexer.js';

const encoded = (command: C.Command<unknown>): string => {
  const result = encodeCommand(command);
  if (E.isLeft(result)) throw new Error(`refused: ${result.left.reason}`);
  return result.right;
};

describe('encodeCommand', () => {
  it('quotes every argument and escapes backslash and double quote', () => {
    expect(encoded(C.password('Auth', Secret.of('p"w\\d')))).toBe('password "Auth" "p\\"w\\\\d"\n');
    expect(encoded(C.holdRelease())).toBe('hold "release"\n');
    expect(encoded(C.help())).toBe('help\n');
  });

  it('writes multi-line commands with their body and END', () => {
    expect(encoded(C.clientAuth(1, 2, ['push "route 10.0.0.0 255.0.0.0"', '']))).toBe(
      'client-auth "1" "2"\npush "route 10.0.0.0 255.0.0.0"\nEND\n',
    );
    expect(encoded(C.pkSig('A'.repeat(70)))).toBe(`pk-sig\n${'A'.repeat(64)}\nAAAAAA\nEND\n`);
  });

  it.each([
    ['CR', 'a\rb'],
    ['TAB', 'a\tb'],
    ['NUL', 'a\u0000b'],
    ['LF', 'a\nsignal SIGTERM'],
    ['DEL', 'a\u007fb'],
  ])('refuses %s in an argument, naming the index but not the value', (_name, value) => {
    const result = encodeCommand(C.password('Auth', Secret.of(value)));
    expect(result).toEqual(E.left({ reason: 'control-character', part: 'argument', index: 1 }));
    expect(JSON.stringify(result)).not.toContain(value);
  });

  it('refuses a parameter over 256 bytes after unescaping, counted in UTF-8', () => {
    expect(E.isRight(encodeCommand(C.needStr('name', '\\'.repeat(MAX_PARAMETER_BYTES))))).toBe(
      true,
    );
    expect(encodeCommand(C.needStr('name', '\u00e9'.repeat(129)))).toEqual(
      E.left({ reason: 'parameter-too-long', part: 'argument', index: 1, bytes: 258, limit: 256 }),
    );
  });

  it('refuses a long secret, saying that 2.6 has no multi-line form', () => {
    expect(supportsMultilineSecrets(5)).toBe(false);
    expect(encodeCommand(C.password('Auth', Secret.of('x'.repeat(300))))).toEqual(
      E.left({
        reason: 'secret-too-long',
        part: 'argument',
        index: 1,
        bytes: 300,
        limit: 256,
        multilineSecretsSupported: false,
      }),
    );
  });

  it('refuses a head line over 1023 bytes', () => {
    const result = encodeCommand(C.clientDeny(1, 2, 'r'.repeat(250), 'c'.repeat(250)));
    expect(E.isRight(result)).toBe(true);
    const long = {
      ...C.help(),
      args: ['a', 'b', 'c', 'd', 'e'].map((c) => c.repeat(250)),
    };
    expect(encodeCommand(long)).toEqual(
      E.left({
        reason: 'line-too-long',
        part: 'head',
        index: 0,
        bytes: 4 + 5 * (1 + 252),
        limit: MAX_LINE_BYTES,
      }),
    );
  });

  it('refuses body lines that are blank, END, too long or hold control characters', () => {
    const withBody = (body: string[]) => ({ ...C.certificate('x'), body });
    expect(encodeCommand(withBody(['ok', ' ']))).toEqual(
      E.left({ reason: 'blank-body-line', part: 'body', index: 1 }),
    );
    expect(encodeCommand(withBody(['END']))).toEqual(
      E.left({ reason: 'body-terminator', part: 'body', index: 0 }),
    );
    expect(encodeCommand(withBody(['a\tb']))).toEqual(
      E.left({ reason: 'control-character', part: 'body', index: 0 }),
    );
    expect(encodeCommand(withBody(['x'.repeat(1024)]))).toMatchObject(
      E.left({ reason: 'line-too-long', part: 'body' }),
    );
  });

  it('refuses invalid numbers given to a constructor', () => {
    expect(encodeCommand(C.bytecount(-1))).toEqual(
      E.left({
        reason: 'invalid-argument',
        part: 'argument',
        index: 0,
        expected: 'a non-negative integer',
      }),
    );
    expect(encodeCommand(C.clientKill(Number.NaN))).toMatchObject(
      E.left({ reason: 'invalid-argument' }),
    );
  });

  it('refuses lone surrogates, which UTF-8 cannot carry', () => {
    expect(encodeCommand(C.needStr('n', 'a\ud800'))).toEqual(
      E.left({ reason: 'invalid-unicode', part: 'argument', index: 1 }),
    );
  });

  it('round-trips any arguments through the spec lexer as exactly one line, or refuses', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 300 }), { maxLength: 6 }),
        (args) => {
          const command = { ...C.help(), name: 'needstr', args };
          const result = encodeCommand(command);
          if (E.isLeft(result)) {
            expect(result.left.reason).toMatch(
              /^(control-character|invalid-unicode|parameter-too-long|line-too-long)$/,
            );
            return;
          }
          const text = result.right;
          expect(text.endsWith('\n')).toBe(true);
          expect(text.indexOf('\n')).toBe(text.length - 1);
          expect(Buffer.byteLength(text) - 1).toBeLessThanOrEqual(MAX_LINE_BYTES);
          expect(lexCommandLine(text.slice(0, -1))).toEqual(['needstr', ...args]);
        },
      ),
    );
  });
});
