import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { makeTempDir } from '../../lab/lab.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** The modules a host script imports from the build. */
const NEEDED = [
  'engine/vpn.js',
  'profile/parse-ovpn.js',
  'process/instances-table.js',
  'launcher/ownership-marker.js',
];

/** The library compiled to JavaScript, for a plain `node` process to import. */
export interface BuiltEngine {
  /** The directory that mirrors `src/` as ES modules. */
  readonly dir: string;
  readonly remove: () => Promise<void>;
}

/**
 * Compiles `src/` with the project's build config into a private temp directory, not `dist/`:
 * other people build and test in the same checkout at the same time. The directory is an ES
 * module package whose `node_modules` links to the checkout's, so rxjs and execa resolve.
 * Type errors elsewhere in `src/` (work in progress) do not stop tsc from emitting; only
 * missing output fails the build.
 */
export async function buildEngine(): Promise<BuiltEngine> {
  const root = await makeTempDir();
  const dir = join(root, 'dist');
  const remove = (): Promise<void> => rm(root, { recursive: true, force: true });
  try {
    await writeFile(join(root, 'package.json'), JSON.stringify({ type: 'module' }));
    await symlink(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'));
    const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = ['-p', 'tsconfig.build.json', '--outDir', dir];
    const quiet = ['--declaration', 'false', '--declarationMap', 'false', '--sourceMap', 'false'];
    const output = await promisify(execFile)(process.execPath, [tsc, ...args, ...quiet], {
      cwd: REPO_ROOT,
    }).then(
      () => '',
      (error: unknown) => String((error as { stdout?: unknown }).stdout ?? error),
    );
    const missing = NEEDED.filter((file) => !existsSync(join(dir, file)));
    if (missing.length > 0) throw new Error(`build lacks ${missing.join(', ')}:\n${output}`);
    return { dir, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
