/**
 * Kernel program to C: one readable, static, self-contained C file per program. Each step is a
 * commented block naming the trace ops it stands for (with their kernel functions and the
 * model's outcomes), the userspace action, and what the model expects userspace to see after
 * it, as prose and as the expectation string the runtime checks (kernel/c/runtime.c, pasted
 * in). The program prints what it sees after every step and its verdict.
 *
 * Not covered here: building and running the file (kernel/uml.ts), reading its output
 * (kernel/output.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Op } from '../lib/ops.ts';
import { formatOp, opKernelNames } from '../lib/ops.ts';
import { formatOutcome } from '../lib/outcome.ts';
import type { UserspaceHolder } from '../lib/userspace-view.ts';
import type { Action } from './actions.ts';
import { formatAction } from './actions.ts';
import type { KernelProgram, ProgramStep } from './program.ts';
import type { KernelExpectation } from './session.ts';
import { DevicePolicy } from './device-policy.ts';
import { programMemcg } from './session.ts';

/** Where the reproducer came from, for its header. */
export interface EmitSource {
  /** A trace path or a description (`swapcheck kernel --random --seed 5, program 17`). */
  readonly origin: string;
  readonly note?: string;
}

let runtimeText: string | null = null;

/** The C runtime's text: kernel/c/runtime.c beside this module, or in the package root when
 * this module runs compiled from dist/kernel/. */
export function runtimeSource(): string {
  if (runtimeText !== null) return runtimeText;
  const candidates = ['./c/runtime.c', '../../kernel/c/runtime.c'].map((relative) =>
    fileURLToPath(new URL(relative, import.meta.url)),
  );
  const path = candidates.find((candidate) => existsSync(candidate));
  if (path === undefined)
    throw new Error(`kernel/c/runtime.c not found (looked at ${candidates.join(', ')})`);
  runtimeText = readFileSync(path, 'utf8');
  return runtimeText;
}

/** The expectation string sc_check() parses (see its comment in kernel/c/runtime.c). */
export function expectationText(expect: KernelExpectation, errno?: string): string {
  const parts = expect.holders.map(({ holder, view }) => `h${holder}=${holderToken(view)}`);
  parts.push(
    `types=${expect.types.length === 0 ? '-' : expect.types.map((device) => (device === null ? '-' : String(device))).join(',')}`,
  );
  expect.devices.forEach((device, index) => {
    parts.push(`dev${index}=${device.online ? `${device.usedPages}/${device.sizePages}` : 'off'}`);
  });
  parts.push(
    `total=${expect.swapTotalPages}`,
    `free=${expect.swapFreePages}`,
    `cached=${expect.swapCachedPages}`,
    `zswap=${expect.zswapStoredPages}`,
  );
  expect.memcgSwapCurrentPages.forEach((pages, memcg) => parts.push(`memcg${memcg}=${pages}`));
  if (errno !== undefined) parts.push(`errno=${errno}`);
  return parts.join(' ');
}

function holderToken(view: UserspaceHolder): string {
  switch (view.kind) {
    case 'empty':
      return 'E';
    case 'present':
      return `P${view.page}/${view.content}`;
    case 'swapped':
      return `S${view.entry}@${view.device ?? 'v'}${view.cached ? '+' : '-'}`;
  }
}

/** The errno a swapon or swapoff step must return, else undefined. */
export function stepErrno(step: ProgramStep): string | undefined {
  if (step.action.kind !== 'swapon' && step.action.kind !== 'swapoff') return undefined;
  return step.outcomes[0]?.errno;
}

/** The C call of an action. */
function actionCall(action: Action, step: ProgramStep): string {
  switch (action.kind) {
    case 'swapon':
      return `sc_swapon(${action.device}, ${stepErrno(step) === 'OK' ? 0 : 1});`;
    case 'swapoff':
      return `sc_swapoff(${action.device});`;
    case 'fault':
      return `sc_fault(${action.holder});`;
    case 'write':
      return `sc_write(${action.holder}, ${action.value}ULL);`;
    case 'read':
      return `sc_read(${action.holder});`;
    case 'writeFault':
      return `sc_write_fault(${action.holder}, ${writeFaultValue(action.holder, step)}ULL);`;
    case 'zap':
      return `sc_zap(${action.holder});`;
    case 'fork':
      return `sc_fork(${action.holder}, ${action.target});`;
    case 'pageout':
      return `sc_pageout(${action.holder});`;
    case 'reclaim':
      return 'sc_reclaim();';
    case 'zswap':
      return `sc_zswap(${action.enabled ? 1 : 0});`;
    case 'skip':
      return '/* nothing to run */';
  }
}

