/**
 * What a program or a tool would see differently on a design than on classic: both replay the
 * same op stream, and after the same ops their userspace views (lib/userspace-view.ts's
 * userspaceViewOf, the one definition the kernel oracle also compares with) are compared
 * interface by interface. For each interface the result says after how many of the compared
 * ops it differed, and gives the first difference as an example: the op, the holder or device,
 * and the two values.
 *
 * Userspace sees swap entries only through equalities (the same type and offset exactly when
 * two page-table slots hold the same entry), so offsets are compared as a partition of the
 * swapped-out holders, not as numbers; the swap type is compared as physical device or
 * virtual; each memory cgroup's memory.swap.current per cgroup. A field of UserspaceView not
 * handled below (one the view gains later) is still compared, as a whole, under its own
 * label.
 *
 * Not covered here: running the streams (properties/compare.ts) and printing
 * (properties/compare-format.ts).
 */
import { formatOp, type Op } from '../lib/ops.ts';
import type { UserspaceHolder, UserspaceView } from '../lib/userspace-view.ts';

/** One difference: where, and what each side shows. */
export interface UserspaceExample {
  /** Index of the op in the stream after which the views differ. */
  readonly op: number;
  readonly opText: string;
  /** `holder 5`, `device 1`, or '' for a machine-wide figure. */
  readonly where: string;
  readonly reference: string;
  readonly design: string;
}

export interface InterfaceDiff {
  readonly id: string;
  readonly label: string;
  /** Compared views in which this interface differed. */
  readonly differingViews: number;
  readonly first: UserspaceExample | null;
}

export interface UserspaceDiff {
  /** The design compared against. */
  readonly reference: string;
  /** Views compared (one per op for the mix workloads, one per phase at scale). */
  readonly views: number;
  /** Every interface, in `interfaceIds` order. */
  readonly interfaces: readonly InterfaceDiff[];
}

type Found = { readonly where: string; readonly reference: string; readonly design: string } | null;

interface Interface {
  readonly id: string;
  readonly label: string;
  /** The first difference between the two views, or null. */
  readonly differ: (reference: UserspaceView, design: UserspaceView) => Found;
}

function holderState(holder: UserspaceHolder | undefined): string {
  if (holder === undefined) return 'absent';
  return holder.kind === 'swapped' ? 'swapped out' : holder.kind;
}

function swapType(device: number | null): string {
  return device === null ? 'the virtual device' : `type ${device}`;
}

/** For each holder swapped out on both sides, the first such holder with the same entry. */
function partition(
  views: readonly UserspaceHolder[],
  both: readonly number[],
  key: (holder: UserspaceHolder) => string,
): Map<number, number> {
  const firstOf = new Map<string, number>();
  const classes = new Map<number, number>();
  for (const index of both) {
    const holder = views[index];
    if (holder === undefined) continue;
    const k = key(holder);
    const first = firstOf.get(k) ?? index;
    firstOf.set(k, first);
    classes.set(index, first);
  }
  return classes;
}

function sharing(index: number, first: number | undefined): string {
  return first === undefined || first === index
    ? 'an offset of its own'
    : `the offset of holder ${first}`;
}

/** Holders of the given kind on both sides. */
function holdersBoth(
  reference: UserspaceView,
  design: UserspaceView,
  kind: UserspaceHolder['kind'],
): number[] {
  const both: number[] = [];
  reference.holders.forEach((holder, index) => {
    if (holder.kind === kind && design.holders[index]?.kind === kind) both.push(index);
  });
  return both;
}

function perHolder(
  reference: UserspaceView,
  design: UserspaceView,
  kind: UserspaceHolder['kind'],
  show: (holder: UserspaceHolder) => string,
): Found {
  for (const index of holdersBoth(reference, design, kind)) {
    const a = show(reference.holders[index] as UserspaceHolder);
    const b = show(design.holders[index] as UserspaceHolder);
    if (a !== b) return { where: `holder ${index}`, reference: a, design: b };
  }
  return null;
}

