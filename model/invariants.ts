/**
 * The model's own invariants ("Invariants the model keeps" in docs/semantics.md), plus the
 * referential facts they rest on. A violation is a bug in the model, so it throws an
 * AssertionError rather than an InvariantViolation (which names an impl invariant).
 *
 * Not covered here: the agreement of the model's indexes with their scans (checkIndexes() in
 * model/state.ts), the impl's white-box audit (impl/audit.ts) and the comparison of
 * observations (properties/).
 */
import { assertThat } from '../lib/assert.ts';
import type { Config } from '../lib/config.ts';
import { backendContent, entryAt, folioAt, memcgChargedScan } from './state.ts';
import type { ModelState } from './state.ts';

/** Throws an AssertionError naming the first invariant that `state` breaks. */
export function checkInvariants(state: ModelState, config: Config): void {
  checkHolders(state);
  checkFolios(state);
  checkEntries(state);
  checkMemcgs(state, config);
}

/** No memcg's swap usage exceeds its swap.max: every charge that would have failed. Counted
 * by the scan, so that the invariants hold of the state alone, whatever its indexes say. */
function checkMemcgs(state: ModelState, config: Config): void {
  const charged = memcgChargedScan(state, config);
  (config.memcgs ?? []).forEach((memcg, index) => {
    const current = charged[index] as number; // one count per memcg
    assertThat(
      memcg.swapMax === null || current <= memcg.swapMax,
      'memcg ',
      index,
      ' uses ',
      current,
      ' pages of swap, over its swap.max ',
      memcg.swapMax,
    );
  });
}

/**
 * Every holder names a live folio page or a live entry; an exclusive mapping is the only one
 * of its page, and an exclusive swap PTE the only holder of its entry.
 */
function checkHolders(state: ModelState): void {
  const pageMaps = new Map<string, number>();
  const entryHolds = new Map<number, number>();
  for (const holder of state.holders) {
    if (holder.kind === 'present')
      pageMaps.set(
        `${holder.folio}.${holder.page}`,
        (pageMaps.get(`${holder.folio}.${holder.page}`) ?? 0) + 1,
      );
    if (holder.kind === 'swap')
      entryHolds.set(holder.entry, (entryHolds.get(holder.entry) ?? 0) + 1);
  }
  state.holders.forEach((holder, index) => {
    if (holder.kind === 'present') {
      const folio = folioAt(state, holder.folio);
      assertThat(holder.page < folio.pages.length, 'holder ', index, ' maps a missing page');
      assertThat(
        !holder.exclusive || pageMaps.get(`${holder.folio}.${holder.page}`) === 1,
        'holder ',
        index,
        ' maps a shared page exclusively',
      );
    }
    if (holder.kind === 'swap') {
      entryAt(state, holder.entry);
      assertThat(
        !holder.exclusive || entryHolds.get(holder.entry) === 1,
        'holder ',
        index,
        ' holds a shared entry exclusively',
      );
    }
  });
}

/** Folios are live, sized by their order, dirty unless in the swap cache, and in the memcg
 * of the entries they are bound to. */
function checkFolios(state: ModelState): void {
  const bound = new Set<number>();
  // One pass over the holders instead of isMapped() per folio, so that a self-check stays
  // linear in the state.
  const mapped = new Set<number>();
  for (const holder of state.holders) if (holder.kind === 'present') mapped.add(holder.folio);
  for (const folio of state.folios.values()) {
    assertThat(folio.id < state.nextFolio, 'folio ', folio.id, ' is ahead of the id counter');
    assertThat(
      folio.pages.length === 2 ** folio.order,
      'folio ',
      folio.id,
      ' has the wrong page count',
    );
    const held = folio.swap !== null || mapped.has(folio.id);
    assertThat(held, 'folio ', folio.id, ' is held by nothing');
    assertThat(
      folio.swap !== null || folio.dirty,
      'folio ',
      folio.id,
      ' is clean outside the swap cache',
    );
    const swap = folio.swap ?? [];
    assertThat(
      folio.swap === null || swap.length === folio.pages.length,
      'folio ',
      folio.id,
      ' is partly bound',
    );
    for (const [page, serial] of swap.entries()) {
      assertThat(!bound.has(serial), 'entry ', serial, ' is bound to two pages');
      bound.add(serial);
      const entry = entryAt(state, serial);
      assertThat(
        entry.memcg === folio.memcg,
        'folio ',
        folio.id,
        ' and its entry ',
        serial,
        ' belong to different memcgs',
      );
      const content = backendContent(entry.backend);
      assertThat(
        folio.dirty || content === folio.pages[page],
        'clean folio ',
        folio.id,
        ' page ',
        page,
        ' differs from the backend of entry ',
        serial,
      );
    }
  }
}

/** Counts match holders; entries are live, readable, and shadowed only when swapped out. */
function checkEntries(state: ModelState): void {
  // The holders of each entry and the cached entries, each in one pass (holdersOf() and
  // cacheOf() per entry would make a self-check quadratic).
  const holders = new Map<number, number>();
  for (const holder of state.holders) {
    if (holder.kind === 'swap') holders.set(holder.entry, (holders.get(holder.entry) ?? 0) + 1);
  }
  const cachedSerials = new Set<number>();
  for (const folio of state.folios.values())
    for (const serial of folio.swap ?? []) cachedSerials.add(serial);
  for (const entry of state.entries.values()) {
    const name = entry.serial;
    const cached = cachedSerials.has(entry.serial);
    assertThat(entry.serial < state.nextSerial, 'entry ', name, ' is ahead of the serial counter');
    assertThat(
      entry.count === (holders.get(entry.serial) ?? 0),
      'entry ',
      name,
      ' count != holders',
    );
    assertThat(entry.count > 0 || cached, 'entry ', name, ' is neither held nor cached');
    assertThat(
      cached || entry.backend.kind !== 'none',
      'entry ',
      name,
      ' is swapped out with no backend',
    );
    assertThat(
      !entry.shadow || (!cached && entry.count > 0),
      'entry ',
      name,
      ' has a misplaced shadow',
    );
    assertThat(
      !entry.staleZswap || (entry.space.kind === 'physical' && entry.backend.kind === 'zero'),
      'entry ',
      name,
      ' has a misplaced stale zswap object',
    );
    assertThat(
      entry.space.kind === 'virtual' ||
        entry.backend.kind !== 'disk' ||
        entry.backend.device === entry.space.device,
      'entry ',
      name,
      ' is a physical entry backed on another device',
    );
  }
}
