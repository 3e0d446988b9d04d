/**
 * The import graph points one way. Every folder is a layer:
 *
 *   cli/  bench/                 4  the commands and the benchmarks
 *   explore/  kernel/  examples/ 3  the interleaving explorer, the kernel oracle, proposals
 *   properties/  api/            2  the harness; the package's public surface
 *   model/  impl/                1  the reference model; the kernel-shaped designs
 *   lib/                         0  the shared vocabulary
 *
 * and a source file imports only its own folder or a lower layer (so model/ and impl/ never
 * see each other, and lib/ sees nothing). Test files (*.test.ts) are leaves that nothing
 * imports, so they cannot close a cycle; cross-cutting ones (properties/compare.test.ts drives
 * the CLI) may import any layer. Over all files, type-only imports included, there is no
 * cycle.
 *
 * Method: read every .ts file of the layers as text and collect its relative import and
 * export specifiers (static, type-only and dynamic). Not covered here: package imports
 * (node:, npm) and what is imported.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

/** The layer of each source folder. */
const layers: Readonly<Record<string, number>> = {
  lib: 0,
  model: 1,
  impl: 1,
  properties: 2,
  api: 2,
  explore: 3,
  kernel: 3,
  examples: 3,
  cli: 4,
  bench: 4,
};

function sourceFiles(folder: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(path);
    }
  };
  walk(folder);
  return files;
}

const specifier =
  /(?:^|[\n;])\s*(?:import|export)\b[^'";]*?\bfrom\s*['"](\.[^'"]+)['"]|(?:^|[\n;])\s*import\s*['"](\.[^'"]+)['"]|\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g;

/** The project files `file` imports (relative specifiers resolved to root-relative paths). */
export function importsOf(file: string, text: string): string[] {
  const targets = new Set<string>();
  for (const match of text.matchAll(specifier)) {
    const spec = match[1] ?? match[2] ?? match[3];
    if (spec !== undefined) targets.add(normalize(join(dirname(file), spec)));
  }
  return [...targets];
}

/** The cycles of a graph: its strongly connected components with more than one node, or
 * one node that imports itself (Tarjan). */
export function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(target) ?? 0));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(target) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (;;) {
      const member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
      if (member === node) break;
    }
    if (component.length > 1 || (graph.get(node) ?? []).includes(node))
      cycles.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

/** The imports of `file` (in folder layer order) that point to the same or a higher layer. */
export function upwardImports(file: string, targets: readonly string[]): string[] {
  const folder = file.split('/')[0] ?? '';
  const layer = layers[folder];
  return targets.filter((target) => {
    const to = target.split('/')[0] ?? '';
    if (to === folder) return false;
    const targetLayer = layers[to];
    return layer === undefined || targetLayer === undefined || targetLayer >= layer;
  });
}

/** This file, left out: its examples of import statements would read as its own imports. */
const self = 'properties/import-graph.test.ts';
const graph = new Map<string, string[]>();
for (const folder of Object.keys(layers)) {
  for (const file of sourceFiles(folder)) {
    if (file !== self) graph.set(file, importsOf(file, readFileSync(join(root, file), 'utf8')));
  }
}

describe('import graph', () => {
  it('reads the imports of every layer', () => {
    for (const folder of Object.keys(layers)) {
      expect(
        [...graph.keys()].some((file) => file.startsWith(`${folder}/`)),
        folder,
      ).toBe(true);
    }
    const edges = [...graph.values()].reduce((sum, targets) => sum + targets.length, 0);
    expect(edges).toBeGreaterThan(500);
    // Multi-line, type-only, re-export and dynamic forms all count.
    expect(
      importsOf(
        'impl/x.ts',
        "import {\n  a,\n  b,\n} from './a.ts';\nimport type { C } from '../lib/c.ts';\n" +
          "export { d } from './d.ts';\nconst e = await import('./e.ts');\nimport './f.ts';\n",
      ).sort(),
    ).toEqual(['impl/a.ts', 'impl/d.ts', 'impl/e.ts', 'impl/f.ts', 'lib/c.ts']);
  });

  it('resolves every relative import to a file of the tree', () => {
    for (const [file, targets] of graph) {
      for (const target of targets)
        expect(graph.has(target), `${file} imports ${target}`).toBe(true);
    }
  });

  it('points down the layers: a source file imports its own folder or a lower layer', () => {
    for (const [file, targets] of graph) {
      if (file.endsWith('.test.ts')) continue;
      expect(upwardImports(file, targets), `${file} imports upward or sideways`).toEqual([]);
    }
    // The check fails where it should: lib importing impl, impl importing model, impl importing properties.
    expect(upwardImports('lib/x.ts', ['impl/designs.ts'])).toEqual(['impl/designs.ts']);
    expect(upwardImports('impl/x.ts', ['model/state.ts', 'lib/ops.ts'])).toEqual([
      'model/state.ts',
    ]);
    expect(upwardImports('impl/x.ts', ['properties/run.ts'])).toEqual(['properties/run.ts']);
  });

  it('imports no test file', () => {
    for (const [file, targets] of graph) {
      for (const target of targets)
        expect(target.endsWith('.test.ts'), `${file} imports ${target}`).toBe(false);
    }
  });

  it('has no cycle, type-only imports included', () => {
    expect(cyclesOf(graph)).toEqual([]);
    // The check fails where it should: a three-file cycle and a self import.
    const cyclic = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['d']],
      ['e', ['a']],
    ]);
    expect(cyclesOf(cyclic)).toEqual([['a', 'b', 'c'], ['d']]);
  });
});
