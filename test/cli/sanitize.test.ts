import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { sanitizeForTerminal } from '../../src/cli/sanitize.js';
import { controlCodesIn } from './control-codes.js';

const ESC = '\u001b';

// Pieces a hostile peer would splice into a line: escape openers, terminators, bidi controls.
const hostileFragment = fc.constantFrom(
  ESC,
  `${ESC}[`,
  `${ESC}]`,
  `${ESC}P`,
  `${ESC}\\`,
  '\u009b',
  '\u009d',
  '\u009c',
  '\u0007',
  '\u007f',
  '\r',
  '\n',
  '\t',
  '\u202e',
  '\u2066',
  '\ud800',
  '31m',
  '0;title',
  ';',
  'é',
  '😀',
);

const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

const hostileText = fc
  .array(fc.oneof(hostileFragment, fc.string({ unit: anyUnit, maxLength: 4 })), {
    maxLength: 40,
  })
  .map((parts) => parts.join(''));

describe('sanitizeForTerminal', () => {
  it('never lets a C0 or C1 control, DEL, ESC, a line separator or a bidi control through', () => {
    fc.assert(
      fc.property(fc.oneof(hostileText, fc.string({ unit: 'binary' })), (text) => {
        expect(controlCodesIn(sanitizeForTerminal(text))).toEqual([]);
      }),
    );
  });

  it('never lets a bidi formatting character or a lone surrogate through', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        expect(sanitizeForTerminal(text)).not.toMatch(
          /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/,
        );
        expect(sanitizeForTerminal(text)).not.toMatch(/[\ud800-\udfff]/u);
      }),
    );
  });

  it('leaves clean text unchanged, so sanitising twice changes nothing', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const once = sanitizeForTerminal(text);
        expect(sanitizeForTerminal(once)).toBe(once);
      }),
    );
  });

  it('keeps printable Unicode as it is', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const printable = text.replace(
          /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/gu,
          '',
        );
        expect(sanitizeForTerminal(printable)).toBe(printable);
      }),
    );
  });

  it('removes colour and cursor sequences but keeps the words around them', () => {
    expect(sanitizeForTerminal(`${ESC}[1;31mAUTH_FAILED${ESC}[0m done${ESC}[2K${ESC}[A`)).toBe(
      'AUTH_FAILED done',
    );
  });

  it('removes 8-bit CSI sequences', () => {
    expect(sanitizeForTerminal('a\u009b2Jb')).toBe('ab');
  });

  it('removes a title-setting OSC ended by BEL, by ESC \\ or by 8-bit ST', () => {
    expect(sanitizeForTerminal(`x${ESC}]0;pwned\u0007y`)).toBe('xy');
    expect(sanitizeForTerminal(`x${ESC}]8;;http://evil${ESC}\\link${ESC}]8;;${ESC}\\y`)).toBe(
      'xlinky',
    );
    expect(sanitizeForTerminal('x\u009d0;pwned\u009cy')).toBe('xy');
  });

  it('drops an unterminated control string to the end of the text', () => {
    expect(sanitizeForTerminal(`ok ${ESC}Pdevice control`)).toBe('ok ');
  });

  it('removes two-byte escapes such as a terminal reset and a charset switch', () => {
    expect(sanitizeForTerminal(`a${ESC}cb${ESC}(0c${ESC}`)).toBe('abc');
  });

  it('turns line breaks and tabs into spaces so the text stays on one line', () => {
    expect(sanitizeForTerminal('one\r\ntwo\tthree\u2028four')).toBe('one  two three four');
  });

  it('shows other control characters and DEL as U+FFFD', () => {
    expect(sanitizeForTerminal('bell\u0007 nul\u0000 del\u007f c1\u0085')).toBe(
      'bell\ufffd nul\ufffd del\ufffd c1\ufffd',
    );
  });

  it('removes bidi overrides that would reorder what the reader sees', () => {
    expect(sanitizeForTerminal('vpn\u202eexe.txt\u202c')).toBe('vpnexe.txt');
  });

  it('keeps non-Latin letters and emoji', () => {
    expect(sanitizeForTerminal('Zürich – 東京 😀 مرحبا')).toBe('Zürich – 東京 😀 مرحبا');
  });
});
