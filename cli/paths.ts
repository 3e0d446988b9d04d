/**
 * Where the package's own folders are, whether the code runs compiled (dist/cli/) or from
 * source (cli/): the regression corpus lives in properties/regressions/ of the package root.
 *
 * Not covered here: user-chosen output folders (--out).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { basename, dirname, join } from 'node:path';

/** The package root: the folder holding package.json. */
export function packageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // Compiled code runs from dist/cli/, sources from cli/.
  return basename(dirname(here)) === 'dist' ? join(here, '..', '..') : join(here, '..');
}

/** The package's version (package.json). */
export function packageVersion(): string {
  return (
    JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }
  ).version;
}

/** properties/regressions/ of the package, or SWAPCHECK_REGRESSIONS_DIR when set (tests). */
export function regressionDir(): string {
  return process.env.SWAPCHECK_REGRESSIONS_DIR ?? join(packageRoot(), 'properties', 'regressions');
}
