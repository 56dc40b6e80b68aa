import { chmod, lstat, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, type Logger } from '../core/logger.js';

/** Identifies an engine process across pid reuse. */
export interface EngineIdentity {
  readonly pid: number;
  readonly startTime: number;
}

/** A private directory for one tunnel: management socket and config live here. */
export interface RuntimeDir {
  readonly path: string;
  readonly socketPath: string;
  readonly configPath: string;
  remove(): Promise<void>;
}

const OWNER_FILE = 'engine.json';
/** A directory without an owner file younger than this may still be being created. */
const OWNERLESS_GRACE_MS = 60_000;

const prefixOf = (appId: string): string => `rx-openvpn-${appId}-`;

/**
 * Creates a fresh 0700 directory owned by this engine. openvpn creates its unix socket with mode
 * 0777 whatever the umask, so the directory mode is what keeps other users out.
 */
export async function createRuntimeDir(
  appId: string,
  engine: EngineIdentity,
  base: string = tmpdir(),
): Promise<RuntimeDir> {
  const path = await mkdtemp(join(base, prefixOf(appId)));
  await chmod(path, 0o700);
  await writeFile(join(path, OWNER_FILE), JSON.stringify(engine), { mode: 0o600 });
  return {
    path,
    socketPath: join(path, 'mgmt.sock'),
    configPath: join(path, 'profile.conf'),
    remove: () => rm(path, { recursive: true, force: true }),
  };
}

/**
 * Removes runtime directories of this application left by engines that died without cleaning
 * up. A directory whose owner is alive belongs to another running copy and is left alone.
 */
export async function sweepRuntimeDirs(
  appId: string,
  isEngineAlive: (engine: EngineIdentity) => Promise<boolean>,
  options: { readonly base?: string; readonly logger?: Logger } = {},
): Promise<readonly string[]> {
  const base = options.base ?? tmpdir();
  const logger = options.logger ?? silentLogger;
  const prefix = prefixOf(appId);
  const names = (await readdir(base)).filter((name) => name.startsWith(prefix));
  const removed: string[] = [];
  for (const name of names) {
    const path = join(base, name);
    // Only sweep directories this user owns; never follow a planted symlink.
    const info = await lstat(path).catch(() => undefined);
    if (info === undefined || !info.isDirectory() || info.uid !== process.getuid?.()) continue;
    const owner = await readOwner(path);
    if (owner === undefined && Date.now() - info.mtimeMs < OWNERLESS_GRACE_MS) continue;
    if (owner !== undefined && (await isEngineAlive(owner))) continue;
    await rm(path, { recursive: true, force: true });
    removed.push(path);
    logger.info('removed runtime directory of a dead engine', { path });
  }
  return removed;
}

async function readOwner(dir: string): Promise<EngineIdentity | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(join(dir, OWNER_FILE), 'utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as Record<string, unknown>)['pid'] === 'number' &&
      typeof (parsed as Record<string, unknown>)['startTime'] === 'number'
    ) {
      return parsed as EngineIdentity;
    }
    return undefined;
  } catch {
    // No owner file: a directory cut short mid-creation, or not ours to trust.
    return undefined;
  }
}
