/**
 * What a design proposal module exports for `swapcheck validate` (docs/writing-a-design.md):
 * a default-exported SystemFactory, and optionally the knobs it claims (handed to the factory
 * and to the checker, which then also checks the virtual-or-physical choice of allocSwap) and
 * a display name.
 *
 * Not covered here: loading a proposal (properties/proposal.ts).
 */
// @ts-nocheck

import type { Knobs, SystemFactory } from './system.ts';

export interface DesignProposalModule {
  readonly default: SystemFactory;
  /** Knobs passed to the factory; without them the classic knobs are passed and the
   * checker does not check which entries are virtual. */
  readonly knobs?: Knobs;
  /** Name in reports; the file name without extension when absent. */
  readonly name?: string;
}
