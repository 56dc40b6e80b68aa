import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseHotLine } from '../../src/management/notification/fast-path.js';
import { commonLogFlags, parseLine } from '../../src/management/notification/parse-line.js';

// What the general parser makes of a line that is one whole notification.
const general = (line: string): unknown => {
  const parsed = parseLine(line);
  return parsed.part === 'single' ? parsed.notification : parsed;
};

const digits = fc.stringMatching(/^\d{0,17}$/);
const flags = fc.constantFrom('', 'I', 'F', 'N', 'W', 'D', 'X', 'i', 'IW', ',');
const text = fc.string({ maxLength: 40 });
const hotLine = fc.oneof(
  fc.tuple(digits, flags, text).map(([t, f, m]) => `>LOG:${t},${f},${m}`),
  fc.tuple(digits, digits).map(([a, b]) => `>BYTECOUNT:${a},${b}`),
  fc.tuple(digits, digits, digits).map(([a, b, c]) => `>BYTECOUNT:${a},${b},${c}`),
  fc
    .tuple(fc.constantFrom('>LOG:', '>BYTECOUNT:'), fc.string({ maxLength: 30 }))
    .map(([prefix, rest]) => `${prefix}${rest}`),
);

describe('the fast path for LOG and BYTECOUNT lines', () => {
  it('gives what the general parser gives for every line it accepts', () => {
    fc.assert(
      fc.property(hotLine, (line) => {
        const fast = parseHotLine(line, commonLogFlags);
        if (fast !== undefined) expect(fast).toEqual(general(line));
      }),
      { numRuns: 20_000 },
    );
  });

  it('accepts the lines openvpn 2.6 sends', () => {
    for (const line of [
      '>LOG:1796314444,I,TCP/UDP: Preserving recently used remote address: [AF_INET]127.0.0.1:21194',
      '>LOG:1796314444,,a line, with commas',
      '>BYTECOUNT:4491,4292',
    ]) {
      expect(parseHotLine(line, commonLogFlags)).toEqual(general(line));
      expect(parseHotLine(line, commonLogFlags)).toBeDefined();
    }
  });
});
