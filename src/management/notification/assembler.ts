import { Secret } from '../../core/secret.js';
import { parseHotEnvLine, parseHotLine, type EnvLine } from './fast-path.js';
import { commonLogFlags, parseLine, type BlockHeader, type BlockPrefix } from './parse-line.js';
import type { Notification } from './types.js';

/** Bounds of {@link createNotificationAssembler}. */
export interface NotificationAssemblerOptions {
  /** ENV lines collected before a block is emitted early and continued. */
  readonly maxBlockLines?: number;
  /** UTF-16 code units of ENV lines collected before the same. */
  readonly maxBlockChars?: number;
}

/** Turns real-time lines into notifications, joining CLIENT and UPDOWN blocks. */
export interface NotificationAssembler {
  /** One `>` line in; a notification out, or undefined while a block is still open. */
  push(line: string): Notification | undefined;
  /** Emits the open blocks as incomplete, for end of stream. */
  flush(): Notification[];
}

/** Far above the ~40 ENV lines openvpn 2.6 sends per block, low enough to bound memory. */
export const DEFAULT_MAX_BLOCK_LINES = 1024;
export const DEFAULT_MAX_BLOCK_CHARS = 1024 * 1024;

interface OpenBlock {
  readonly header: BlockHeader;
  readonly continued: boolean;
  env: Record<string, string>;
  password: Secret | undefined;
  lines: number;
  chars: number;
}

const open = (header: BlockHeader, continued: boolean): OpenBlock => ({
  header,
  continued,
  env: Object.create(null) as Record<string, string>,
  password: undefined,
  lines: 0,
  chars: 0,
});

const toNotification = (block: OpenBlock, complete: boolean): Notification => {
  const env = Object.freeze(block.env);
  const { header, continued } = block;
  if (header.prefix === 'UPDOWN') {
    return { type: 'updown', event: header.event, env, complete, continued };
  }
  return {
    type: 'client',
    event: header.event,
    clientId: header.clientId,
    keyId: header.keyId,
    response: header.response,
    password: block.password,
    env,
    complete,
    continued,
  };
};

/**
 * Creates an assembler. Single-line notifications pass straight through, also while a block is
 * open (openvpn promises CLIENT blocks are atomic, but nothing is lost if one is not). A new
 * header of the same source closes the open block as incomplete; a block over the bounds is
 * emitted incomplete and continues as a `continued` block, so memory stays bounded and no ENV
 * line is lost.
 */
export const createNotificationAssembler = (
  options: NotificationAssemblerOptions = {},
): NotificationAssembler => {
  const maxLines = options.maxBlockLines ?? DEFAULT_MAX_BLOCK_LINES;
  const maxChars = options.maxBlockChars ?? DEFAULT_MAX_BLOCK_CHARS;
  const blocks = new Map<BlockPrefix, OpenBlock>();

  const addEnv = (line: string, parsed: EnvLine): Notification | undefined => {
    const block = blocks.get(parsed.prefix);
    const isPassword = parsed.prefix === 'CLIENT' && parsed.name === 'password';
    if (block === undefined) {
      // A stray password line must not leak through `raw`: keep only its name.
      const raw = isPassword ? '>CLIENT:ENV,password=[redacted]' : line;
      return { type: 'unknown', raw, reason: 'ENV outside a block' };
    }
    if (isPassword) {
      block.password = Secret.of(parsed.value);
    } else {
      block.env[parsed.name] = parsed.value;
    }
    block.lines += 1;
    block.chars += line.length;
    if (block.lines < maxLines && block.chars < maxChars) return undefined;
    blocks.set(parsed.prefix, open(block.header, true));
    return toNotification(block, false);
  };

  return {
    push(line) {
      const hot = parseHotLine(line, commonLogFlags);
      if (hot !== undefined) return hot;
      const env = parseHotEnvLine(line);
      if (env !== undefined) return addEnv(line, env);
      const parsed = parseLine(line);
      switch (parsed.part) {
        case 'single':
          return parsed.notification;
        case 'block-start': {
          const previous = blocks.get(parsed.header.prefix);
          blocks.set(parsed.header.prefix, open(parsed.header, false));
          return previous === undefined ? undefined : toNotification(previous, false);
        }
        case 'env':
          return addEnv(line, parsed);
        case 'env-end': {
          const block = blocks.get(parsed.prefix);
          if (block === undefined) {
            return { type: 'unknown', raw: line, reason: 'ENV,END outside a block' };
          }
          blocks.delete(parsed.prefix);
          return toNotification(block, true);
        }
      }
    },
    flush() {
      const pending = [...blocks.values()].map((block) => toNotification(block, false));
      blocks.clear();
      return pending;
    },
  };
};
