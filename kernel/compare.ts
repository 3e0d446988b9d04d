/**
 * Compares what a kernel program showed after a step with what the model expects of that
 * kernel, in the terms userspace has: a holder is empty, present (its page frame and content)
 * or swapped out (its swap type and offset, and whether mincore finds it in the swap cache);
 * holders share a frame exactly when the model says they map one page, and a type and offset
 * exactly when they hold one entry; each device's used pages; SwapTotal, SwapFree,
 * SwapCached; zswap's stored pages; each memcg's memory.swap.current; the errno of swapon
 * and swapoff. The same checks run in
 * the program itself (sc_check() in kernel/c/runtime.c); the harness uses these to report,
 * and a test keeps the two verdicts equal.
 *
 * Not covered here: reading the output (kernel/output.ts).
 */
import type { UserspaceHolder } from '../lib/userspace-view.ts';
import type { KernelObservation, SeenHolder } from './output.ts';
import type { Place } from './placement.ts';
import type { KernelExpectation } from './session.ts';

export type DifferenceKind =
  | 'holder-state'
  | 'content'
  | 'swap-device'
  | 'swap-cache'
  | 'sharing'
  | 'device'
  | 'swap-total'
  | 'swap-free'
  | 'swap-cached'
  | 'zswap'
  | 'memcg-swap'
  | 'errno';

export interface Difference {
  readonly kind: DifferenceKind;
  /** One sentence in kernel words. */
  readonly text: string;
}

