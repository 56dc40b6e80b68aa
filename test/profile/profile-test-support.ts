import { readFileSync } from 'node:fs';
import { expect } from '@jest/globals';
import type { Either } from 'fp-ts/lib/Either.js';
import type { Logger, LogFields } from '../../src/core/logger.js';
import type { Profile, ProfileEntry } from '../../src/profile/profile-model.js';

const FIXTURES = new URL('../fixtures/profiles/', import.meta.url);

/** The text of a file under test/fixtures/profiles/. */
export const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8');

/** The value of a Right, failing the test (with the error) on a Left. */
export function right<E, A>(result: Either<E, A>): A {
  if (result._tag === 'Left') throw new Error(`expected Right, got Left: ${String(result.left)}`);
  return result.right;
}

/** The error of a Left, failing the test on a Right. */
export function left<E, A>(result: Either<E, A>): E {
  if (result._tag === 'Right') throw new Error('expected Left, got Right');
  return result.left;
}

/**
 * A profile's entries with secrets revealed as `{ secret: text }`. Jest cannot see inside a
 * Secret (its value is a private field), so comparisons go through this.
 */
export const revealed = (profile: Profile): unknown[] =>
  profile.entries.map((entry: ProfileEntry) =>
    entry.kind === 'InlineBlock' && typeof entry.content !== 'string'
      ? { ...entry, content: { secret: entry.content.reveal() } }
      : entry,
  );

/** The directive lines of a profile as `name arg…` strings, for compact assertions. */
export const directiveLines = (profile: Profile): string[] =>
  profile.entries.flatMap((entry) =>
    entry.kind === 'Directive' ? [[entry.name, ...entry.args].join(' ')] : [],
  );

export interface RecordedLog {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: LogFields | undefined;
}

/** A logger that keeps its records for assertions. */
export function recordingLogger(): Logger & { readonly records: RecordedLog[] } {
  const records: RecordedLog[] = [];
  const at =
    (level: RecordedLog['level']) =>
    (message: string, fields?: LogFields): void => {
      records.push({ level, message, fields });
    };
  return { records, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Asserts a PROFILE_INVALID / PROVIDER_INVALID error's code and details subset. */
export function expectError(
  error: unknown,
  code: string,
  details: Readonly<Record<string, unknown>>,
): void {
  expect(error).toMatchObject({ name: 'VpnError', code, details });
}
