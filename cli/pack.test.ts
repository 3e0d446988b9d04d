/**
 * The package installs from `npm pack` and a proposal imports it by name: the tarball is
 * installed (the README's one line) in a folder outside the repository, a proposal module
 * there does `import ... from 'swapcheck'`, and the installed `npx swapcheck` validates it
 * (and a broken copy fails with a replayable trace) and runs it as a --design.
 *
 * Method: `npm pack --ignore-scripts` (dist/ is built by pretest) and `npm install
 * --prefer-offline` of the tarball, both spawned. Not covered here: the proposal interface
 * itself (properties/validate.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 180_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const proposal = `import { builtinFactory, builtinKnobs } from 'swapcheck';
export const knobs = builtinKnobs('vswap-direct');
export const name = 'packed-proposal';
export default (config, k) => builtinFactory(config, k);
`;

const broken = `import { builtinFactory, builtinKnobs } from 'swapcheck';
export const knobs = builtinKnobs('classic');
export const name = 'packed-broken';
// Forgets every swapoff: the device stays online.
export default (config, k) => {
  const system = builtinFactory(config, k);
  return new Proxy(system, {
    get(target, key) {
      if (key === 'apply') return (op) => (op.op === 'swapoff' ? { errno: 'OK' } : target.apply(op));
      const value = target[key];
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
};
`;

describe('the package', () => {
  it('installs from npm pack, and a proposal imports it by name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'swapcheck-pack-'));
    const pack = run('npm', ['pack', root, '--ignore-scripts', '--pack-destination', dir], dir);
    expect(pack.code, pack.stderr).toBe(0);
    const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'a-proposal', private: true, type: 'module' }),
    );
    const install = run(
      'npm',
      ['install', `./${tarball}`, '--prefer-offline', '--no-audit', '--no-fund'],
      dir,
    );
    expect(install.code, install.stderr).toBe(0);
    writeFileSync(join(dir, 'proposal.mjs'), proposal);
    writeFileSync(join(dir, 'broken.mjs'), broken);
    const pass = run(
      'npx',
      [
        'swapcheck',
        'validate',
        'proposal.mjs',
        '--runs',
        '4',
        '--seed',
        '1',
        '--workload',
        'disk-only',
      ],
      dir,
    );
    expect(pass.code, pass.stderr).toBe(0);
    expect(pass.stdout).toMatch(/^PASS packed-proposal: 4 runs/m);
    const fail = run(
      'npx',
      ['swapcheck', 'validate', 'broken.mjs', '--runs', '4', '--seed', '1'],
      dir,
    );
    expect(fail.code, fail.stderr).toBe(1);
    const replay = /^ {2}replay: +(.*)$/m.exec(fail.stdout)?.[1] ?? '';
    expect(replay).toMatch(/^node .*node_modules\/swapcheck\/dist\/cli\/main\.js replay /);
    const replayed = run('bash', ['-c', replay], tmpdir());
    expect(replayed.code, replayed.stderr).toBe(1);
    expect(replayed.stdout).toMatch(/\(packed-broken\): FAILS/);
    const campaign = run(
      'npx',
      [
        'swapcheck',
        'run',
        '--design',
        'proposal.mjs',
        '--runs',
        '2',
        '--seed',
        '1',
        '--max-ops',
        '50',
      ],
      dir,
    );
    expect(campaign.code, campaign.stderr).toBe(0);
    expect(campaign.stdout).toMatch(/^packed-proposal\s+2 /m);
  });
});
