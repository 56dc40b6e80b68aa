import { STATE_FIELDS_MAX, STATE_FIELDS_MIN, isOpenVpnStateName } from '../parsers/state-line.js';
import { UINT32_MAX } from '../parsers/field-codecs.js';
import { digitsAt } from './digits.js';
import type { Notification } from './types.js';

const STATE_PREFIX = '>STATE:';
// Faster than startsWith in V8 (see fast-path.ts).
const STATE_START = /^>STATE:/;
const PORT_MIN = 1;
const PORT_MAX = 65_535;
const REJECT = -2;
const AUTH_TIMEOUT_PREFIX = 'timeout ';

// Field `index` of a line whose fields start at `start` and end at the commas `commas`: a blank
// or missing field is undefined, as the state line reader has it.
const fieldAt = (
  line: string,
  start: number,
  commas: readonly number[],
  index: number,
): string | undefined => {
  if (index > commas.length) return undefined;
  const from = index === 0 ? start : (commas[index - 1] ?? 0) + 1;
  const to = commas[index] ?? line.length;
  return to > from ? line.slice(from, to) : undefined;
};

// A port field: undefined when blank or missing, REJECT when it is not a port.
const portAt = (line: string, commas: readonly number[], index: number): number | undefined => {
  if (index > commas.length) return undefined;
  const from = (commas[index - 1] ?? 0) + 1;
  const to = commas[index] ?? line.length;
  if (to === from) return undefined;
  const port = digitsAt(line, from, to);
  return port >= PORT_MIN && port <= PORT_MAX ? port : REJECT;
};

// AUTH_PENDING's `timeout N`; anything unusual (REJECT) is left to the general parser.
const authTimeout = (description: string | undefined): number | undefined => {
  if (description === undefined || !description.startsWith(AUTH_TIMEOUT_PREFIX)) return undefined;
  const seconds = digitsAt(description, AUTH_TIMEOUT_PREFIX.length, description.length);
  return seconds >= 0 && seconds <= UINT32_MAX ? seconds : REJECT;
};

/**
 * `>STATE:` read from the comma offsets of the line, built as one literal with the keys in the
 * order the general parser gives them. Lines it does not accept go through the general parser
 * (`undefined`).
 */
export function parseHotStateLine(line: string): Notification | undefined {
  if (!STATE_START.test(line)) return undefined;
  const start = STATE_PREFIX.length;
  const commas: number[] = [];
  for (let at = line.indexOf(',', start); at !== -1; at = line.indexOf(',', at + 1)) {
    if (commas.length === STATE_FIELDS_MAX - 1) return undefined;
    commas.push(at);
  }
  if (commas.length < STATE_FIELDS_MIN - 1) return undefined;
  const time = digitsAt(line, start, commas[0] ?? 0);
  const name = fieldAt(line, start, commas, 1);
  const remotePort = portAt(line, commas, 5);
  const localPort = portAt(line, commas, 7);
  if (time < 0 || name === undefined || remotePort === REJECT || localPort === REJECT) {
    return undefined;
  }
  const description = fieldAt(line, start, commas, 2);
  const authTimeoutSeconds = name === 'AUTH_PENDING' ? authTimeout(description) : undefined;
  if (authTimeoutSeconds === REJECT) return undefined;
  const localIpv4 = fieldAt(line, start, commas, 3);
  const remoteAddress = fieldAt(line, start, commas, 4);
  const localAddress = fieldAt(line, start, commas, 6);
  const localIpv6 = fieldAt(line, start, commas, 8);
  return isOpenVpnStateName(name)
    ? {
        type: 'state',
        time,
        remotePort,
        localPort,
        authTimeoutSeconds,
        description,
        localIpv4,
        remoteAddress,
        localAddress,
        localIpv6,
        known: true,
        name,
      }
    : {
        type: 'state',
        time,
        remotePort,
        localPort,
        authTimeoutSeconds,
        description,
        localIpv4,
        remoteAddress,
        localAddress,
        localIpv6,
        known: false,
        name,
      };
}
