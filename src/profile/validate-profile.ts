import * as E from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';
import { Secret } from '../core/secret.js';
import { checkDirectiveArguments } from './directive-arguments.js';
import { blockContentProblem, normalizeBlockContent } from './inline-content.js';
import { LINE_TOKENS_MAX } from './ovpn-lexer.js';
import { FILE_DIRECTIVES, isScriptDirective, ownedDirectiveRule } from './owned-directives.js';
import type {
  DraftConnectionBlock,
  DraftDirective,
  DraftEntry,
  DraftInlineBlock,
} from './profile-draft.js';
import type { ProfileError, ProfileErrorDetails } from './profile-error.js';
import { profileError } from './profile-error.js';
import type { Directive, InlineBlock, Profile, ProfileEntry } from './profile-model.js';
import { isInlineTag, isSecretInlineTag } from './profile-model.js';
import { renderDirective } from './render-config.js';
import { effectiveDirective, isSetenvOpt, wrapSetenvOpt } from './setenv-opt.js';

/** Options shared by every way of building a profile. */
export interface ProfileValidationOptions {
  /**
   * Let the profile run scripts and load plugins or crypto modules as root. Only for profiles
   * the user wrote or fully trusts; never for one downloaded from the internet. Default false.
   */
  readonly allowScripts?: boolean;
  /** Receives a warning for every directive the engine drops. Silent by default. */
  readonly logger?: Logger;
}

/** OpenVPN reads at most 254 bytes of a config line (a 256-byte buffer, with line feed and NUL). */
export const LINE_BYTES_MAX = 254;

const DIRECTIVE_NAME = /^[a-z0-9][a-z0-9-]*$/;
const UNRENDERABLE = /[\n\r\0]/;

/** Directives OpenVPN 2.6 accepts inside a `<connection>` block (see "CONNECTION PROFILES"). */
export const CONNECTION_DIRECTIVES: readonly string[] = [
  'bind',
  'connect-retry',
  'connect-retry-max',
  'connect-timeout',
  'explicit-exit-notify',
  'float',
  'fragment',
  'http-proxy',
  'http-proxy-option',
  'key-direction',
  'link-mtu',
  'local',
  'lport',
  'mssfix',
  'mtu-disc',
  'nobind',
  'port',
  'proto',
  'remote',
  'rport',
  'socks-proxy',
  'tun-mtu',
  'tun-mtu-extra',
];

// The third `http-proxy` argument is an authfile unless it is one of these keywords.
const HTTP_PROXY_KEYWORDS: ReadonlySet<string> = new Set(['auto', 'auto-nct', 'stdin']);

const utf8Length = (text: string): number => new TextEncoder().encode(text).length;

type Checked<A> = Either<ProfileError, A>;

interface Context {
  readonly allowScripts: boolean;
  readonly logger: Logger;
}

const fail = (details: ProfileErrorDetails, problem: string, remedy: string): Checked<never> =>
  E.left(profileError(details, problem, remedy));

function fileReference(draft: DraftDirective): Checked<never> {
  const where = { line: draft.line, directive: draft.name, reason: 'file-reference' } as const;
  const direction = draft.args[1];
  const keyDirection =
    (draft.name === 'tls-auth' || draft.name === 'secret') && direction !== undefined
      ? ` and add 'key-direction ${direction}'`
      : '';
  return fail(
    where,
    `'${draft.name}' reads a file, and a profile must be self-contained.`,
    `Paste the file's content between <${draft.name}> and </${draft.name}>${keyDirection}.`,
  );
}

// The file, script and ownership rules; `undefined` means the directive is dropped.
function applyRules(draft: DraftDirective, ctx: Context): Checked<DraftDirective | undefined> {
  const where = { line: draft.line, directive: draft.name };
  if (isScriptDirective(draft.name) && !ctx.allowScripts) {
    return fail(
      { ...where, reason: 'script-refused' },
      `'${draft.name}' would run a program or load code as root.`,
      'Delete the line, or pass allowScripts: true if you wrote this profile or fully trust it.',
    );
  }
  const rule = ownedDirectiveRule(draft.name);
  if (rule !== undefined && !(rule.action === 'ask' && draft.args.length === 0)) {
    if (rule.action === 'refuse') {
      return fail(
        { ...where, reason: 'owned-directive' },
        `'${draft.name}' cannot be used: ${rule.why}.`,
        'Delete the line.',
      );
    }
    ctx.logger.warn('profile directive overridden by the engine', {
      directive: draft.name,
      line: draft.line,
      action: rule.action,
      why: rule.why,
    });
    return E.right(rule.action === 'ask' ? { ...draft, args: [] } : undefined);
  }
  const isDhNone = draft.name === 'dh' && draft.args.length === 1 && draft.args[0] === 'none';
  if (FILE_DIRECTIVES.includes(draft.name) && !isDhNone) return fileReference(draft);
  const authFile = draft.args[2];
  if (draft.name === 'http-proxy' && authFile !== undefined && !HTTP_PROXY_KEYWORDS.has(authFile)) {
    return fail(
      { ...where, reason: 'file-reference' },
      `'http-proxy' names the credentials file '${authFile}'; a profile must be self-contained.`,
      "Use 'auto' (the engine asks for proxy credentials) or an <http-proxy-user-pass> block.",
    );
  }
  return E.right(draft);
}

