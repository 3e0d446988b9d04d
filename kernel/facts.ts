/**
 * Kernel scenario claims: hand-written statements of what userspace sees after an op, each
 * scenario citing the kernel function they rest on (the `kernel` block of a trace,
 * docs/trace-format.md). The same claims are checked against two views of the same step:
 * what the kernel showed (its observation), and what the model expects of the kernel (its
 * expectation). A scenario passes on the kernel when every claim holds there; the model
 * agrees with it when every claim holds in the model's expectation.
 *
 * Not covered here: the full step-by-step comparison of model and kernel (kernel/compare.ts),
 * which a scenario also gets when it runs.
 */
import type { Facts, KernelClaims } from '../properties/trace.ts';
import type { KernelObservation } from './output.ts';
import type { KernelProgram, ProgramStep } from './program.ts';
import type { KernelExpectation } from './session.ts';

/** One holder as a claim can talk about it. */
interface HolderFact {
  readonly kind: 'empty' | 'present' | 'swapped';
  readonly content?: string;
  readonly device?: number | null;
  readonly cached?: boolean;
  /** Equal exactly when two holders map one page, or hold one entry. */
  readonly key?: string;
}

/** The part of a step's state that claims are about. */
export interface FactView {
  readonly holders: ReadonlyMap<number, HolderFact>;
  readonly swapCached: number;
  readonly swapFree: number;
  readonly zswapStored: number | null;
  /** memory.swap.current of memcg 0 in pages; null when the config has no memcg. */
  readonly swapCurrent: number | null;
  /** Used pages per config device, or 'off'. */
  readonly used: readonly (number | 'off')[];
  readonly errno?: string;
}

/** The view of what the kernel showed; `types` maps swap types to config devices. */
export function kernelFactView(
  seen: KernelObservation,
  types: readonly (number | null)[],
  devices: number,
): FactView {
  const holders = new Map<number, HolderFact>();
  for (const [holder, view] of seen.holders) {
    if (view.kind === 'empty') holders.set(holder, { kind: 'empty' });
    else if (view.kind === 'present')
      holders.set(holder, {
        kind: 'present',
        content: view.restZero ? view.content : `${view.content}+`,
        key: `pfn:${view.pfn}`,
      });
    else
      holders.set(holder, {
        kind: 'swapped',
        device: types[view.type] ?? null,
        cached: view.cached,
        key: `swp:${view.type}:${view.offset}`,
      });
  }
  return {
    holders,
    swapCached: seen.swapCachedPages,
    swapFree: seen.swapFreePages,
    zswapStored: seen.zswapStoredPages,
    swapCurrent: seen.memcgSwapCurrentPages[0] ?? null,
    used: Array.from({ length: devices }, (_, index) => seen.devices[index]?.usedPages ?? 'off'),
    ...(seen.errno === undefined ? {} : { errno: seen.errno }),
  };
}

/** The view of what the model expects of the kernel. */
export function modelFactView(expect: KernelExpectation, errno?: string): FactView {
  const holders = new Map<number, HolderFact>();
  for (const { holder, view } of expect.holders) {
    if (view.kind === 'empty') holders.set(holder, { kind: 'empty' });
    else if (view.kind === 'present')
      holders.set(holder, { kind: 'present', content: String(view.content), key: view.page });
    else
      holders.set(holder, {
        kind: 'swapped',
        device: view.device,
        cached: view.cached,
        key: view.entry,
      });
  }
  return {
    holders,
    swapCached: expect.swapCachedPages,
    swapFree: expect.swapFreePages,
    zswapStored: expect.zswapStoredPages,
    swapCurrent: expect.memcgSwapCurrentPages[0] ?? null,
    used: expect.devices.map((device) => (device.online ? device.usedPages : 'off')),
    ...(errno === undefined ? {} : { errno }),
  };
}

