import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** Jest timeout of a `beforeAll` that builds the examples: tsc over the library takes a while. */
export const BUILD_TIMEOUT_MS = 180_000;

/** The examples compiled to JavaScript, as `npx tsc -p examples` makes them. */
export interface BuiltExamples {
  /** The compiled file of an example's source, e.g. `minimal/main.ts`. */
  readonly script: (source: string) => string;
}

/**
 * Compiles the examples with their own config (`examples/tsconfig.json`, which also compiles
 * the library sources they import) into `dir`, not into `examples/.build`: others build and
 * test in the same checkout at the same time. `dir` becomes an ES module package whose
 * `node_modules` links to the checkout's. Type errors elsewhere in the tree (work in progress)
 * do not stop tsc from emitting; only missing output fails.
 */
export async function buildExamples(
  dir: string,
  sources: readonly string[],
): Promise<BuiltExamples> {
  const outDir = join(dir, 'out');
  await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  await symlink(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const output = await promisify(execFile)(
    process.execPath,
    [tsc, '-p', join('examples', 'tsconfig.json'), '--outDir', outDir],
    { cwd: REPO_ROOT },
  ).then(
    () => '',
    (error: unknown) => String((error as { stdout?: unknown }).stdout ?? error),
  );
  const script = (source: string): string =>
    join(outDir, 'examples', source.replace(/\.ts$/, '.js'));
  const missing = sources.filter((source) => !existsSync(script(source)));
  if (missing.length > 0) throw new Error(`the build lacks ${missing.join(', ')}:\n${output}`);
  return { script };
}