/** The value a write fault stores: the page's content, which the fault leaves as it was
 * (the model's expectation after the step shows it). */
function writeFaultValue(holder: number, step: ProgramStep): number {
  const view = step.expect.holders.find((each) => each.holder === holder)?.view;
  if (view?.kind !== 'present')
    throw new Error(`step ${step.index}: holder ${holder} is not present after its write fault`);
  return view.content;
}

/** A C string literal. */
function cString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Prose of what changed between two expectations, for a step's comment. */
export function describeChange(before: KernelExpectation, after: KernelExpectation): string[] {
  const lines: string[] = [];
  const previous = new Map(before.holders.map(({ holder, view }) => [holder, view]));
  for (const { holder, view } of after.holders) {
    const old = previous.get(holder);
    if (old !== undefined && JSON.stringify(old) === JSON.stringify(view)) continue;
    lines.push(`holder ${holder}: ${describeHolder(view)}`);
  }
  after.devices.forEach((device, index) => {
    const old = before.devices[index];
    if (JSON.stringify(old) === JSON.stringify(device)) return;
    lines.push(
      `device ${index}: ${device.online ? `${device.usedPages} of ${device.sizePages} pages used` : 'off'}`,
    );
  });
  if (before.swapCachedPages !== after.swapCachedPages)
    lines.push(`SwapCached ${after.swapCachedPages} pages`);
  if (before.zswapStoredPages !== after.zswapStoredPages)
    lines.push(`zswap stored ${after.zswapStoredPages} pages`);
  after.memcgSwapCurrentPages.forEach((pages, memcg) => {
    if (before.memcgSwapCurrentPages[memcg] !== pages)
      lines.push(`memory.swap.current ${pages} pages`);
  });
  return lines;
}

function describeHolder(view: UserspaceHolder): string {
  switch (view.kind) {
    case 'empty':
      return 'empty';
    case 'present':
      return `present (page ${view.page}), content ${view.content}`;
    case 'swapped':
      return `swapped out (entry ${view.entry}) on device ${view.device ?? 'vswap'}, ${view.cached ? '' : 'not '}in the swap cache`;
  }
}