/** Every claim of `facts` that `view` breaks, as sentences (none: all hold). */
export function checkFacts(facts: Facts, view: FactView): string[] {
  const broken: string[] = [];
  for (const [key, claim] of Object.entries(facts.holders ?? {})) {
    const holder = Number(key);
    const actual = view.holders.get(holder) ?? { kind: 'empty' as const };
    const problem = holderProblem(claim, actual);
    if (problem !== null) broken.push(`holder ${holder}: ${problem}`);
  }
  const pairCheck = (
    pairs: readonly (readonly [number, number])[] | undefined,
    shared: boolean,
  ) => {
    for (const [a, b] of pairs ?? []) {
      const keyA = view.holders.get(a)?.key;
      const keyB = view.holders.get(b)?.key;
      const same = keyA !== undefined && keyA === keyB;
      if (same !== shared)
        broken.push(
          `holders ${a} and ${b} ${same ? 'share' : 'do not share'} a page or entry; claimed they ${shared ? 'do' : 'do not'}`,
        );
    }
  };
  pairCheck(facts.same, true);
  pairCheck(facts.differ, false);
  const counter = (name: string, claimed: number | undefined, actual: number | null) => {
    if (claimed !== undefined && actual !== null && claimed !== actual)
      broken.push(`${name} is ${actual} pages; claimed ${claimed}`);
  };
  counter('SwapCached', facts.swapCached, view.swapCached);
  counter('SwapFree', facts.swapFree, view.swapFree);
  counter('zswap stored', facts.zswapStored, view.zswapStored);
  // A claim about memory.swap.current where there is no memcg to read is broken, not skipped.
  if (facts.swapCurrent !== undefined && view.swapCurrent === null)
    broken.push(`memory.swap.current is not shown (no memcg); claimed ${facts.swapCurrent} pages`);
  else counter('memory.swap.current', facts.swapCurrent, view.swapCurrent);
  for (const [key, claimed] of Object.entries(facts.used ?? {})) {
    const actual = view.used[Number(key)];
    if (actual !== claimed)
      broken.push(
        `device ${key} is ${actual === 'off' ? 'off' : `${actual} pages used`}; claimed ${claimed === 'off' ? 'off' : `${claimed} pages used`}`,
      );
  }
  if (facts.errno !== undefined && facts.errno !== view.errno)
    broken.push(`the syscall returned ${view.errno ?? 'nothing'}; claimed ${facts.errno}`);
  return broken;
}

function holderProblem(claim: string, actual: HolderFact): string | null {
  const match = /^(empty|present|swapped)(?:=(\d+))?(?:@(\d+))?([+-])?$/.exec(claim);
  if (match === null) return `unreadable claim '${claim}'`;
  const [, kind, content, device, cached] = match;
  const shown = describe(actual);
  if (actual.kind !== kind) return `is ${shown}; claimed ${claim}`;
  if (content !== undefined && actual.content !== content) return `is ${shown}; claimed ${claim}`;
  if (device !== undefined && actual.device !== Number(device))
    return `is ${shown}; claimed ${claim}`;
  if (cached !== undefined && actual.cached !== (cached === '+'))
    return `is ${shown}; claimed ${claim}`;
  return null;
}

function describe(fact: HolderFact): string {
  if (fact.kind === 'empty') return 'empty';
  if (fact.kind === 'present') return `present=${fact.content ?? '?'}`;
  return `swapped@${fact.device ?? '?'}${fact.cached === true ? '+' : '-'}`;
}

/** The program step that holds source op `op` (1-based), or null. */
export function stepOfOp(program: KernelProgram, op: number): ProgramStep | null {
  return program.steps.find((step) => step.opIndices.includes(op - 1)) ?? null;
}

/** Every broken claim of a scenario in the model's expectations, by claim. */
export function checkClaimsOnModel(program: KernelProgram, claims: KernelClaims): string[] {
  const broken: string[] = [];
  for (const facts of claims.expect) {
    const step = stepOfOp(program, facts.op);
    if (step === null) {
      broken.push(
        `after op ${facts.op}: no step runs that op (it fails in the model, or is past the end)`,
      );
      continue;
    }
    const errno =
      step.action.kind === 'swapon' || step.action.kind === 'swapoff'
        ? step.outcomes[0]?.errno
        : undefined;
    for (const problem of checkFacts(facts, modelFactView(step.expect, errno)))
      broken.push(`after op ${facts.op}: ${problem}`);
  }
  return broken;
}

/** Every broken claim of a scenario in what the kernel showed. */
export function checkClaimsOnKernel(
  program: KernelProgram,
  claims: KernelClaims,
  observations: ReadonlyMap<number, KernelObservation | null>,
): string[] {
  const broken: string[] = [];
  for (const facts of claims.expect) {
    const step = stepOfOp(program, facts.op);
    const seen = step === null ? null : (observations.get(step.index) ?? null);
    if (step === null || seen === null) {
      broken.push(`after op ${facts.op}: the kernel showed nothing for it`);
      continue;
    }
    for (const problem of checkFacts(
      facts,
      kernelFactView(seen, step.expect.types, program.config.devices.length),
    ))
      broken.push(`after op ${facts.op}: ${problem}`);
  }
  return broken;
}
