import type { InlineBlock, Profile, ProfileEntry } from './profile-model.js';
import { userPassSource } from './profile-summary.js';
import { renderEntries } from './render-config.js';

const blockLines = (block: InlineBlock): string[] =>
  (typeof block.content === 'string' ? block.content : block.content.reveal())
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.trim() !== '');

const isUsernameOnlyBlock = (entry: ProfileEntry): entry is InlineBlock =>
  entry.kind === 'InlineBlock' && entry.tag === 'auth-user-pass' && blockLines(entry).length === 1;

/**
 * The username of the profile's `<auth-user-pass>` block when the block holds no password
 * (`inline-username` in {@link userPassSource}), otherwise undefined.
 */
export function inlineUsername(profile: Profile): string | undefined {
  if (userPassSource(profile) !== 'inline-username') return undefined;
  const block = profile.entries.findLast(isUsernameOnlyBlock);
  return block === undefined ? undefined : blockLines(block)[0];
}

/**
 * The config the engine gives openvpn. Like `renderConfig`, except that an `<auth-user-pass>`
 * block holding only the username becomes a bare `auth-user-pass`: openvpn 2.6.14 asks the
 * console, not the management interface, for the missing password (and without a terminal
 * exits with a fatal error), so the engine asks for both over management and sends the
 * block's username itself.
 */
export function renderEngineConfig(profile: Profile): string {
  if (inlineUsername(profile) === undefined) return renderEntries(profile.entries);
  return renderEntries(
    profile.entries.map((entry): ProfileEntry =>
      isUsernameOnlyBlock(entry) ? { kind: 'Directive', name: 'auth-user-pass', args: [] } : entry,
    ),
  );
}
