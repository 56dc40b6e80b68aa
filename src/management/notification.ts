/**
 * Real-time management messages (`>SOURCE:...`): the typed union, the single-line parser and the
 * assembler that joins the multi-line CLIENT and UPDOWN blocks. Verified against openvpn 2.6.14
 * transcripts in test/fixtures/transcripts.
 */
import { parseLine } from './notification/parse-line.js';
import type { Notification } from './notification/types.js';

export type {
  BlockFields,
  ClientEvent,
  ClientNotification,
  EchoEntry,
  EnvRecord,
  LogEntry,
  LogFlags,
  Notification,
  NotificationType,
  UpDownNotification,
} from './notification/types.js';
export type {
  AuthType,
  DynamicChallenge,
  PasswordNotification,
  StaticChallenge,
} from './notification/password.js';
export type { InfoMessage } from './notification/info-message.js';
export type { StateEntry } from './parsers/state-line.js';
export { parseEchoFields, parseLogFields } from './notification/parse-line.js';
export {
  DEFAULT_MAX_BLOCK_CHARS,
  DEFAULT_MAX_BLOCK_LINES,
  createNotificationAssembler,
} from './notification/assembler.js';
export type {
  NotificationAssembler,
  NotificationAssemblerOptions,
} from './notification/assembler.js';

/**
 * Parses one real-time line on its own. A CLIENT/UPDOWN header comes back as an incomplete block
 * with an empty env, an ENV line as `unknown`: use {@link createNotificationAssembler} for streams.
 * Never throws; anything unrecognised is `{ type: 'unknown', raw, reason }`.
 */
export const parseNotification = (line: string): Notification => {
  const parsed = parseLine(line);
  switch (parsed.part) {
    case 'single':
      return parsed.notification;
    case 'block-start': {
      const { header } = parsed;
      const block = { env: {}, complete: false, continued: false };
      return header.prefix === 'UPDOWN'
        ? { type: 'updown', event: header.event, ...block }
        : { type: 'client', ...header, password: undefined, ...block };
    }
    case 'env':
      // A password line must not leak through `raw`: keep only its name.
      return {
        type: 'unknown',
        raw:
          parsed.prefix === 'CLIENT' && parsed.name === 'password'
            ? '>CLIENT:ENV,password=[redacted]'
            : line,
        reason: 'ENV line outside a block',
      };
    case 'env-end':
      return { type: 'unknown', raw: line, reason: 'ENV line outside a block' };
  }
};
