import type { Directive, InlineBlock, Profile, ProfileEntry } from './profile-model.js';

// A token needs no quotes when the lexer reads it back unchanged: no C whitespace, no quote or
// backslash anywhere, and no comment character where a token starts.
const BARE_TOKEN = /^[^ \t\n\v\f\r"'\\#;][^ \t\n\v\f\r"'\\]*$/;

/** One argument as the OpenVPN lexer reads it back: bare when possible, else double-quoted. */
export function renderArgument(arg: string): string {
  if (BARE_TOKEN.test(arg)) return arg;
  return `"${arg.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** One directive line, without its line ending. */
export const renderDirective = (directive: Directive): string =>
  [directive.name, ...directive.args].map(renderArgument).join(' ');

const blockContent = (block: InlineBlock): string =>
  typeof block.content === 'string' ? block.content : block.content.reveal();

function renderEntry(entry: ProfileEntry): string {
  switch (entry.kind) {
    case 'Directive':
      return `${renderDirective(entry)}\n`;
    case 'InlineBlock':
      return `<${entry.tag}>\n${blockContent(entry)}</${entry.tag}>\n`;
    case 'ConnectionBlock': {
      const lines = entry.directives.map((d) => `${renderDirective(d)}\n`).join('');
      return `<connection>\n${lines}</connection>\n`;
    }
  }
}

/**
 * The config file the engine writes (mode 0600, in its private runtime directory) and passes to
 * openvpn as `--config`. Key material stays inline in this file and never reaches argv.
 * `parseOvpn(renderConfig(p))` gives back `p`.
 */
export const renderConfig = (profile: Profile): string => renderEntries(profile.entries);

/** The config text of `entries`, as {@link renderConfig} writes them. */
export const renderEntries = (entries: readonly ProfileEntry[]): string =>
  entries.map(renderEntry).join('');
