/**
 * A whole observation in kernel words, one object per line (`replay --verbose --full`): every
 * holder whose PTE is not none, every live entry by its design value (`swp(1:16)`), every
 * live folio, every device, and the globals (nr_swap_pages, the zswap pool).
 *
 * Not covered here: differences between two observations (properties/divergence.ts).
 */
import type { Observation } from '../lib/observation.ts';
import { deviceWords, entryWords, folioWords, holderWords, type EntryNamer } from './divergence.ts';

export function stateLines(observation: Observation, name: EntryNamer): string[] {
  const lines: string[] = [];
  observation.holders.forEach((view, index) => {
    if (view.kind !== 'empty') lines.push(`holder ${index}'s PTE ${holderWords(view, name)}`);
  });
  for (const view of observation.entries)
    lines.push(`entry ${name(view.entry)}: ${entryWords(view)}`);
  for (const view of observation.folios) lines.push(`folio ${view.id}: ${folioWords(view)}`);
  observation.devices.forEach((view, index) => lines.push(`device ${index}: ${deviceWords(view)}`));
  lines.push(
    `nr_swap_pages ${observation.swapFreePages}; zswap ${observation.zswapEnabled ? 'enabled' : 'disabled'}, ` +
      `${observation.zswapStored} pages stored`,
  );
  return lines;
}
