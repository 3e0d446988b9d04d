/**
 * The relative weight of each op kind in a random op sequence: the campaign generator's mix
 * before a swarm scales it (properties/generator.ts), and the audit-only random ops of
 * impl/random-ops.test.ts, which impl/ tests draw without the generator (they may not import
 * properties/).
 *
 * Not covered here: swarms, steering and templates (properties/generator.ts).
 */
import type { OpName } from './ops.ts';

export const opWeightsBase: Readonly<Record<OpName, number>> = {
  swapon: 2,
  swapoff: 1,
  fault: 10,
  write: 8,
  fork: 8,
  allocSwap: 10,
  unmap: 12,
  writeout: 10,
  evict: 8,
  swapin: 10,
  zap: 6,
  freeSwapCache: 3,
  zswapWriteback: 4,
  split: 3,
  setZswap: 1,
};
