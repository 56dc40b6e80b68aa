import { isDeepStrictEqual } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import { MAX_LINE_BYTES, MAX_PARAMETER_BYTES, encodeCommand } from '../../src/management/encode.js';
import { lexCommandLine } from '../../test/management/support/spec-lexer.js';
import { ENCODER_CASES, type EncoderCase } from './encoder-cases.js';
import { showInput, type FuzzTarget } from './fuzz-target.js';

// eslint-disable-next-line no-control-regex -- the bytes openvpn 2.6 drops before lexing
const DROPPED_BY_OPENVPN = /[\u0000-\u001f\u007f]/;
/** Secrets shorter than this could match field names of a refusal by chance. */
const MIN_TELLTALE_SECRET_UNITS = 24;

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Checks an accepted encoding; returns the property it breaks. */
const brokenEncoding = (encoded: string, testCase: EncoderCase): string | undefined => {
  if (!encoded.endsWith('\n')) return 'an encoding ends in LF';
  const lines = encoded.slice(0, -1).split('\n');
  const [head, ...rest] = lines;
  if (head === undefined) return 'an encoding has a head line';
  if (testCase.body === undefined && rest.length > 0) return 'a one-line command is one line';
  if (lines.some((line) => DROPPED_BY_OPENVPN.test(line))) return 'no byte that openvpn drops';
  if (lines.some((line) => utf8Bytes(line) > MAX_LINE_BYTES)) return 'every line fits openvpn';
  const params = lexCommandLine(head);
  if (typeof params === 'string') return `the head lexes (${params})`;
  if (params.some((p) => utf8Bytes(p) > MAX_PARAMETER_BYTES)) return 'every parameter fits';
  if (!isDeepStrictEqual(params, testCase.head)) return 'the head lexes to exactly the arguments';
  if (testCase.body === undefined) return undefined;
  if (rest.at(-1) !== 'END') return 'a body ends in END';
  const body = rest.slice(0, -1);
  if (body.some((line) => line.trim() === '' || line.trim() === 'END')) {
    return 'no body line is blank or END before the end';
  }
  const isSignature = testCase.command.name === 'pk-sig' || testCase.command.name === 'rsa-sig';
  const carried = isSignature ? [body.join('')] : body;
  // An empty signature has no body lines at all.
  const expected = isSignature && testCase.body[0] === '' ? [''] : testCase.body;
  return isDeepStrictEqual(carried, expected) ? undefined : 'the body is carried exactly';
};

/** The command encoder: every constructor, hostile text in every argument. */
export const encoderTarget: FuzzTarget = {
  name: 'command encoder',
  runOne: (random) => {
    const testCase = random.pick(ENCODER_CASES)(random);
    const encoded = encodeCommand(testCase.command);
    const show = () =>
      showInput({ name: testCase.command.name, head: testCase.head, body: testCase.body });
    if (E.isRight(encoded)) {
      const broken = brokenEncoding(encoded.right, testCase);
      return broken === undefined ? undefined : { property: broken, input: show() };
    }
    if (testCase.plain && testCase.body === undefined) {
      return { property: 'short printable arguments are accepted', input: show() };
    }
    const failure = JSON.stringify(encoded.left);
    const leaked = testCase.secrets.some(
      (secret) => secret.length >= MIN_TELLTALE_SECRET_UNITS && failure.includes(secret),
    );
    return leaked ? { property: 'a refusal never carries a secret', input: show() } : undefined;
  },
};