// OpenVPN would misread a longer line; checked on the rendered form, which is what it reads.
function checkLineLength(directive: Directive, line: number | undefined): Checked<Directive> {
  const bytes = utf8Length(renderDirective(directive));
  if (bytes <= LINE_BYTES_MAX) return E.right(directive);
  return fail(
    {
      line,
      directive: directive.name,
      reason: 'line-too-long',
      openvpnMessage: 'Options error: Maximum option line length (256) exceeded',
    },
    `the line is ${bytes} bytes long; OpenVPN reads at most ${LINE_BYTES_MAX}.`,
    'Shorten its arguments.',
  );
}

function checkDirective(draft: DraftDirective, ctx: Context): Checked<Directive | undefined> {
  const where = { line: draft.line, directive: draft.name };
  if (!DIRECTIVE_NAME.test(draft.name)) {
    return fail(
      { line: draft.line, reason: 'invalid-directive-name' },
      `'${draft.name}' is not an OpenVPN directive name.`,
      'Directive names are lower-case words joined by hyphens, like remote-cert-tls.',
    );
  }
  if (draft.args.some((arg) => UNRENDERABLE.test(arg))) {
    return fail(
      { ...where, reason: 'invalid-argument' },
      'an argument contains a line break or a NUL character, which a config line cannot hold.',
      'Remove it from the argument.',
    );
  }
  if (draft.args.length + 1 > LINE_TOKENS_MAX) {
    return fail(
      { ...where, reason: 'too-many-parameters' },
      `the directive has ${draft.args.length} arguments; OpenVPN reads ${LINE_TOKENS_MAX - 1}.`,
      'Remove the extra arguments.',
    );
  }
  if (draft.name === 'connection') {
    return fail(
      { ...where, reason: 'invalid-connection-block' },
      "'connection' is only valid as a block.",
      'Write the connection between <connection> and </connection>.',
    );
  }
  if (isSetenvOpt(draft)) {
    if (draft.args.length < 2) {
      return fail(
        { ...where, reason: 'invalid-argument' },
        "'setenv opt' names no directive to apply.",
        "Write it as 'setenv opt block-outside-dns', or delete the line.",
      );
    }
    // The wrapped directive meets every rule; if it survives, it goes back into its wrapper.
    return pipe(
      checkDirective(effectiveDirective(draft), ctx),
      E.flatMap((inner) =>
        inner === undefined
          ? E.right(undefined)
          : checkLineLength(wrapSetenvOpt(inner), draft.line),
      ),
    );
  }
  return pipe(
    applyRules(draft, ctx),
    E.flatMap((kept) => {
      if (kept === undefined) return E.right(undefined);
      const argumentProblem = checkDirectiveArguments(kept.name, kept.args);
      if (argumentProblem !== undefined) {
        return fail(
          { ...where, reason: 'invalid-argument' },
          argumentProblem.problem,
          argumentProblem.remedy,
        );
      }
      return checkLineLength({ kind: 'Directive', name: kept.name, args: kept.args }, draft.line);
    }),
  );
}

function checkInline(draft: DraftInlineBlock, seen: Set<string>): Checked<InlineBlock> {
  const where = { line: draft.line, directive: draft.tag };
  const tag = draft.tag;
  if (!isInlineTag(tag)) {
    return fail(
      { ...where, reason: 'unsupported-block' },
      `<${tag}> is not an inline block a client profile can use.`,
      'Remove the block.',
    );
  }
  if (seen.has(tag)) {
    return fail(
      { ...where, reason: 'duplicate-block' },
      `the profile has more than one <${tag}> block.`,
      'Keep one of them.',
    );
  }
  seen.add(tag);
  const raw = typeof draft.content === 'string' ? draft.content : draft.content.reveal();
  const content = normalizeBlockContent(raw);
  const problem = blockContentProblem(tag, content);
  if (problem !== undefined) {
    return fail(
      { ...where, reason: 'invalid-block-content' },
      `<${tag}>: ${problem}`,
      `Paste the complete file between <${tag}> and </${tag}>.`,
    );
  }
  return E.right(
    isSecretInlineTag(tag)
      ? { kind: 'InlineBlock', tag, content: Secret.of(content) }
      : { kind: 'InlineBlock', tag, content },
  );
}

