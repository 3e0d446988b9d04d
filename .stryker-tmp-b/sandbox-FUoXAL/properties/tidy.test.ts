/**
 * Tidy checks over the source tree (the TigerBeetle `tidy` idea): the model imports nothing
 * from impl/, properties/ or cli/; impl/ imports nothing from model/ or properties/; every
 * source file opens with a header comment; no to-do marker of the banned kind is committed.
 *
 * Method: read every .ts file under the source folders as text. Not covered here: formatting.
 */
// @ts-nocheck

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const forbidden = ['FIX', 'ME'].join('');
const folders = ['lib', 'model', 'impl', 'properties', 'explore', 'cli', 'bench'];

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

function importsOf(path: string): string[] {
  const text = readFileSync(join(root, path), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1] as string);
}

describe('source tree', () => {
  it('keeps the model independent: model/ imports only lib/ and itself', () => {
    for (const file of sourceFiles('model')) {
      for (const target of importsOf(file)) {
        expect(target, `${file} imports ${target}`).not.toMatch(/\.\.\/(impl|properties|cli)\//);
      }
    }
  });
  it('keeps the impl independent of the model and the harness', () => {
    for (const file of sourceFiles('impl')) {
      for (const target of importsOf(file)) {
        expect(target, `${file} imports ${target}`).not.toMatch(/\.\.\/(model|properties|cli)\//);
      }
    }
  });
  it('opens every source file with a header comment', () => {
    for (const folder of folders) {
      for (const file of sourceFiles(folder)) {
        const text = readFileSync(join(root, file), 'utf8').replace(/^#!.*\n/, '');
        expect(text.trimStart().startsWith('/**') || text.trimStart().startsWith('//'), file).toBe(true);
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
