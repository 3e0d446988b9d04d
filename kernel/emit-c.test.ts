/**
 * The C reproducer: every scenario and a batch of generated programs compile with
 * `gcc -static -Wall -Werror` (skipped with one line when gcc is missing), the file says how to
 * build and run it, and each step names its trace ops and kernel functions; a write fault is
 * one store of the page's content. The expectation string is the one sc_check() parses.
 *
 * Not covered here: running it (kernel-oracle.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTrace, resolveConfig } from '../properties/trace.ts';
import { emitC, expectationText } from './emit-c.ts';
import { generateProgram } from './generator.ts';
import { translate } from './translate.ts';

const gcc = (() => {
  try {
    execFileSync('gcc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!gcc)
  console.log(
    'kernel/emit-c.test.ts: gcc not found, the compile checks are skipped (apt-get install gcc libc6-dev)',
  );

const scenarioDir = join(import.meta.dirname, 'scenarios');
const work = mkdtempSync(join(tmpdir(), 'swapcheck-emit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function compile(name: string, source: string): void {
  const file = join(work, `${name}.c`);
  writeFileSync(file, source);
  execFileSync('gcc', ['-static', '-Wall', '-Werror', '-fsyntax-only', file], { stdio: 'pipe' });
}

describe('emitC', () => {
  const scenario = readTrace(join(scenarioDir, 'zap-present-frees-cache-only-folio.json'));
  const translation = translate(resolveConfig(scenario.config), scenario.ops);
  if (!translation.ok) throw new Error(translation.reason);
  const text = emitC(translation.program, {
    origin: 'zap-present-frees-cache-only-folio.json',
    note: scenario.note ?? '',
  });

  it('says how to build and run it, and what it prints', () => {
    expect(text).toContain('gcc -static -o repro repro.c');
    expect(text).toMatch(/DEV0: a block device that is not synchronous-I\/O/);
    expect(text).toMatch(/DEV1: a zram device/);
    expect(text).toContain('@verdict pass');
  });

  it('names the trace ops and kernel functions of every step', () => {
    expect(text).toMatch(
      /Step 4 \(trace\): MADV_PAGEOUT holder 0\n\t \* {3}op 4 +allocSwap\(holder=0\) +folio_alloc_swap/,
    );
    expect(text).toContain('zap_pte_range / swap_put_entries_direct');
    expect(text).toContain(
      `sc_check(7, "${expectationText(translation.program.steps[6]!.expect)}");`,
    );
  });

  it('emits a write fault as one store of the content the page holds (no load first)', () => {
    const file = 'write-fault-zram-cache-hit-frees-cache.json';
    const trace = readTrace(join(scenarioDir, file));
    const result = translate(resolveConfig(trace.config), trace.ops);
    if (!result.ok) throw new Error(result.reason);
    const c = emitC(result.program, { origin: file });
    expect(c).toMatch(
      /sc_step\(8, "store to holder 1 of its own content \(swap-in write fault\)"\);\n\tsc_write_fault\(1, 2ULL\);/,
    );
    expect(c).toMatch(
      /static void sc_write_fault\(int holder, uint64_t content\)\n\{\n\tsc_holder_action\(holder, SC_WRITE, content, /,
    );
    expect(c).toMatch(
      /case SC_WRITE:\n\t\t\*\(volatile uint64_t \*\)addr = request->value;\n\t\treturn 0;/,
    );
  });

  it.skipIf(!gcc)('compiles every scenario with -Wall -Werror', () => {
    for (const file of readdirSync(scenarioDir).filter((name) => name.endsWith('.json'))) {
      const trace = readTrace(join(scenarioDir, file));
      const result = translate(resolveConfig(trace.config), trace.ops);
      if (!result.ok) throw new Error(`${file}: ${result.reason}`);
      compile(file, emitC(result.program, { origin: file }));
    }
  });

  it.skipIf(!gcc)('compiles generated programs with -Wall -Werror', () => {
    for (let index = 0; index < 6; index++)
      compile(
        `generated-${index}`,
        emitC(generateProgram(3, index).program, { origin: `program ${index}` }),
      );
  });
});