/** Every difference between an expectation and an observation (none: they agree). */
export function compareStep(
  expect: KernelExpectation,
  seen: KernelObservation,
  placement: readonly (Place | null)[],
  errno?: string,
): Difference[] {
  const differences: Difference[] = [];
  const add = (kind: DifferenceKind, text: string) => differences.push({ kind, text });
  const name = (holder: number) => {
    const place = placement[holder];
    return place === null || place === undefined
      ? `holder ${holder}`
      : `holder ${holder} (process ${place.process}, page ${place.page})`;
  };
  const observed: { holder: number; want: UserspaceHolder; got: SeenHolder }[] = [];
  for (const { holder, view } of expect.holders) {
    const got = seen.holders.get(holder) ?? { kind: 'empty' as const };
    observed.push({ holder, want: view, got });
    if (kindOf(view) !== got.kind) {
      add(
        'holder-state',
        `${name(holder)}: pagemap shows ${describeSeen(got)}; the model expects ${describeWanted(view)}`,
      );
      continue;
    }
    if (view.kind === 'present' && got.kind === 'present') {
      if (got.content !== String(view.content) || !got.restZero) {
        add(
          'content',
          `${name(holder)}: the page holds ${got.content}${got.restZero ? '' : ' (and other bytes)'}; the model expects ${view.content}`,
        );
      }
    }
    if (view.kind === 'swapped' && got.kind === 'swapped') {
      const device = expect.types[got.type] ?? null;
      if (device !== view.device) {
        add(
          'swap-device',
          `${name(holder)}: swapped to swap type ${got.type} (${device === null ? 'no device of the program' : `device ${device}`}); the model expects device ${view.device ?? 'vswap'}`,
        );
      }
      if (got.cached !== view.cached) {
        add(
          'swap-cache',
          `${name(holder)}: its swap entry is ${got.cached ? '' : 'not '}in the swap cache (mincore); the model expects it ${view.cached ? 'in' : 'out of'} it`,
        );
      }
    }
  }
  for (let i = 0; i < observed.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = observed[j] as (typeof observed)[number];
      const b = observed[i] as (typeof observed)[number];
      const sharedKey = shareKey(a.want) !== null && shareKey(a.want) === shareKey(b.want);
      const shapeMatch =
        a.want.kind === b.want.kind && a.got.kind === a.want.kind && b.got.kind === b.want.kind;
      if (!shapeMatch || a.want.kind === 'empty') continue;
      const sharedSeen = seenKey(a.got) === seenKey(b.got);
      if (sharedKey === sharedSeen) continue;
      const what =
        a.want.kind === 'present'
          ? ['map one page frame', 'map different page frames']
          : ['hold one swap entry (same type and offset)', 'hold different swap entries'];
      add(
        'sharing',
        `${name(a.holder)} and ${name(b.holder)} ${sharedSeen ? what[0] : what[1]}; the model expects them to ${sharedKey ? what[0] : what[1]}`,
      );
    }
  }
  expect.devices.forEach((device, index) => {
    const got = seen.devices[index] ?? null;
    if (device.online !== (got !== null)) {
      add(
        'device',
        `device ${index}: ${got === null ? 'not in /proc/swaps' : 'in /proc/swaps'}; the model expects it ${device.online ? 'online' : 'off'}`,
      );
    } else if (
      got !== null &&
      (got.usedPages !== device.usedPages || got.sizePages !== device.sizePages)
    ) {
      add(
        'device',
        `device ${index}: /proc/swaps shows ${got.usedPages} of ${got.sizePages} pages used; the model expects ${device.usedPages} of ${device.sizePages} (inuse_pages)`,
      );
    }
  });
  if (seen.swapTotalPages !== expect.swapTotalPages)
    add(
      'swap-total',
      `SwapTotal: ${seen.swapTotalPages} pages; the model expects ${expect.swapTotalPages}`,
    );
  if (seen.swapFreePages !== expect.swapFreePages)
    add(
      'swap-free',
      `SwapFree: ${seen.swapFreePages} pages; the model expects ${expect.swapFreePages} (nr_swap_pages)`,
    );
  if (seen.swapCachedPages !== expect.swapCachedPages)
    add(
      'swap-cached',
      `SwapCached: ${seen.swapCachedPages} pages; the model expects ${expect.swapCachedPages} (pages of swap-cache folios)`,
    );
  if (seen.zswapStoredPages !== null && seen.zswapStoredPages !== expect.zswapStoredPages) {
    add(
      'zswap',
      `zswap stored pages: ${seen.zswapStoredPages}; the model expects ${expect.zswapStoredPages}`,
    );
  }
  expect.memcgSwapCurrentPages.forEach((pages, memcg) => {
    const got = seen.memcgSwapCurrentPages[memcg];
    if (got !== pages)
      add(
        'memcg-swap',
        `memory.swap.current of memcg ${memcg}: ${got === undefined ? 'not shown' : `${got} pages`}; the model expects ${pages} (swap pages charged to it)`,
      );
  });
  if (errno !== undefined && seen.errno !== errno)
    add('errno', `the syscall returned ${seen.errno ?? 'nothing'}; the model expects ${errno}`);
  return differences;
}

function kindOf(view: UserspaceHolder): SeenHolder['kind'] {
  return view.kind;
}

function shareKey(view: UserspaceHolder): string | null {
  if (view.kind === 'present') return `page:${view.page}`;
  if (view.kind === 'swapped') return `entry:${view.entry}`;
  return null;
}

function seenKey(seen: SeenHolder): string | null {
  if (seen.kind === 'present') return `pfn:${seen.pfn}`;
  if (seen.kind === 'swapped') return `swp:${seen.type}:${seen.offset}`;
  return null;
}

function describeSeen(seen: SeenHolder): string {
  switch (seen.kind) {
    case 'empty':
      return 'nothing mapped';
    case 'present':
      return `a present page (content ${seen.content})`;
    case 'swapped':
      return `a swap entry (type ${seen.type}, offset ${seen.offset}${seen.cached ? ', in the swap cache' : ''})`;
  }
}

function describeWanted(view: UserspaceHolder): string {
  switch (view.kind) {
    case 'empty':
      return 'nothing mapped';
    case 'present':
      return `a present page (content ${view.content})`;
    case 'swapped':
      return `a swap entry on device ${view.device ?? 'vswap'}${view.cached ? ', in the swap cache' : ''}`;
  }
}
