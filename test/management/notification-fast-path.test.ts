import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseHotEnvLine, parseHotLine } from '../../src/management/notification/fast-path.js';
import { commonLogFlags, parseLine } from '../../src/management/notification/parse-line.js';
import { parseStateFieldsChecked } from '../../src/management/parsers/state-line.js';

// What the general parser makes of a line that is one whole notification.
const general = (line: string): unknown => {
  const parsed = parseLine(line);
  return parsed.part === 'single' ? parsed.notification : parsed;
};

// The same values, and the keys in the same order (a literal is not a spread).
const expectSame = (fast: object, slow: unknown): void => {
  expect(fast).toStrictEqual(slow);
  expect(Object.keys(fast)).toStrictEqual(Object.keys(slow as object));
};

const digits = fc.stringMatching(/^\d{0,17}$/);
const flags = fc.constantFrom('', 'I', 'F', 'N', 'W', 'D', 'X', 'i', 'IW', ',');
const text = fc.string({ maxLength: 40 });
// State fields that look like what openvpn prints, plus near misses.
const stateField = fc.oneof(
  fc.constantFrom('', '0', '1', '1194', '65535', '65536', '4294967295', '4294967296', '01', '-1'),
  fc.constantFrom('CONNECTED', 'AUTH_PENDING', 'INITIAL', 'SUCCESS', '10.8.0.2', 'fd00::2'),
  fc.constantFrom('timeout 60', 'timeout ', 'timeout x', 'timeout 4294967296', 'timeout 1,2'),
  fc.constantFrom('timeout 0123456789012345', ' 1', '1e3', '\u0661'),
  digits,
  fc.string({ maxLength: 6 }),
);
const stateLine = fc.oneof(
  fc
    .array(stateField, { minLength: 1, maxLength: 11 })
    .map((fields) => `>STATE:${fields.join(',')}`),
  // Mostly well-formed: a time, a name, then any fields.
  fc
    .tuple(
      fc.oneof(fc.nat().map(String), stateField),
      fc.oneof(fc.constantFrom('CONNECTED', 'AUTH_PENDING', 'WAIT', 'INITIAL'), stateField),
      fc.array(stateField, { minLength: 2, maxLength: 8 }),
    )
    .map(([time, name, rest]) => `>STATE:${[time, name, ...rest].join(',')}`),
  fc
    .tuple(fc.nat(), stateField, fc.array(stateField, { minLength: 2, maxLength: 6 }))
    .map(([time, timeout, rest]) => `>STATE:${[time, 'AUTH_PENDING', timeout, ...rest].join(',')}`),
);
const hotLine = fc.oneof(
  fc.tuple(digits, flags, text).map(([t, f, m]) => `>LOG:${t},${f},${m}`),
  fc.tuple(digits, digits).map(([a, b]) => `>BYTECOUNT:${a},${b}`),
  fc.tuple(digits, digits, digits).map(([a, b, c]) => `>BYTECOUNT:${a},${b},${c}`),
  fc.tuple(digits, digits, digits).map(([a, b, c]) => `>BYTECOUNT_CLI:${a},${b},${c}`),
  fc.array(digits, { maxLength: 5 }).map((counts) => `>BYTECOUNT_CLI:${counts.join(',')}`),
  stateLine,
  fc
    .tuple(
      fc.constantFrom('>LOG:', '>BYTECOUNT:', '>BYTECOUNT_CLI:', '>STATE:', '>L', '>B', '>S'),
      fc.string({ maxLength: 30 }),
    )
    .map(([prefix, rest]) => `${prefix}${rest}`),
);
const envLine = fc
  .tuple(
    fc.constantFrom('>CLIENT:ENV', '>UPDOWN:ENV', '>CLIENT:', '>UPDOWN:', '>C', '>U'),
    fc.constantFrom(',', ',END', ',password=', ',common_name=', ',=', ',END=x', ''),
    fc.string({ maxLength: 20 }),
  )
  .map((parts) => parts.join(''));

describe('the fast path for LOG, BYTECOUNT, BYTECOUNT_CLI and STATE lines', () => {
  it('gives what the general parser gives for every line it accepts', () => {
    fc.assert(
      fc.property(hotLine, (line) => {
        const fast = parseHotLine(line, commonLogFlags);
        if (fast !== undefined) expectSame(fast, general(line));
      }),
      { numRuns: 30_000 },
    );
  });

  it('gives for STATE what the io-ts reader gives, for every line it accepts', () => {
    fc.assert(
      fc.property(stateLine, (line) => {
        const fast = parseHotLine(line, commonLogFlags);
        if (fast === undefined) return;
        const checked = parseStateFieldsChecked(line.slice('>STATE:'.length).split(','));
        expect(checked._tag).toBe('Right');
        if (checked._tag === 'Right') expectSame(fast, { type: 'state', ...checked.right });
      }),
      { numRuns: 20_000 },
    );
  });

  it('accepts the lines openvpn 2.6 sends', () => {
    for (const line of [
      '>LOG:1796314444,I,TCP/UDP: Preserving recently used remote address: [AF_INET]127.0.0.1:21194',
      '>LOG:1796314444,,a line, with commas',
      '>BYTECOUNT:4491,4292',
      '>BYTECOUNT_CLI:0,4491,4292',
      '>STATE:1796314445,CONNECTED,SUCCESS,10.8.0.6,127.0.0.1,1194,127.0.0.1,41950,',
      '>STATE:1796314445,AUTH_PENDING,timeout 60,,127.0.0.1,1194,,',
      '>STATE:1796314445,RECONNECTING,SIGUSR1,,,,,',
      '>STATE:1796314445,INITIAL,,,,',
    ]) {
      const fast = parseHotLine(line, commonLogFlags);
      expect(fast).toBeDefined();
      if (fast !== undefined) expectSame(fast, general(line));
    }
  });
});

describe('the fast path for ENV lines', () => {
  it('gives what the general parser gives for every line it accepts', () => {
    fc.assert(
      fc.property(envLine, (line) => {
        const fast = parseHotEnvLine(line);
        if (fast !== undefined) expectSame(fast, parseLine(line));
      }),
      { numRuns: 20_000 },
    );
  });

  it('accepts the ENV lines openvpn 2.6 sends and leaves ENV,END to the general parser', () => {
    for (const line of [
      '>CLIENT:ENV,common_name=zoë.müller',
      '>CLIENT:ENV,password=a=b',
      '>CLIENT:ENV,IV_GUI_VER=OpenVPN_GUI_11',
      '>UPDOWN:ENV,dev=tun0',
    ]) {
      const fast = parseHotEnvLine(line);
      expect(fast).toBeDefined();
      if (fast !== undefined) expectSame(fast, parseLine(line));
    }
    expect(parseHotEnvLine('>CLIENT:ENV,END')).toBeUndefined();
    expect(parseHotEnvLine('>UPDOWN:ENV,END')).toBeUndefined();
  });
});
