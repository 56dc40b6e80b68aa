import { win32 } from 'node:path';
import type { ProcessIdentity } from './instances-argv.js';
import { readOwnershipMarker, readProfile } from './instances-argv.js';
import type { ProcessRow, ProcessTable } from './instances-table.js';

/** What is known of every running openvpn, whoever started it. */
export interface InstanceFacts {
  readonly pid: number;
  /** With `pid`, names this process; hand both to whatever stops it. */
  readonly startTime: number;
  readonly argv: readonly string[];
  /** The `--config` file, as written on the command line (maybe relative to its cwd). */
  readonly profile: string | undefined;
  readonly uptimeMs: number | undefined;
}

/** An openvpn started by an engine of this application. */
export interface OurInstance extends InstanceFacts {
  readonly kind: 'ours';
  /** The engine that started it; `undefined` when the marker names none that parses. */
  readonly engine: ProcessIdentity | undefined;
  /** A process with the engine's pid runs and has its start time: the engine still lives. */
  readonly engineAlive: boolean;
}

/** An openvpn marked by another application id. */
export interface AlienInstance extends InstanceFacts {
  readonly kind: 'alien';
  readonly appId: string;
}

/** An openvpn without an ownership marker: started by hand, a system service or another tool. */
export interface UnmarkedInstance extends InstanceFacts {
  readonly kind: 'unmarked';
}

/** A running openvpn, classified by who started it. */
export type OpenvpnInstance = OurInstance | AlienInstance | UnmarkedInstance;

const OPENVPN_EXECUTABLES: ReadonlySet<string> = new Set(['openvpn', 'openvpn.exe']);

// win32.basename splits on both `/` and `\`, so it reads POSIX and Windows paths alike.
const isOpenvpnPath = (path: string): boolean =>
  OPENVPN_EXECUTABLES.has(win32.basename(path).toLowerCase());

const isOpenvpnRow = (row: ProcessRow): boolean =>
  isOpenvpnPath(row.name) || isOpenvpnPath(row.argv?.[0] ?? row.cmd.split(' ')[0] ?? '');

const isEngineAlive = async (
  table: ProcessTable,
  engine: ProcessIdentity | undefined,
): Promise<boolean> =>
  engine !== undefined && (await table.startTime(engine.pid)) === engine.startTime;

// Reads one listed openvpn; `undefined` when it exited since the list was taken.
const readFacts = async (table: ProcessTable, pid: number): Promise<InstanceFacts | undefined> => {
  const startTime = await table.startTime(pid);
  if (startTime === undefined) return undefined;
  const argv = await table.argv(pid);
  if (argv === undefined) return undefined;
  // Had the process exited and its pid gone to a new one meanwhile, argv would belong to the
  // newcomer: reading the start time again proves both reads saw one process.
  if ((await table.startTime(pid)) !== startTime) return undefined;
  const uptimeMs = await table.uptimeMs(startTime);
  return { pid, startTime, argv, profile: readProfile(argv), uptimeMs };
};

const classify = async (
  table: ProcessTable,
  appId: string,
  facts: InstanceFacts,
): Promise<OpenvpnInstance> => {
  const marker = readOwnershipMarker(facts.argv);
  if (marker === undefined) return { kind: 'unmarked', ...facts };
  if (marker.appId !== appId) return { kind: 'alien', appId: marker.appId, ...facts };
  const engineAlive = await isEngineAlive(table, marker.engine);
  return { kind: 'ours', engine: marker.engine, engineAlive, ...facts };
};

/**
 * Every running openvpn (process name `openvpn`, or argv[0] basename `openvpn`/`openvpn.exe`),
 * classified against `appId` through the ownership marker on its command line. Processes
 * that exit while they are read are left out. Rejects with `PROCESS_LIST_FAILED` when the
 * table cannot be read.
 */
export const discoverInstances = async (
  appId: string,
  table: ProcessTable,
): Promise<readonly OpenvpnInstance[]> => {
  const rows = await table.list();
  const instances = await Promise.all(
    rows.filter(isOpenvpnRow).map(async (row) => {
      const facts = await readFacts(table, row.pid);
      return facts === undefined ? undefined : classify(table, appId, facts);
    }),
  );
  return instances.filter((instance) => instance !== undefined);
};
