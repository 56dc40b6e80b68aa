import { parseOvpn } from '../../../../src/profile/parse-ovpn.js';
import type { Profile } from '../../../../src/profile/profile-model.js';

/** A parsed profile; throws on a profile the parser refuses. */
export function profileOf(text: string): Profile {
  const parsed = parseOvpn(text);
  if (parsed._tag === 'Left') throw new Error(parsed.left.message);
  return parsed.right;
}
