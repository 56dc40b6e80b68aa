import { readFile } from 'node:fs/promises';
import type { Either } from 'fp-ts/lib/Either.js';
import { left, right } from 'fp-ts/lib/Either.js';
import { Secret } from '../../core/secret.js';

/**
 * Reads a management password file as openvpn reads the one of `--management IP port pw-file`:
 * the first line, without its line ending. The message of a problem names the file, never
 * what it holds.
 */
export async function readManagementPasswordFile(path: string): Promise<Either<string, Secret>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code =
      typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    return left(`cannot read the management password file ${path} (${code || String(error)}).`);
  }
  const [first = ''] = text.split(/\r?\n/);
  return first === ''
    ? left(`${path}: the first line must hold the management password, and it is empty.`)
    : right(Secret.of(first));
}