/** The reproducer for `program`. */
export function emitC(program: KernelProgram, source: EmitSource): string {
  const config = program.config;
  const priorities = new DevicePolicy(config.devices.map((device) => device.priority)).priorities;
  const memcg = programMemcg(config);
  const needsZswap =
    config.zswapEnabled ||
    program.steps.some((step) => step.action.kind === 'zswap' && step.action.enabled);
  const lines: string[] = [];
  const push = (...more: string[]) => lines.push(...more);
  const deviceArgs = config.devices.map((device, index) => `DEV${index}`).join(' ');
  const sourceSteps = program.steps.filter((step) => !step.drain).length;
  push('/*');
  push(` * swapcheck reproducer: ${source.origin}`);
  if (source.note !== undefined) push(` * ${source.note}`);
  push(' *');
  push(
    ` * ${sourceSteps} steps from the trace, then ${program.steps.length - sourceSteps} drain steps (read every swapped-out page back,`,
  );
  push(' * unmap everything, swap every device off). After each step the program prints what');
  push(
    ' * userspace sees (pagemap, mincore, page contents, /proc/swaps, /proc/meminfo) and checks',
  );
  push(` * it against what swapcheck's model expects of ${program.profile.kernel},`);
  push(
    ` * profile ${program.profile.name} (docs/kernel-oracle.md lists what the profile changes).`,
  );
  push(' *');
  push(' * Build:  gcc -static -o repro repro.c');
  push(` * Run:    ./repro ${deviceArgs}        (as root; no other swap area may be active)`);
  config.devices.forEach((device, index) => {
    const kind = device.synchronousIo
      ? 'a zram device, e.g. /dev/zram0 (modprobe zram; the program resets and sizes it)'
      : 'a block device that is not synchronous-I/O, e.g. a spare virtio disk /dev/vdb';
    const bad = device.bad.length === 0 ? '' : `, bad slots ${device.bad.join(',')}`;
    push(
      ` *   DEV${index}: ${kind}, at least ${device.slots} pages (${device.slots} slots${bad}, priority ${device.priority} -> ${priorities[index]})`,
    );
  });
  if (memcg !== undefined) {
    push(
      ` * It runs in a cgroup v2 cgroup of its own with memory.swap.max ${memcg.swapMax === null ? 'max' : `${memcg.swapMax} pages`} (cgroup2 at /sys/fs/cgroup)`,
    );
    push(' * and checks its memory.swap.current after every step.');
  }
  push(' * It prints "@step N", "@obs N ..." and "@check N ok|FAIL: ..." per step, then');
  push(' * "@verdict pass" (exit 0) or "@verdict fail N" (exit 1, N the first failing step);');
  push(' * "@error ..." (exit 2) when the machine cannot run it.');
  if (program.skippedDrain.length > 0) {
    push(' *');
    for (const skipped of program.skippedDrain)
      push(
        ` * Drain step left out: ${formatAction(skipped.action)}: ${skipped.rejection.reason} [${skipped.rejection.entry}]`,
      );
  }
  push(' */');
  push(`#define SC_HOLDERS ${config.holders}`);
  push(`#define SC_DEVICES ${config.devices.length}`);
  push(`#define SC_PROCESSES ${program.processes}`);
  push(`#define SC_USES_RECLAIM ${program.usesReclaim ? 1 : 0}`);
  push(`#define SC_NEEDS_ZSWAP ${needsZswap ? 1 : 0}`);
  push(`#define SC_ZSWAP_AT_START ${config.zswapEnabled ? 1 : 0}`);
  push(`#define SC_MEMCG ${memcg === undefined ? 0 : 1}`);
  push(`#define SC_SWAP_MAX_PAGES ${memcg?.swapMax ?? -1}`);
  push('');
  push(runtimeSource().trimEnd());
  push('');
  push('/* ---- this program ---- */');
  push('');
  config.devices.forEach((device, index) => {
    if (device.bad.length > 0)
      push(`static const int sc_bad_${index}[] = { ${device.bad.join(', ')} };`);
  });
  push(
    `static const struct sc_device sc_devices[${config.devices.length > 0 ? 'SC_DEVICES' : '1'}] = {`,
  );
  config.devices.forEach((device, index) => {
    const bad = device.bad.length === 0 ? 'NULL' : `sc_bad_${index}`;
    push(
      `\t{ ${device.slots}, ${device.bad.length}, ${bad}, ${priorities[index]}, ${device.synchronousIo ? 1 : 0} },`,
    );
  });
  push('};');
  push('');
  push('/* { process, page } of every holder; -1: never used. */');
  push('static const struct sc_place sc_places[SC_HOLDERS] = {');
  const places = program.placement.map((place) =>
    place === null ? '{ -1, -1 }' : `{ ${place.process}, ${place.page} }`,
  );
  for (let start = 0; start < places.length; start += 8)
    push(`\t${places.slice(start, start + 8).join(', ')},`);
  push('};');
  push('');
  push('int main(int argc, char **argv)');
  push('{');
  push('\tsc_begin(argc, argv);');
  push(`\tsc_check(0, ${cString(expectationText(program.initial))});`);
  let before = program.initial;
  for (const step of program.steps) {
    push('');
    push(...stepComment(program, step, before));
    push(`\tsc_step(${step.index}, ${cString(formatAction(step.action))});`);
    push(`\t${actionCall(step.action, step)}`);
    push(`\tsc_check(${step.index}, ${cString(expectationText(step.expect, stepErrno(step)))});`);
    before = step.expect;
  }
  push('\treturn sc_end();');
  push('}');
  return `${lines.join('\n')}\n`;
}

function stepComment(
  program: KernelProgram,
  step: ProgramStep,
  before: KernelExpectation,
): string[] {
  const lines = ['\t/*'];
  const label = step.drain ? 'drain' : 'trace';
  lines.push(`\t * Step ${step.index} (${label}): ${formatAction(step.action)}`);
  step.ops.forEach((op, index) => {
    const outcome = step.outcomes[index];
    const number = (step.opIndices[index] ?? 0) + 1;
    const origin = number <= program.sourceOps ? `op ${number}` : 'drain';
    lines.push(
      `\t *   ${origin.padEnd(7)} ${opText(op).padEnd(34)} ${opKernelNames[op.op].padEnd(28)} -> ${outcome === undefined ? '?' : formatOutcome(outcome)}`,
    );
  });
  const change = describeChange(before, step.expect);
  if (change.length > 0) {
    lines.push('\t * The model expects:');
    for (const line of change) lines.push(`\t *   ${line}`);
  }
  if (step.expect.adjusted.length > 0)
    lines.push(`\t * (profile entries applied: ${step.expect.adjusted.join(', ')})`);
  lines.push('\t */');
  return lines;
}

function opText(op: Op): string {
  return formatOp(op).replace(/ @cpu\d+$/, '');
}
