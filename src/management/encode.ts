import * as E from 'fp-ts/lib/Either.js';
import { isSecret, type Secret } from '../core/secret.js';
import type { Command } from './command.js';

/*
 * Limits of the openvpn 2.6.14 command reader and lexer, measured with the real binary
 * (test/fixtures/transcripts/lexer-limits.txt):
 * - bytes < 0x20 and 0x7F are dropped silently before lexing, so CR/TAB/NUL would change a value;
 * - one parameter holds at most 256 bytes after quotes and escapes are resolved; 257 is refused
 *   with an ERROR that echoes the parameter (a secret would leak into the reply);
 * - a line holds at most 1023 bytes before its LF; at 1024 the buffer is cleared and the tail runs
 *   as a new command;
 * - an empty or blank line gets no reply at all, which would put replies out of step.
 */

/** Longest parameter after unescaping, in UTF-8 bytes (openvpn 2.6.14). */
export const MAX_PARAMETER_BYTES = 256;
/** Longest command line before its LF, in UTF-8 bytes (openvpn 2.6.14). */
export const MAX_LINE_BYTES = 1023;

/** Where in a command a refused value sits. */
export type EncodePart = 'name' | 'head' | 'argument' | 'body';

/** Why a command was not encoded. Never carries the refused value itself. */
export type EncodeFailure =
  | {
      readonly reason: 'control-character' | 'invalid-unicode';
      readonly part: EncodePart;
      readonly index: number;
    }
  | {
      readonly reason: 'parameter-too-long';
      readonly part: 'argument';
      readonly index: number;
      readonly bytes: number;
      readonly limit: number;
    }
  | {
      /** A Secret over the parameter limit: 2.6 has no multi-line form to send it. */
      readonly reason: 'secret-too-long';
      readonly part: 'argument';
      readonly index: number;
      readonly bytes: number;
      readonly limit: number;
      readonly multilineSecretsSupported: false;
    }
  | {
      readonly reason: 'line-too-long';
      readonly part: 'head' | 'body';
      readonly index: number;
      readonly bytes: number;
      readonly limit: number;
    }
  | { readonly reason: 'invalid-name'; readonly part: 'name'; readonly index: 0 }
  | {
      /** A body line that is blank (no reply, out of step) or would end the body early. */
      readonly reason: 'blank-body-line' | 'body-terminator';
      readonly part: 'body';
      readonly index: number;
    }
  | {
      /** Rejected by the command constructor, e.g. a negative count. */
      readonly reason: 'invalid-argument';
      readonly part: 'argument';
      readonly index: number;
      readonly expected: string;
    };

// eslint-disable-next-line no-control-regex -- these are exactly the bytes openvpn drops
const CONTROL = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /\p{Cs}/u;
const COMMAND_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * True when the management interface of `managementVersion` has a form for secrets longer than
 * one parameter. No released version has one (openvpn 2.6 speaks version 5).
 */
export const supportsMultilineSecrets = (_managementVersion: number): boolean =>
  // TODO(long-secrets): when openvpn adds a multi-line password form, return true for its
  // management version and send long Secrets in that form instead of refusing them.
  false;

/** Wraps a parameter in double quotes, escaping `\` and `"` (spec: Command Parsing). */
export const quoteParameter = (value: string): string =>
  `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;

const checkText = (text: string, part: EncodePart, index: number): EncodeFailure | undefined => {
  if (CONTROL.test(text)) return { reason: 'control-character', part, index };
  if (LONE_SURROGATE.test(text)) return { reason: 'invalid-unicode', part, index };
  return undefined;
};

const checkArgument = (arg: string | Secret, index: number): EncodeFailure | undefined => {
  const value = isSecret(arg) ? arg.reveal() : arg;
  const textFailure = checkText(value, 'argument', index);
  if (textFailure !== undefined) return textFailure;
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes <= MAX_PARAMETER_BYTES) return undefined;
  return isSecret(arg)
    ? {
        reason: 'secret-too-long',
        part: 'argument',
        index,
        bytes,
        limit: MAX_PARAMETER_BYTES,
        multilineSecretsSupported: false,
      }
    : { reason: 'parameter-too-long', part: 'argument', index, bytes, limit: MAX_PARAMETER_BYTES };
};

const checkBodyLine = (line: string, index: number): EncodeFailure | undefined => {
  const textFailure = checkText(line, 'body', index);
  if (textFailure !== undefined) return textFailure;
  if (line.trim() === '') return { reason: 'blank-body-line', part: 'body', index };
  if (line.trim() === 'END') return { reason: 'body-terminator', part: 'body', index };
  const bytes = Buffer.byteLength(line, 'utf8');
  return bytes > MAX_LINE_BYTES
    ? { reason: 'line-too-long', part: 'body', index, bytes, limit: MAX_LINE_BYTES }
    : undefined;
};

/**
 * The exact text to write for `command`: the head line (name, then every argument quoted),
 * the body lines and `END` for multi-line commands, each ending in LF. Refuses, before anything
 * is written, every input that openvpn 2.6 would alter, cut or split into a second command.
 */
export const encodeCommand = <R>(command: Command<R>): E.Either<EncodeFailure, string> => {
  if (command.invalid !== undefined) return E.left(command.invalid);
  if (!COMMAND_NAME.test(command.name)) {
    return E.left({ reason: 'invalid-name', part: 'name', index: 0 });
  }
  const parts = [command.name];
  for (const [index, arg] of command.args.entries()) {
    const failure = checkArgument(arg, index);
    if (failure !== undefined) return E.left(failure);
    parts.push(quoteParameter(isSecret(arg) ? arg.reveal() : arg));
  }
  const head = parts.join(' ');
  const headBytes = Buffer.byteLength(head, 'utf8');
  if (headBytes > MAX_LINE_BYTES) {
    return E.left({
      reason: 'line-too-long',
      part: 'head',
      index: 0,
      bytes: headBytes,
      limit: MAX_LINE_BYTES,
    });
  }
  if (command.body === undefined) return E.right(`${head}\n`);
  for (const [index, line] of command.body.entries()) {
    const failure = checkBodyLine(line, index);
    if (failure !== undefined) return E.left(failure);
  }
  return E.right([head, ...command.body, 'END', ''].join('\n'));
};
