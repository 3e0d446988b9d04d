/**
 * Reads what a kernel program printed (the line protocol of kernel/c/runtime.c) into one
 * observation per step: each placed holder as pagemap and mincore showed it (with a present
 * page's content), each device's /proc/swaps line, /proc/meminfo's swap counters, the
 * cgroup's memory.swap.current when the program has a memcg, and the errno of a swapon or
 * swapoff. Also the program's own per-step checks and verdict, which the
 * harness compares with its own (kernel/compare.ts).
 *
 * Not covered here: the comparison itself.
 */

export type SeenHolder =
  | { readonly kind: 'empty' }
  | {
      readonly kind: 'present';
      readonly pfn: string;
      readonly content: string;
      readonly restZero: boolean;
    }
  | {
      readonly kind: 'swapped';
      readonly type: number;
      readonly offset: string;
      readonly cached: boolean;
    };

export interface SeenDevice {
  readonly usedPages: number;
  readonly sizePages: number;
}

export interface KernelObservation {
  readonly holders: ReadonlyMap<number, SeenHolder>;
  /** Config order; null when the device is not in /proc/swaps. */
  readonly devices: readonly (SeenDevice | null)[];
  readonly swapTotalPages: number;
  readonly swapFreePages: number;
  readonly swapCachedPages: number;
  /** null when the kernel shows no zswap counter. */
  readonly zswapStoredPages: number | null;
  /** memory.swap.current of each memcg, in pages (`memcgN=` tokens; empty without one). */
  readonly memcgSwapCurrentPages: readonly number[];
  readonly errno?: string;
}

export interface KernelStepOutput {
  readonly step: number;
  readonly what: string;
  readonly observation: KernelObservation | null;
  /** The program's own check: null when it printed none. */
  readonly check: { readonly ok: boolean; readonly text: string } | null;
}

export type KernelVerdict =
  | { readonly kind: 'pass' }
  | { readonly kind: 'fail'; readonly step: number }
  | { readonly kind: 'error'; readonly message: string }
  /** No verdict line: the program died, or the kernel did. */
  | { readonly kind: 'incomplete' };

export interface KernelOutput {
  readonly steps: ReadonlyMap<number, KernelStepOutput>;
  readonly verdict: KernelVerdict;
}

/** Parses a program's output; lines it does not know are ignored (kernel messages). */
export function parseKernelOutput(text: string): KernelOutput {
  const steps = new Map<
    number,
    { what: string; observation: KernelObservation | null; check: KernelStepOutput['check'] }
  >();
  const stepAt = (step: number) => {
    let entry = steps.get(step);
    if (entry === undefined) {
      entry = { what: step === 0 ? 'set-up' : '', observation: null, check: null };
      steps.set(step, entry);
    }
    return entry;
  };
  let verdict: KernelVerdict = { kind: 'incomplete' };
  for (const line of text.split('\n')) {
    const match = /^@(\w+) ?(.*)$/.exec(line);
    if (match === null) continue;
    const [, tag, rest = ''] = match;
    const number = Number.parseInt(rest, 10);
    const after = rest.replace(/^\d+ ?/, '');
    switch (tag) {
      case 'step':
        stepAt(number).what = after;
        break;
      case 'obs':
        stepAt(number).observation = parseObservation(after);
        break;
      case 'check':
        stepAt(number).check =
          after === 'ok'
            ? { ok: true, text: 'ok' }
            : { ok: false, text: after.replace(/^FAIL: /, '') };
        break;
      case 'verdict':
        verdict =
          rest === 'pass'
            ? { kind: 'pass' }
            : { kind: 'fail', step: Number.parseInt(rest.replace(/^fail /, ''), 10) };
        break;
      case 'error':
        verdict = { kind: 'error', message: rest };
        break;
      default:
        break;
    }
  }
  const result = new Map<number, KernelStepOutput>();
  for (const [step, entry] of [...steps].sort(([a], [b]) => a - b))
    result.set(step, { step, ...entry });
  return { steps: result, verdict };
}

function parseObservation(text: string): KernelObservation {
  const holders = new Map<number, SeenHolder>();
  const devices: (SeenDevice | null)[] = [];
  const numbers: Record<string, number> = {};
  const memcgs: number[] = [];
  let errno: string | undefined;
  for (const token of text.split(' ')) {
    const [key = '', value = ''] = token.split('=');
    if (/^h\d+$/.test(key)) {
      holders.set(Number(key.slice(1)), parseHolder(value));
    } else if (/^dev\d+$/.test(key)) {
      const [used, size] = value.split('/');
      devices[Number(key.slice(3))] =
        value === 'off' ? null : { usedPages: Number(used), sizePages: Number(size) };
    } else if (/^memcg\d+$/.test(key)) {
      memcgs[Number(key.slice(5))] = Number(value);
    } else if (key === 'errno') {
      errno = value;
    } else if (key !== '') {
      numbers[key] = Number(value);
    }
  }
  const zswap = numbers.zswap ?? -1;
  return {
    holders,
    devices: Array.from({ length: devices.length }, (_, index) => devices[index] ?? null),
    swapTotalPages: numbers.total ?? 0,
    swapFreePages: numbers.free ?? 0,
    swapCachedPages: numbers.cached ?? 0,
    zswapStoredPages: zswap < 0 ? null : zswap,
    memcgSwapCurrentPages: Array.from(
      { length: memcgs.length },
      (_, index) => memcgs[index] ?? Number.NaN,
    ),
    ...(errno === undefined ? {} : { errno }),
  };
}

function parseHolder(value: string): SeenHolder {
  if (value.startsWith('P')) {
    const [pfn = '', content = '', restZero = '1'] = value.slice(1).split(':');
    return { kind: 'present', pfn, content, restZero: restZero === '1' };
  }
  if (value.startsWith('S')) {
    const [type = '0', offset = '', cached = '0'] = value.slice(1).split(':');
    return { kind: 'swapped', type: Number(type), offset, cached: cached === '1' };
  }
  return { kind: 'empty' };
}
