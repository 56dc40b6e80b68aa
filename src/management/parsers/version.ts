import * as E from 'fp-ts/lib/Either.js';
import { integerFromString, decodeField } from './field-codecs.js';
import { parseFailure, type ParseFailure } from './parse-failure.js';

/** Numeric release of openvpn. A pre-release such as `2.7_beta1` reads as 2.7.0. */
export interface SemVer {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** The reply of `version`. */
export interface VersionInfo {
  /** The text after `OpenVPN Version: `, e.g. `OpenVPN 2.6.14 x86_64-pc-linux-gnu [SSL ...]`. */
  readonly openvpn: string;
  /** The release numbers, when the text starts with `OpenVPN X.Y[.Z]`. */
  readonly semver?: SemVer;
  /** The management interface version (`Management Version: 5` in 2.6). */
  readonly management: number;
  /** Lines that are neither of the two above, kept for newer openvpn releases. */
  readonly otherLines: readonly string[];
}

const OPENVPN_PREFIX = 'OpenVPN Version: ';
const MANAGEMENT_PREFIX = 'Management Version: ';
const RELEASE = /^OpenVPN (\d{1,9})\.(\d{1,9})(?:\.(\d{1,9}))?(?![\d.])/;
const ManagementVersionFromString = integerFromString('management version', 1, 0x7fff_ffff);

/**
 * Reads the lines of `version` (2.6 answers two lines, then `END`). Both known lines are
 * required; their order does not matter; other lines land in `otherLines`.
 */
export const parseVersion = (lines: readonly string[]): E.Either<ParseFailure, VersionInfo> => {
  let openvpn: string | undefined;
  let management: number | undefined;
  const otherLines: string[] = [];
  for (const [index, line] of lines.entries()) {
    const at = { line: index + 1, text: line };
    if (line.startsWith(OPENVPN_PREFIX)) {
      if (openvpn !== undefined) return E.left(parseFailure('version', 'repeated line', at));
      openvpn = line.slice(OPENVPN_PREFIX.length);
    } else if (line.startsWith(MANAGEMENT_PREFIX)) {
      if (management !== undefined) return E.left(parseFailure('version', 'repeated line', at));
      const decoded = decodeField(
        ManagementVersionFromString,
        line.slice(MANAGEMENT_PREFIX.length),
      );
      if (E.isLeft(decoded)) return E.left(parseFailure('version', decoded.left, at));
      management = decoded.right;
    } else {
      otherLines.push(line);
    }
  }
  if (openvpn === undefined) return E.left(parseFailure('version', `no "${OPENVPN_PREFIX}" line`));
  if (management === undefined) {
    return E.left(parseFailure('version', `no "${MANAGEMENT_PREFIX}" line`));
  }
  const semver = parseRelease(openvpn);
  return E.right({ openvpn, ...(semver === undefined ? {} : { semver }), management, otherLines });
};

const parseRelease = (text: string): SemVer | undefined => {
  const match = RELEASE.exec(text);
  if (match === null) return undefined;
  const [, major, minor, patch = '0'] = match;
  return { major: Number(major), minor: Number(minor), patch: Number(patch) };
};
