import type { OpenvpnInstance } from '../process/instances.js';
import { formatElapsed } from './human-units.js';
import { toJsonLine } from './json-line.js';
import { sanitizeForTerminal } from './sanitize.js';

/**
 * One line of `rx-openvpn ps --json`, one per running openvpn. `kind` is `ours` (started by
 * this application id), `alien` (marked by another one, named in `appId`) or `unmarked`. For
 * `ours`, `engineAlive` says whether the engine that started it still runs (`false`: left
 * behind, `rx-openvpn stop` stops it) and `enginePid` names that engine when the marker does.
 * `uptimeMs` and `profile` (the `--config` argument) are absent when unknown.
 */
export type PsJsonRecord =
  | (PsJsonCommon & {
      readonly kind: 'ours';
      readonly engineAlive: boolean;
      readonly enginePid?: number;
    })
  | (PsJsonCommon & { readonly kind: 'alien'; readonly appId: string })
  | (PsJsonCommon & { readonly kind: 'unmarked' });

interface PsJsonCommon {
  readonly pid: number;
  readonly uptimeMs?: number;
  readonly profile?: string;
}

const commonOf = (instance: OpenvpnInstance): PsJsonCommon => ({
  pid: instance.pid,
  ...(instance.uptimeMs === undefined ? {} : { uptimeMs: instance.uptimeMs }),
  ...(instance.profile === undefined ? {} : { profile: instance.profile }),
});

/** The JSON record of one instance; see {@link PsJsonRecord}. */
export function toPsJsonRecord(instance: OpenvpnInstance): PsJsonRecord {
  switch (instance.kind) {
    case 'ours':
      return {
        ...commonOf(instance),
        kind: 'ours',
        engineAlive: instance.engineAlive,
        ...(instance.engine === undefined ? {} : { enginePid: instance.engine.pid }),
      };
    case 'alien':
      return { ...commonOf(instance), kind: 'alien', appId: instance.appId };
    case 'unmarked':
      return { ...commonOf(instance), kind: 'unmarked' };
  }
}

/** `rx-openvpn ps --json`: a JSON line per instance; nothing at all when none runs. */
export const formatPsJson = (instances: readonly OpenvpnInstance[]): string =>
  instances
    .map((instance) => toPsJsonRecord(instance))
    .map(toJsonLine)
    .join('');

const UNKNOWN = '-';
const HEADER = ['PID', 'OWNER', 'UPTIME', 'PROFILE'] as const;
const COLUMN_GAP = '  ';

const ownerOf = (instance: OpenvpnInstance): string => {
  switch (instance.kind) {
    case 'ours':
      if (instance.engine === undefined) return 'ours, engine unknown';
      return instance.engineAlive
        ? `ours, engine ${instance.engine.pid}`
        : `ours, engine ${instance.engine.pid} gone`;
    case 'alien':
      return `alien: ${sanitizeForTerminal(instance.appId)}`;
    case 'unmarked':
      return 'unmarked';
  }
};

const rowOf = (instance: OpenvpnInstance): readonly string[] => [
  String(instance.pid),
  ownerOf(instance),
  instance.uptimeMs === undefined ? UNKNOWN : formatElapsed(instance.uptimeMs),
  instance.profile === undefined ? UNKNOWN : sanitizeForTerminal(instance.profile),
];

const widthOf = (text: string): number => Array.from(text).length;

/**
 * `rx-openvpn ps`: a table of the instances, sorted by pid, with who started each one (see
 * {@link PsJsonRecord} for the kinds), its uptime and profile. Text from the command lines is
 * sanitised. Ends with a line that says what `stop` would do when an instance was left behind.
 */
export function formatPsTable(instances: readonly OpenvpnInstance[]): string {
  if (instances.length === 0) return 'no openvpn is running\n';
  const sorted = [...instances].sort((a, b) => a.pid - b.pid);
  const rows = [HEADER, ...sorted.map(rowOf)];
  const widths = HEADER.map((_, column) =>
    Math.max(...rows.map((row) => widthOf(row[column] ?? ''))),
  );
  // The last column is not padded: trailing spaces would only wrap narrow terminals.
  const lines = rows.map((row) =>
    row
      .map((cell, column) =>
        column === row.length - 1
          ? cell
          : cell.padEnd((widths[column] ?? 0) + cell.length - widthOf(cell)),
      )
      .join(COLUMN_GAP),
  );
  const leftBehind = instances.filter(
    (instance) => instance.kind === 'ours' && !instance.engineAlive,
  ).length;
  const hint =
    leftBehind === 0
      ? []
      : [
          `${leftBehind} of ours run without the engine that started them: \`rx-openvpn stop\` stops them.`,
        ];
  return `${[...lines, ...hint].join('\n')}\n`;
}
