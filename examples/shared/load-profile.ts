import { readFile } from 'node:fs/promises';
import { isLeft } from 'fp-ts/lib/Either.js';
import { parseOvpn, type Profile } from '../../src/index.js';

/**
 * Reads and checks a unified `.ovpn` profile. Rejects with the parser's message, which names
 * the line to change (profiles must carry their keys inline and run no scripts).
 */
export async function loadProfile(path: string): Promise<Profile> {
  const parsed = parseOvpn(await readFile(path, 'utf8'));
  if (isLeft(parsed)) throw new Error(`${path}: ${parsed.left.message}`);
  return parsed.right;
}
