import { readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { readMarker } from '../../../../src/launcher/ownership-marker.js';
import { parseCmdline } from '../../../../src/process/instances-table.js';

/** What a set of tunnels under one app id may leave behind once all of them have stopped. */
export interface Leftovers {
  /** Pids of running openvpn processes whose ownership marker names the app id. */
  readonly openvpnPids: readonly number[];
  /** Runtime directories of the app id in the OS temp dir. */
  readonly runtimeDirs: readonly string[];
  /**
   * Unix socket paths (from /proc/net/unix) inside a runtime directory of the app id; a path
   * is listed once, though the listener and each accepted connection carry it.
   */
  readonly sockets: readonly string[];
}

// Reads a procfs file; undefined when the process went away while it was read.
const readProc = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** Pids of live openvpn processes marked with `appId` (zombies have no argv and are skipped). */
export function openvpnPidsOf(appId: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = readProc(`/proc/${entry}/cmdline`);
    if (cmdline === undefined || cmdline === '') continue;
    if (readMarker(parseCmdline(cmdline))?.appId === appId) pids.push(Number(entry));
  }
  return pids;
}

/** Names of the runtime directories of `appId` in the OS temp dir. */
export function runtimeDirsOf(appId: string): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith(`rx-openvpn-${appId}-`));
}

/** Paths of open unix sockets that live in a runtime directory of `appId`. */
export function socketsOf(appId: string): string[] {
  const marker = `/rx-openvpn-${appId}-`;
  const paths = (readProc('/proc/net/unix') ?? '')
    .split('\n')
    .map((line) => line.trim().split(/\s+/).at(7))
    .filter((path): path is string => path !== undefined && path.includes(marker));
  return [...new Set(paths)];
}

/** Everything of `appId` still around. */
export function leftoversOf(appId: string): Leftovers {
  return {
    openvpnPids: openvpnPidsOf(appId),
    runtimeDirs: runtimeDirsOf(appId),
    sockets: socketsOf(appId),
  };
}

/** Open file descriptors of this process. */
export function openFdCount(): number {
  return readdirSync('/proc/self/fd').length;
}