function perDevice(
  reference: UserspaceView,
  design: UserspaceView,
  show: (device: UserspaceView['devices'][number]) => string,
): Found {
  const count = Math.max(reference.devices.length, design.devices.length);
  for (let index = 0; index < count; index++) {
    const a = reference.devices[index];
    const b = design.devices[index];
    const shownA = a === undefined ? 'absent' : show(a);
    const shownB = b === undefined ? 'absent' : show(b);
    if (shownA !== shownB) return { where: `device ${index}`, reference: shownA, design: shownB };
  }
  return null;
}

/** The first memcg whose memory.swap.current differs. */
function perMemcg(reference: UserspaceView, design: UserspaceView): Found {
  const count = Math.max(
    reference.memcgSwapCurrentPages.length,
    design.memcgSwapCurrentPages.length,
  );
  for (let index = 0; index < count; index++) {
    const a = reference.memcgSwapCurrentPages[index];
    const b = design.memcgSwapCurrentPages[index];
    const shownA = a === undefined ? 'absent' : `${a} pages`;
    const shownB = b === undefined ? 'absent' : `${b} pages`;
    if (shownA !== shownB) return { where: `memcg ${index}`, reference: shownA, design: shownB };
  }
  return null;
}

function scalar(a: number, b: number, unit = ' pages'): Found {
  return a === b ? null : { where: '', reference: `${a}${unit}`, design: `${b}${unit}` };
}

const swappedKey = (holder: UserspaceHolder) => (holder.kind === 'swapped' ? holder.entry : '');
const pageKey = (holder: UserspaceHolder) => (holder.kind === 'present' ? holder.page : '');

const interfaces: readonly Interface[] = [
  {
    id: 'pagemap-present',
    label: 'pagemap: present / swapped bits',
    differ: (a, b) => {
      const count = Math.max(a.holders.length, b.holders.length);
      for (let index = 0; index < count; index++) {
        const x = holderState(a.holders[index]);
        const y = holderState(b.holders[index]);
        if (x !== y) return { where: `holder ${index}`, reference: x, design: y };
      }
      return null;
    },
  },
  {
    id: 'pagemap-swap-type',
    label: 'pagemap: swap type of a swapped-out page',
    differ: (a, b) =>
      perHolder(a, b, 'swapped', (holder) =>
        holder.kind === 'swapped' ? swapType(holder.device) : '',
      ),
  },
  {
    id: 'pagemap-swap-offset',
    label: 'pagemap: swap offsets (which pages share an entry)',
    differ: (a, b) => {
      const both = holdersBoth(a, b, 'swapped');
      const x = partition(a.holders, both, swappedKey);
      const y = partition(b.holders, both, swappedKey);
      for (const index of both) {
        if (x.get(index) !== y.get(index)) {
          return {
            where: `holder ${index}`,
            reference: sharing(index, x.get(index)),
            design: sharing(index, y.get(index)),
          };
        }
      }
      return null;
    },
  },
  {
    id: 'mincore',
    label: 'mincore: swapped-out page in the swap cache',
    differ: (a, b) =>
      perHolder(a, b, 'swapped', (holder) =>
        holder.kind === 'swapped' && holder.cached ? 'cached' : 'not cached',
      ),
  },
  {
    id: 'page-frames',
    label: 'pagemap frames and page contents of present pages',
    differ: (a, b) => {
      const both = holdersBoth(a, b, 'present');
      const x = partition(a.holders, both, pageKey);
      const y = partition(b.holders, both, pageKey);
      const show = (view: UserspaceView, classes: Map<number, number>, index: number) => {
        const holder = view.holders[index];
        const first = classes.get(index);
        const frame =
          first === undefined || first === index ? 'its own frame' : `the frame of holder ${first}`;
        return `content ${holder?.kind === 'present' ? holder.content : '?'}, ${frame}`;
      };
      for (const index of both) {
        const p = show(a, x, index);
        const q = show(b, y, index);
        if (p !== q) return { where: `holder ${index}`, reference: p, design: q };
      }
      return null;
    },
  },
  {
    id: 'proc-swaps-size',
    label: '/proc/swaps: devices and their sizes',
    differ: (a, b) =>
      perDevice(a, b, (device) => (device.online ? `${device.sizePages} pages` : 'not listed')),
  },
  {
    id: 'proc-swaps-used',
    label: '/proc/swaps: used pages per device',
    differ: (a, b) =>
      perDevice(a, b, (device) => (device.online ? `${device.usedPages} used` : 'not listed')),
  },
  {
    id: 'swap-total',
    label: '/proc/meminfo: SwapTotal',
    differ: (a, b) => scalar(a.swapTotalPages, b.swapTotalPages),
  },
  {
    id: 'swap-free',
    label: '/proc/meminfo: SwapFree',
    differ: (a, b) => scalar(a.swapFreePages, b.swapFreePages),
  },
  {
    id: 'swap-cached',
    label: '/proc/meminfo: SwapCached',
    differ: (a, b) => scalar(a.swapCachedPages, b.swapCachedPages),
  },
  {
    id: 'zswap-stored',
    label: 'zswap: stored pages (Zswapped)',
    differ: (a, b) => scalar(a.zswapStoredPages, b.zswapStoredPages),
  },
  { id: 'memcg-swap-current', label: 'memory.swap.current (per cgroup)', differ: perMemcg },
];

