import {
  createNotificationAssembler,
  parseNotification,
  type Notification,
} from '../../src/management/notification.js';
import { hostileText } from './hostile-text.js';
import { showInput, type FuzzTarget } from './fuzz-target.js';
import type { Random } from './random.js';

/** Starts of real-time lines, so most inputs reach a real parser branch. */
const PREFIXES = [
  '>STATE:',
  '>LOG:',
  '>ECHO:',
  '>INFO:',
  '>INFOMSG:',
  '>HOLD:',
  '>FATAL:',
  '>BYTECOUNT:',
  '>BYTECOUNT_CLI:',
  '>PASSWORD:',
  '>PASSWORD:Need ',
  '>PASSWORD:Verification Failed: ',
  '>NEED-OK:',
  '>NEED-STR:',
  '>REMOTE:',
  '>PROXY:',
  '>PK_SIGN:',
  '>RSA_SIGN:',
  '>NEED-CERTIFICATE:',
  '>NOTIFY:',
  '>PKCS11ID-COUNT:',
  '>PKCS11ID-ENTRY:',
  '>CLIENT:CONNECT,',
  '>CLIENT:REAUTH,',
  '>CLIENT:ESTABLISHED,',
  '>CLIENT:DISCONNECT,',
  '>CLIENT:ADDRESS,',
  '>CLIENT:CR_RESPONSE,',
  '>CLIENT:ENV,',
  '>CLIENT:ENV,END',
  '>UPDOWN:UP',
  '>UPDOWN:ENV,',
  '>UPDOWN:ENV,END',
  '>',
  '',
] as const;

/** Field-like text: digits and commas, as the parsers split on them. */
const fields = (random: Random): string => {
  const count = random.int(0, 8);
  const parts: string[] = [];
  for (let i = 0; i < count; i += 1) {
    parts.push(random.chance(0.5) ? String(random.int(-5, 2 ** 33)) : hostileText(random, 12));
  }
  return parts.join(random.chance(0.8) ? ',' : ':');
};

const line = (random: Random, password: string): string => {
  const prefix = random.pick(PREFIXES);
  if (prefix === '>CLIENT:ENV,' && random.chance(0.1)) return `${prefix}password=${password}`;
  return prefix + (random.chance(0.7) ? fields(random) : hostileText(random, 80));
};

const envCount = (n: Notification): number =>
  n.type === 'client' || n.type === 'updown' ? Object.keys(n.env).length : 0;

/** The notification parser and the block assembler: any sequence of real-time-looking lines. */
export const notificationTarget: FuzzTarget = {
  name: 'notification parser + assembler',
  runOne: (random) => {
    // Distinctive, so finding it in output means the secret leaked.
    const password = `pw-${random.int(1e8, 2e9).toString(36)}-${random.int(1e8, 2e9)}`;
    const lines = Array.from({ length: random.int(1, 40) }, () => line(random, password));
    const maxBlockLines = random.int(1, 8);
    const maxBlockChars = random.int(8, 4096);
    const show = () => showInput({ lines, maxBlockLines, maxBlockChars });
    const assembler = createNotificationAssembler({ maxBlockLines, maxBlockChars });
    const out: Notification[] = [];
    for (const text of lines) {
      const single = parseNotification(text);
      if (typeof single.type !== 'string') return { property: 'parse gives a type', input: show() };
      const assembled = assembler.push(text);
      if (assembled !== undefined) out.push(assembled);
    }
    out.push(...assembler.flush());
    if (assembler.flush().length !== 0) {
      return { property: 'a second flush gives nothing', input: show() };
    }
    if (out.some((n) => envCount(n) > maxBlockLines)) {
      return { property: 'no block holds more ENV lines than the bound', input: show() };
    }
    if (out.some((n) => n.type === 'client' && 'password' in n.env)) {
      return { property: 'the CLIENT password stays out of env', input: show() };
    }
    if (JSON.stringify(out).includes(password)) {
      return { property: 'the CLIENT password never shows in output', input: show() };
    }
    return undefined;
  },
};
