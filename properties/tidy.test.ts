/**
 * Tidy checks over the source tree (the TigerBeetle `tidy` idea): every source file opens
 * with a header comment; no to-do marker of the banned kind is committed. Where imports may
 * point is properties/import-graph.test.ts.
 *
 * Method: read every .ts file under the source folders as text. Not covered here: formatting.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const forbidden = ['FIX', 'ME'].join('');
const folders = ['api', 'lib', 'model', 'impl', 'properties', 'explore', 'cli', 'bench'];

function sourceFiles(folder: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) files.push(path);
    }
  };
  walk(folder);
  return files;
}

describe('source tree', () => {
  it('opens every source file with a header comment', () => {
    for (const folder of folders) {
      for (const file of sourceFiles(folder)) {
        const text = readFileSync(join(root, file), 'utf8').replace(/^#!.*\n/, '');
        expect(text.trimStart().startsWith('/**') || text.trimStart().startsWith('//'), file).toBe(
          true,
        );
      }
    }
  });
  it('commits no banned to-do marker', () => {
    for (const folder of folders) {
      for (const file of sourceFiles(folder)) {
        expect(readFileSync(join(root, file), 'utf8').includes(forbidden), file).toBe(false);
      }
    }
  });
});