/** The fields of UserspaceView the interfaces above read. */
const handledFields = new Set([
  'holders',
  'devices',
  'swapTotalPages',
  'swapFreePages',
  'swapCachedPages',
  'zswapStoredPages',
  'memcgSwapCurrentPages',
]);

/** Labels of fields compared as a whole, by field name (a field without one shows its name). */
const extraLabels: Readonly<Record<string, string>> = {
  swapEventsMax: 'memory.swap.events: max (per cgroup)',
};

/** The fields of `view` compared as a whole, in name order. */
function extraFields(view: UserspaceView): string[] {
  return Object.keys(view)
    .filter((key) => !handledFields.has(key))
    .sort();
}

function wholeField(field: string): Interface {
  return {
    id: field,
    label: extraLabels[field] ?? field,
    differ: (a, b) => {
      const x = JSON.stringify((a as unknown as Record<string, unknown>)[field]) ?? 'absent';
      const y = JSON.stringify((b as unknown as Record<string, unknown>)[field]) ?? 'absent';
      return x === y ? null : { where: '', reference: x, design: y };
    },
  };
}

/** Compares a design's views with the reference's, op by op, and keeps the summary. */
export class UserspaceDiffer {
  private views = 0;
  private readonly counts = new Map<string, number>();
  private readonly firsts = new Map<string, UserspaceExample>();
  private readonly labels = new Map<string, string>(
    interfaces.map((face) => [face.id, face.label]),
  );

  readonly reference: string;

  constructor(reference: string) {
    this.reference = reference;
  }

  /** Compares the views after op `index` (`op`; -1 and null before the first op). */
  compare(index: number, op: Op | null, reference: UserspaceView, design: UserspaceView): void {
    this.views++;
    const extras = [...new Set([...extraFields(reference), ...extraFields(design)])].map(
      wholeField,
    );
    for (const face of [...interfaces, ...extras]) {
      this.labels.set(face.id, face.label);
      const found = face.differ(reference, design);
      if (found === null) continue;
      this.counts.set(face.id, (this.counts.get(face.id) ?? 0) + 1);
      if (!this.firsts.has(face.id)) {
        this.firsts.set(face.id, {
          op: index,
          opText: op === null ? '(start)' : formatOp(op),
          ...found,
        });
      }
    }
  }

  result(): UserspaceDiff {
    return {
      reference: this.reference,
      views: this.views,
      interfaces: [...this.labels].map(([id, label]) => ({
        id,
        label,
        differingViews: this.counts.get(id) ?? 0,
        first: this.firsts.get(id) ?? null,
      })),
    };
  }
}

/** The interface ids in report order (the fields compared as a whole come after these). */
export const interfaceIds: readonly string[] = interfaces.map((face) => face.id);
