/**
 * The command lines swapcheck prints (replay, reproduce, shrink) must run as printed when
 * pasted into a shell, from any directory. So they start with the real invocation: `swapcheck`
 * when that name on PATH is this very program (a global install or `npm link`), otherwise
 * `node /absolute/path/to/dist/cli/main.js` (`node` itself by absolute path when the `node` on
 * PATH is another one). A `node_modules/.bin` folder on PATH does not count: npx and npm run
 * put it there for one command only, and a pasted `swapcheck` would not be found later; every argument is quoted for POSIX shells (bash, zsh, dash) when it
 * holds anything beyond a safe set, so `classic[mutant=x]` cannot glob and a path with spaces
 * stays one word.
 *
 * Not covered here: paths themselves (callers print absolute paths).
 */
import { existsSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { packageRoot } from './paths.ts';

/** Quotes `arg` for a POSIX shell when needed. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_\-.,/:=@%+]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** The first executable called `name` on PATH, resolved through links, or null; PATH
 * entries npx and npm run add for one command (node_modules/.bin) are skipped. */
function onPath(name: string): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '' || /node_modules[\\/]\.bin[\\/]?$/.test(dir)) continue;
    const candidate = join(dir, name);
    if (existsSync(candidate)) return realpathOr(candidate);
  }
  return null;
}

/** The compiled entry point of this package (dist/cli/main.js). */
export function mainScript(): string {
  return realpathOr(join(packageRoot(), 'dist', 'cli', 'main.js'));
}

let cached: { path: string | undefined; words: string } | null = null;

/** The words that start a printed swapcheck command. */
export function invocation(): string {
  const path = process.env['PATH'];
  if (cached !== null && cached.path === path) return cached.words;
  const main = mainScript();
  let words: string;
  if (onPath('swapcheck') === main) {
    words = 'swapcheck';
  } else {
    const node =
      onPath('node') === realpathOr(process.execPath) ? 'node' : shellQuote(process.execPath);
    words = `${node} ${shellQuote(main)}`;
  }
  cached = { path, words };
  return words;
}

/** A printed command: the invocation and the quoted arguments. */
export function commandLine(args: readonly string[]): string {
  return [invocation(), ...args.map(shellQuote)].join(' ');
}
