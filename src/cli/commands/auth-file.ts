import { readFile } from 'node:fs/promises';
import type { Either } from 'fp-ts/lib/Either.js';
import { left, right } from 'fp-ts/lib/Either.js';
import { Secret } from '../../core/secret.js';

/** What `--auth-file` holds. Without a password line, the password is asked on the terminal. */
export interface AuthFileCredentials {
  readonly username: string;
  readonly password: Secret | undefined;
}

/** Why an auth file cannot be used, in a sentence that names the file. */
export interface AuthFileProblem {
  readonly kind: 'AuthFileProblem';
  readonly message: string;
}

const problem = (message: string): AuthFileProblem => ({ kind: 'AuthFileProblem', message });

/**
 * The text of an auth file, read as openvpn reads its own `auth-user-pass <file>`: the username
 * on the first line, the password on the second, each without its line ending; later lines are
 * ignored.
 */
export function parseAuthFile(
  text: string,
  path: string,
): Either<AuthFileProblem, AuthFileCredentials> {
  const [username = '', password] = text.split(/\r?\n/);
  if (username === '') {
    return left(problem(`${path}: the first line must hold the username, and it is empty.`));
  }
  return right({
    username,
    password: password === undefined || password === '' ? undefined : Secret.of(password),
  });
}

/** Reads and parses an auth file; a file that cannot be read is a problem, not a throw. */
export async function readAuthFile(
  path: string,
): Promise<Either<AuthFileProblem, AuthFileCredentials>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code =
      typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    return left(problem(`cannot read the auth file ${path} (${code || String(error)}).`));
  }
  return parseAuthFile(text, path);
}
