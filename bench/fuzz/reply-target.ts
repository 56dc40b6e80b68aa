import { isDeepStrictEqual } from 'node:util';
import {
  MAX_REPLY_NOTES,
  createReplyCollector,
  type Reply,
  type ReplyShape,
} from '../../src/management/reply.js';
import { hostileText } from './hostile-text.js';
import { showInput, type FuzzTarget } from './fuzz-target.js';
import type { Random } from './random.js';

const SHAPES = ['success', 'lines', 'success-lines', 'none', 'body', 'pkcs11'] as const;

/** The reply kinds each shape may end in. */
const ALLOWED: Readonly<Record<ReplyShape, readonly Reply['kind'][]>> = {
  success: ['success', 'error'],
  lines: ['lines', 'error'],
  'success-lines': ['success-lines', 'error'],
  none: ['none'],
  body: ['success', 'error'],
  pkcs11: ['lines', 'success', 'error'],
};

const LINES = [
  'SUCCESS: pid=1',
  'SUCCESS:',
  'ERROR: unknown command',
  'ERROR: The certificate command is not currently available',
  'END',
  ' END',
  'END ',
  '>PKCS11ID-COUNT:1',
  'PKCS11ID-ENTRY:0,x',
  '',
] as const;

const line = (random: Random): string =>
  random.chance(0.35) ? random.pick(LINES) : hostileText(random, 60);

/** The reply collector of every shape: any reply lines, in any number. */
export const replyTarget: FuzzTarget = {
  name: 'reply collector',
  runOne: (random) => {
    const shape = random.pick(SHAPES);
    const bodyLines = random.int(0, 6);
    const lines = Array.from({ length: random.int(0, 120) }, () => line(random));
    const show = () => showInput({ shape, bodyLines, lines });
    const collector = createReplyCollector(shape, { bodyLines });
    for (const [index, text] of lines.entries()) {
      const step = collector.push(text);
      if (!step.done) continue;
      const { reply } = step;
      if (!ALLOWED[shape].includes(reply.kind)) {
        return { property: `a ${shape} reply is ${reply.kind}`, input: show() };
      }
      if ('notes' in reply && reply.notes.length > MAX_REPLY_NOTES) {
        return { property: 'notes stay within MAX_REPLY_NOTES', input: show() };
      }
      // A listing keeps every line before END, in order, unless an ERROR ended it at once.
      if (shape === 'lines' && reply.kind === 'lines') {
        if (!isDeepStrictEqual(reply.lines, lines.slice(0, index))) {
          return { property: 'a listing keeps its lines', input: show() };
        }
      }
      return undefined;
    }
    if (shape === 'none' && lines.length > 0) {
      return { property: 'a none collector is done at the first line', input: show() };
    }
    return undefined;
  },
};
