import { readFileSync, readlinkSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import psList from 'ps-list';
import { VpnError } from '../core/errors.js';
import { sharedWhileInFlight } from '../core/in-flight.js';
import { isZombieStat, parseProcStatStartTime } from './process-info.js';

/** One row of the operating system's process list. */
export interface ProcessRow {
  readonly pid: number;
  /** Executable name (ps-list: basename of the executable path, else `comm`). */
  readonly name: string;
  /** Full command line, space-joined: arguments containing spaces make it ambiguous. */
  readonly cmd: string;
  /** Exact argument vector, when the source of the list knows it. */
  readonly argv?: readonly string[];
}

/**
 * Port to the process table. Per-process reads resolve `undefined` when the process is gone
 * (it may exit between {@link ProcessTable.list} and the read); any other failure rejects
 * with a `PROCESS_LIST_FAILED` {@link VpnError}.
 */
export interface ProcessTable {
  /** Every process visible to this user. */
  list(): Promise<readonly ProcessRow[]>;
  /**
   * When the process started, as an opaque number that never changes while it lives
   * (Linux: clock ticks after boot). With the pid it names one process: a reused pid has
   * another start time.
   */
  startTime(pid: number): Promise<number | undefined>;
  /** Exact argument vector; `undefined` also for a zombie or kernel thread (no command line). */
  argv(pid: number): Promise<readonly string[] | undefined>;
  /** Milliseconds since a process with this {@link ProcessTable.startTime} started. */
  uptimeMs(startTime: number): Promise<number | undefined>;
}

/** A process as ps-list describes it; only what the table reads. */
export interface ListedProcess {
  readonly pid: number;
  readonly name: string;
  readonly cmd?: string;
}

/** Dependencies of {@link createProcessTable}; every one has a working default. */
export interface ProcessTableOptions {
  /** Mount point of procfs. Default `/proc`. */
  readonly procRoot?: string;
  /** USER_HZ, the unit of start times in `/proc/<pid>/stat`. Default 100. */
  readonly ticksPerSecond?: number;
  /** Default `process.platform`. */
  readonly platform?: NodeJS.Platform;
  /** Lists processes. Default: procfs on Linux, the ps-list package elsewhere. */
  readonly listProcesses?: () => Promise<readonly ListedProcess[]>;
}

// Linux fixes USER_HZ at 100 on every architecture Node supports; sysconf(_SC_CLK_TCK) would
// need a child process to ask.
const USER_HZ_TICKS_PER_SECOND = 100;
const MS_PER_SECOND = 1000;

/** Argument vector from the text of `/proc/<pid>/cmdline`: NUL-terminated arguments. */
export const parseCmdline = (cmdline: string): readonly string[] => {
  if (cmdline === '') return [];
  const body = cmdline.endsWith('\0') ? cmdline.slice(0, -1) : cmdline;
  return body.split('\0');
};

// Structural, not `instanceof Error`: errors from Node's fs may come from another realm.
const isProcessGone = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  'code' in error &&
  // ESRCH: the process exited while its entry was being read.
  (error.code === 'ENOENT' || error.code === 'ESRCH');

// Reads one procfs file; `undefined` when the entry vanished with its process.
const readProcEntry = async (path: string): Promise<string | undefined> => {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isProcessGone(error)) return undefined;
    throw new VpnError('PROCESS_LIST_FAILED', `cannot read ${path}: ${String(error)}`, {
      cause: error,
      details: { path },
    });
  }
};

const listWithPsList = async (): Promise<readonly ListedProcess[]> => psList();

const PID_NAME = /^\d+$/;
/** Processes read between two turns of the event loop while listing procfs. */
export const PROCFS_LIST_CHUNK = 32;

// Reads one procfs file synchronously; `undefined` when the entry vanished with its process.
const readProcEntrySync = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (isProcessGone(error)) return undefined;
    throw new VpnError('PROCESS_LIST_FAILED', `cannot read ${path}: ${String(error)}`, {
      cause: error,
      details: { path },
    });
  }
};

const listedProcess = (procRoot: string, pid: string): ListedProcess | undefined => {
  const comm = readProcEntrySync(join(procRoot, pid, 'comm'));
  if (comm === undefined) return undefined;
  const cmdline = readProcEntrySync(join(procRoot, pid, 'cmdline'));
  let exe: string | undefined;
  try {
    // The executable itself, through any symlink it was started by; unreadable for another
    // user's process, where comm stands in.
    exe = readlinkSync(join(procRoot, pid, 'exe'));
  } catch {
    exe = undefined;
  }
  const argv = cmdline === undefined ? [] : parseCmdline(cmdline);
  const name = exe === undefined ? comm.trimEnd() : basename(exe);
  return { pid: Number(pid), name, cmd: argv.join(' ') };
};

