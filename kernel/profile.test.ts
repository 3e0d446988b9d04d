/**
 * The linux-6.1 profile is written down: every entry has a kind, a summary, an effect and a
 * kernel source, ids are unique, and docs/kernel-oracle.md lists each one.
 *
 * Not covered here: applying the entries (translate.test.ts, session.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { linux61, profileEntry } from './profile.ts';

const doc = readFileSync(join(import.meta.dirname, '..', 'docs', 'kernel-oracle.md'), 'utf8');

describe('the linux-6.1 profile', () => {
  it('has unique ids', () => {
    const ids = linux61.entries.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(linux61.entries.map((entry) => [entry.id, entry] as const))(
    '%s is complete and documented',
    (id, entry) => {
      expect(entry.summary.length).toBeGreaterThan(10);
      expect(entry.effect.length).toBeGreaterThan(10);
      expect(entry.source).toMatch(/\.[ch]\b|arch\/um|no userspace interface/);
      expect(doc).toContain(`| \`${id}\` | ${entry.kind} |`);
    },
  );

  it('names an entry it does not have as an error', () => {
    expect(() => profileEntry(linux61, 'nope')).toThrow(/no entry 'nope'/);
    expect(profileEntry(linux61, 'no-mthp').kind).toBe('rejects');
  });
});
