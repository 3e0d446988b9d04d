/**
 * Canonical state keys for the bounded-exhaustive modes. Two states are the same state when
 * the model's observation and the impl's raw observation agree after renaming: model entry
 * serials and folio ids only grow, so both are replaced by their rank. Impl entry values stay
 * as they are, because where the allocator hands out the next entry is part of the impl's
 * state.
 *
 * Not covered here: impl state that no observation shows (per-CPU allocation hints, cluster
 * list order); two states that differ only there are merged, so the count of distinct states
 * is a lower bound of the impl's distinct states.
 */
// @ts-nocheck

import type { Observation } from '../lib/observation.ts';

function rankMap(keys: Iterable<number>): Map<number, number> {
  const sorted = [...new Set(keys)].sort((a, b) => a - b);
  return new Map(sorted.map((key, rank) => [key, rank]));
}

/** The observation with entry keys (when `renameEntries`) and folio ids replaced by ranks. */
export function canonicalObservation(observation: Observation, renameEntries: boolean): unknown {
  const entryRank = rankMap(observation.entries.map((entry) => entry.entry));
  const folioRank = rankMap(observation.folios.map((folio) => folio.id));
  const entryKey = (key: number) => (renameEntries ? (entryRank.get(key) ?? -1) : key);
  const folioKey = (id: number) => folioRank.get(id) ?? -1;
  return {
    ...observation,
    holders: observation.holders.map((view) => {
      if (view.kind === 'present') return { ...view, folio: folioKey(view.folio) };
      if (view.kind === 'swap') return { ...view, entry: entryKey(view.entry) };
      return view;
    }),
    entries: observation.entries.map((entry) => ({
      ...entry,
      entry: entryKey(entry.entry),
      cache: entry.cache === null ? null : { ...entry.cache, folio: folioKey(entry.cache.folio) },
    })),
    folios: observation.folios.map((folio) => ({ ...folio, id: folioKey(folio.id) })),
  };
}

/** One string naming the state of a model and an impl observed together. */
export function stateKey(model: Observation, impl: Observation): string {
  return JSON.stringify([canonicalObservation(model, true), canonicalObservation(impl, false)]);
}