/**
 * Lists processes from procfs: on Linux this is what ps reads anyway, without spawning a
 * child. ps-list runs `ps` once per call (about 20 ms of synchronous spawn on the event loop),
 * which fifty tunnels starting together turn into a long stall. The reads are synchronous, a
 * chunk of processes per turn of the event loop: procfs answers from memory, and three
 * promise-wrapped thread-pool reads per process cost five to eight times as much in all,
 * while a chunk blocks the loop for about a millisecond.
 */
const listWithProcfs = (procRoot: string) => async (): Promise<readonly ListedProcess[]> => {
  const pids = (await readdir(procRoot)).filter((name) => PID_NAME.test(name));
  const rows: ListedProcess[] = [];
  for (let start = 0; start < pids.length; start += PROCFS_LIST_CHUNK) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    for (const pid of pids.slice(start, start + PROCFS_LIST_CHUNK)) {
      const row = listedProcess(procRoot, pid);
      if (row !== undefined) rows.push(row);
    }
  }
  return rows;
};

/**
 * The process table of this machine: procfs on Linux (ps-list elsewhere) for the list, procfs
 * for start times, exact argument vectors and uptimes. Per-process reads reject on a platform without procfs.
 */
export const createProcessTable = (options: ProcessTableOptions = {}): ProcessTable => {
  const procRoot = options.procRoot ?? '/proc';
  const ticksPerSecond = options.ticksPerSecond ?? USER_HZ_TICKS_PER_SECOND;
  const platform = options.platform ?? process.platform;
  const listProcesses =
    options.listProcesses ??
    // Concurrent starts share one listing: they all want the same snapshot of the same moment.
    sharedWhileInFlight(platform === 'linux' ? listWithProcfs(procRoot) : listWithPsList);

  const readProc = async (...path: readonly string[]): Promise<string | undefined> => {
    if (platform !== 'linux') {
      // TODO(platform): macOS (`ps -o lstart=`, KERN_PROCARGS2) and Windows (process
      // creation time, command line via CIM) need their own readers; only Linux is wired.
      throw new VpnError(
        'PROCESS_LIST_FAILED',
        `finding openvpn instances reads procfs, which ${platform} does not have`,
        { details: { platform } },
      );
    }
    return readProcEntry(join(procRoot, ...path));
  };

  return {
    list: async () => {
      let listed: readonly ListedProcess[];
      try {
        listed = await listProcesses();
      } catch (error) {
        throw new VpnError('PROCESS_LIST_FAILED', `cannot list processes: ${String(error)}`, {
          cause: error,
        });
      }
      return listed.map(({ pid, name, cmd }) => ({ pid, name, cmd: cmd ?? name }));
    },

    startTime: async (pid) => {
      const path = join(procRoot, String(pid), 'stat');
      const stat = await readProc(String(pid), 'stat');
      if (stat === undefined) return undefined;
      // A zombie has exited; only its parent has not reaped it yet.
      if (isZombieStat(stat)) return undefined;
      const startTime = parseProcStatStartTime(stat);
      if (startTime === undefined) {
        throw new VpnError('PROCESS_LIST_FAILED', `no start time in ${path}: ${stat}`, {
          details: { path },
        });
      }
      return startTime;
    },

    argv: async (pid) => {
      const cmdline = await readProc(String(pid), 'cmdline');
      if (cmdline === undefined) return undefined;
      const argv = parseCmdline(cmdline);
      return argv.length === 0 ? undefined : argv;
    },

    uptimeMs: async (startTime) => {
      // /proc/uptime: "<seconds since boot> <idle seconds>"
      const uptime = await readProc('uptime');
      if (uptime === undefined) return undefined;
      const secondsSinceBoot = Number(uptime.trim().split(/\s+/)[0]);
      if (!Number.isFinite(secondsSinceBoot)) {
        throw new VpnError('PROCESS_LIST_FAILED', `no uptime in ${procRoot}/uptime: ${uptime}`);
      }
      const startedAfterBootSeconds = startTime / ticksPerSecond;
      // /proc/uptime has centisecond resolution: a process started just now can look younger
      // than zero.
      return Math.max(0, Math.round((secondsSinceBoot - startedAfterBootSeconds) * MS_PER_SECOND));
    },
  };
};
