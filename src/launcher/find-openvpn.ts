import { posix, win32 } from 'node:path';
import type { Either } from 'fp-ts/lib/Either.js';
import { left, right } from 'fp-ts/lib/Either.js';
import { VpnError } from '../core/errors.js';

/** Where openvpn is looked for after PATH, per platform. */
export const WELL_KNOWN_OPENVPN_PATHS: Readonly<
  Partial<Record<NodeJS.Platform, readonly string[]>>
> = {
  linux: ['/usr/sbin/openvpn', '/usr/local/sbin/openvpn', '/sbin/openvpn'],
  darwin: ['/opt/homebrew/sbin/openvpn', '/usr/local/sbin/openvpn'],
  win32: ['C:\\Program Files\\OpenVPN\\bin\\openvpn.exe'],
};

const INSTALL_HINTS: Readonly<Partial<Record<NodeJS.Platform, string>>> = {
  linux: 'Install it: apt-get install -y openvpn (or your distribution’s openvpn package).',
  darwin: 'Install it: brew install openvpn.',
  win32: 'Install OpenVPN from https://openvpn.net/community-downloads/.',
};

/** Inputs of {@link findOpenvpn}. The file check is injected, so the search is pure. */
export interface FindOpenvpnOptions {
  /** An explicit binary: used as is when it exists, never replaced by a search. */
  readonly path?: string;
  /** The PATH environment variable. */
  readonly envPath?: string;
  readonly platform: NodeJS.Platform;
  readonly exists: (path: string) => boolean;
}

/** Details of OPENVPN_NOT_FOUND: every place looked at, in order. */
export interface OpenvpnNotFoundDetails {
  readonly searched: readonly string[];
}

type FindResult = Either<VpnError<'OPENVPN_NOT_FOUND', OpenvpnNotFoundDetails>, string>;

// Empty and relative PATH entries name the current directory: never run a binary from there.
const pathCandidates = (envPath: string | undefined, platform: NodeJS.Platform): string[] => {
  const path = platform === 'win32' ? win32 : posix;
  const binary = platform === 'win32' ? 'openvpn.exe' : 'openvpn';
  return (envPath ?? '')
    .split(path.delimiter)
    .filter((dir) => dir !== '' && path.isAbsolute(dir))
    .map((dir) => path.join(dir, binary));
};

const notFound = (message: string, searched: readonly string[], platform: NodeJS.Platform) =>
  new VpnError('OPENVPN_NOT_FOUND', `${message} ${INSTALL_HINTS[platform] ?? ''}`.trim(), {
    details: { searched },
  });

/**
 * The openvpn binary: the explicit `path`, else the first hit on PATH, else a well-known
 * install location. OPENVPN_NOT_FOUND says where it looked and how to install openvpn.
 */
export function findOpenvpn(options: FindOpenvpnOptions): FindResult {
  const { path, envPath, platform, exists } = options;
  if (path !== undefined) {
    return exists(path)
      ? right(path)
      : left(notFound(`openvpn not found at ${path} (given explicitly).`, [path], platform));
  }
  const candidates = [
    ...new Set([
      ...pathCandidates(envPath, platform),
      ...(WELL_KNOWN_OPENVPN_PATHS[platform] ?? []),
    ]),
  ];
  const found = candidates.find((candidate) => exists(candidate));
  const searched = candidates.length > 0 ? candidates.join(', ') : 'nowhere: PATH is empty';
  return found === undefined
    ? left(notFound(`openvpn not found (looked in ${searched}).`, candidates, platform))
    : right(found);
}
