import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  parseStateFieldsChecked,
  parseStateFieldsFast,
} from '../../../src/management/parsers/state-line.js';

// Fields that look like what openvpn prints, plus near misses.
const field = fc.oneof(
  fc.constantFrom('', '0', '1', '1194', '65535', '65536', '4294967296', '01', '-1', '1e3', ' 1'),
  fc.constantFrom('CONNECTED', 'AUTH_PENDING', 'timeout 60', 'timeout x', 'SUCCESS', '10.8.0.2'),
  fc.string({ maxLength: 6 }),
  fc.nat().map(String),
);

describe('the fast state line reader', () => {
  it('agrees with the checked reader on every line it accepts', () => {
    fc.assert(
      fc.property(fc.array(field, { minLength: 4, maxLength: 10 }), (fields) => {
        const fast = parseStateFieldsFast(fields);
        if (fast !== undefined) expect(fast).toEqual(parseStateFieldsChecked(fields));
      }),
      { numRuns: 5_000 },
    );
  });

  it('accepts every well-formed line the checked reader accepts', () => {
    const line = ['1796314445', 'AUTH_PENDING', 'timeout 60', '', '127.0.0.1', '1194', '', ''];
    expect(parseStateFieldsFast(line)).toEqual(parseStateFieldsChecked(line));
    expect(parseStateFieldsFast(line)?._tag).toBe('Right');
  });
});
