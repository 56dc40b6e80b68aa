/**
 * What every management command is made of: the `Command` value the session sends, the
 * decoders from a reply to a result, and the builders the catalogue in command.ts uses.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { isSecret, type Secret } from '../core/secret.js';
import type { EncodeFailure } from './encode.js';
import type { ParseFailure } from './parsers/index.js';
import { createReplyCollector, type Reply, type ReplyCollector, type ReplyShape } from './reply.js';

/** Why a reply did not give the command's result. */
export type ReplyFailure =
  | { readonly kind: 'command-failed'; readonly text: string }
  | {
      readonly kind: 'unexpected-reply';
      readonly expected: Reply['kind'];
      readonly got: Reply['kind'];
    }
  | { readonly kind: 'malformed'; readonly reason: string; readonly line: string | undefined }
  | { readonly kind: 'parse-failed'; readonly failure: ParseFailure };

/** A command ready to encode, with the reply shape it waits for and the decoder of its result. */
export interface Command<R> {
  readonly name: string;
  readonly args: readonly (string | Secret)[];
  /** Lines after the head line of a multi-line command; the encoder adds `END`. */
  readonly body?: readonly string[];
  readonly shape: ReplyShape;
  readonly decode: (reply: Reply) => E.Either<ReplyFailure, R>;
  /** True when an argument is a Secret: log the name only. */
  readonly sensitive: boolean;
  /** Set by a constructor given an invalid value; the encoder refuses with it. */
  readonly invalid?: EncodeFailure;
}

/** A parser of command output lines, as written in ./parsers. */
export type OutputParser<T> = (lines: readonly string[]) => E.Either<ParseFailure, T>;

/** A parser of a one-line SUCCESS text, as written in ./parsers. */
export type TextParser<T> = (text: string) => E.Either<ParseFailure, T>;

// ---------------------------------------------------------------------------------- decoders

const unexpected = (expected: Reply['kind'], reply: Reply): ReplyFailure =>
  reply.kind === 'error'
    ? { kind: 'command-failed', text: reply.text }
    : { kind: 'unexpected-reply', expected, got: reply.kind };

/** The text of a `SUCCESS:` reply. */
export const successText = (reply: Reply): E.Either<ReplyFailure, string> =>
  reply.kind === 'success' ? E.right(reply.text) : E.left(unexpected('success', reply));

/** The lines of a reply that ends in `END` without a SUCCESS line. */
export const linesOf = (reply: Reply): E.Either<ReplyFailure, readonly string[]> =>
  reply.kind === 'lines' ? E.right(reply.lines) : E.left(unexpected('lines', reply));

/** The lines of a reply that starts with SUCCESS and ends in `END`. */
export const successLinesOf = (reply: Reply): E.Either<ReplyFailure, readonly string[]> =>
  reply.kind === 'success-lines'
    ? E.right(reply.lines)
    : E.left(unexpected('success-lines', reply));

/** Nothing, for a command openvpn does not answer. */
export const nothing = (reply: Reply): E.Either<ReplyFailure, undefined> =>
  reply.kind === 'none' ? E.right(undefined) : E.left(unexpected('none', reply));

/** Parses a SUCCESS text with one of ./parsers. */
export const successParsed =
  <T>(parse: TextParser<T>) =>
  (reply: Reply): E.Either<ReplyFailure, T> =>
    pipe(
      successText(reply),
      E.chain((text) =>
        pipe(
          parse(text),
          E.mapLeft((failure): ReplyFailure => ({ kind: 'parse-failed', failure })),
        ),
      ),
    );

/** Parses output lines with one of ./parsers. */
export const parsedWith =
  <T>(parse: OutputParser<T>) =>
  (lines: readonly string[]): E.Either<ReplyFailure, T> =>
    pipe(
      parse(lines),
      E.mapLeft((failure): ReplyFailure => ({ kind: 'parse-failed', failure })),
    );

/** Parses every output line with `parseFields`; the first line it rejects fails the reply. */
export const entriesWith =
  <T>(parseFields: (line: string) => T | undefined, what: string) =>
  (lines: readonly string[]): E.Either<ReplyFailure, readonly T[]> => {
    const entries: T[] = [];
    for (const line of lines) {
      const entry = parseFields(line);
      if (entry === undefined)
        return E.left({ kind: 'malformed', reason: `bad ${what} line`, line });
      entries.push(entry);
    }
    return E.right(entries);
  };

// ------------------------------------------------------------------------------- constructors

/** A command named `name` with its arguments, the reply shape it waits for and its decoder. */
export const make = <R>(
  name: string,
  args: readonly (string | Secret)[],
  shape: ReplyShape,
  decode: (reply: Reply) => E.Either<ReplyFailure, R>,
  extra: { readonly body?: readonly string[]; readonly invalid?: EncodeFailure } = {},
): Command<R> => ({
  name,
  args,
  shape,
  decode,
  sensitive: args.some(isSecret),
  ...extra,
});

const isCount = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;

/**
 * Checks `[index, value]` pairs: every value must be a non-negative integer, or the command is
 * marked invalid at that argument index and the encoder refuses it.
 */
export const withCounts = <R>(
  command: Command<R>,
  counts: readonly (readonly [number, number])[],
) => {
  const bad = counts.find(([, value]) => !isCount(value));
  if (bad === undefined) return command;
  const invalid: EncodeFailure = {
    reason: 'invalid-argument',
    part: 'argument',
    index: bad[0],
    expected: 'a non-negative integer',
  };
  return { ...command, invalid };
};

/** A command answered by one `SUCCESS:` line, whose text is the result. */
export const succeed = (name: string, ...args: (string | Secret)[]): Command<string> =>
  make(name, args, 'success', successText);

/**
 * The collector for `command`'s reply, told how many body lines it has (see reply.ts `body`).
 */
export const createCommandReplyCollector = <R>(command: Command<R>): ReplyCollector =>
  createReplyCollector(command.shape, { bodyLines: (command.body?.length ?? 0) + 1 });