function checkConnection(draft: DraftConnectionBlock, ctx: Context): Checked<ProfileEntry> {
  const where = {
    line: draft.line,
    directive: 'connection',
    reason: 'invalid-connection-block',
  } as const;
  const outsider = draft.directives.find((d) => !CONNECTION_DIRECTIVES.includes(d.name));
  if (outsider !== undefined) {
    return fail(
      {
        ...where,
        line: outsider.line ?? draft.line,
        directive: outsider.name,
        openvpnMessage: `Options error: option '${outsider.name}' cannot be used in this context ([CONNECTION-OPTIONS])`,
      },
      `'${outsider.name}' cannot be used inside a <connection> block.`,
      'Move it outside the block.',
    );
  }
  const remotes = draft.directives.filter((d) => d.name === 'remote').length;
  if (remotes !== 1) {
    return fail(
      {
        ...where,
        openvpnMessage:
          "Options error: Each 'connection' block must contain exactly one 'remote' directive",
      },
      `a <connection> block needs exactly one 'remote', this one has ${remotes}.`,
      'Give each <connection> block one remote line.',
    );
  }
  return pipe(
    checkAll(draft.directives, (d) => checkDirective(d, ctx)),
    E.map((directives) => ({ kind: 'ConnectionBlock' as const, directives })),
  );
}

// Runs `check` on each item in order and stops at the first error; `undefined` results drop.
function checkAll<A, B>(
  items: readonly A[],
  check: (item: A) => Checked<B | undefined>,
): Checked<B[]> {
  const kept: B[] = [];
  for (const item of items) {
    const result = check(item);
    if (E.isLeft(result)) return result;
    if (result.right !== undefined) kept.push(result.right);
  }
  return E.right(kept);
}

function checkShape(
  entries: readonly ProfileEntry[],
  drafts: readonly DraftEntry[],
): Checked<void> {
  const topRemote = drafts.find(
    (d): d is DraftDirective => d.kind === 'Directive' && effectiveDirective(d).name === 'remote',
  );
  const hasConnections = entries.some((e) => e.kind === 'ConnectionBlock');
  if (hasConnections && topRemote !== undefined) {
    return fail(
      { line: topRemote.line, directive: 'remote', reason: 'remote-outside-connection' },
      'the profile has <connection> blocks, so OpenVPN would ignore this remote.',
      'Move the remote into a <connection> block of its own.',
    );
  }
  if (!hasConnections && topRemote === undefined) {
    return fail(
      { directive: 'remote', reason: 'missing-directive' },
      'the profile names no server.',
      "Add a line like 'remote vpn.example.org 1194 udp'.",
    );
  }
  if (!entries.some((e) => e.kind === 'Directive' && effectiveDirective(e).name === 'dev')) {
    return fail(
      {
        directive: 'dev',
        reason: 'missing-directive',
        openvpnMessage: 'Options error: --dev must be defined',
      },
      'the profile sets no tunnel device.',
      "Add 'dev tun' (or 'dev tap' for an Ethernet bridge).",
    );
  }
  return E.right(undefined);
}

/**
 * Applies the engine's rules to a draft: names, arguments, file references, script hooks,
 * engine-owned directives (dropped with a warning, or refused), block contents and shape.
 */
export function validateProfile(
  drafts: readonly DraftEntry[],
  options: ProfileValidationOptions = {},
): Checked<Profile> {
  const ctx: Context = {
    allowScripts: options.allowScripts ?? false,
    logger: options.logger ?? silentLogger,
  };
  const seenBlocks = new Set<string>();
  const checked = checkAll<DraftEntry, ProfileEntry>(drafts, (draft) => {
    switch (draft.kind) {
      case 'Directive':
        return checkDirective(draft, ctx);
      case 'InlineBlock':
        return checkInline(draft, seenBlocks);
      case 'ConnectionBlock':
        return checkConnection(draft, ctx);
    }
  });
  return pipe(
    checked,
    E.flatMap((entries) => {
      const validated: Pick<Profile, 'entries'> = { entries };
      return pipe(
        checkShape(entries, drafts),
        E.map(() => validated as Profile),
      );
    }),
  );
}
