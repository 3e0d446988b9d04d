/**
 * The public surface of the swapcheck package: the op vocabulary, configs, outcomes,
 * observations and the system interface a design implements.
 *
 * Not covered here: the CLI (cli/) and the harness internals (properties/).
 */
// @ts-nocheck

export * from './assert.ts';
export * from './builtin-designs.ts';
export * from './config.ts';
export * from './costs.ts';
export * from './invariant.ts';
export * from './observation.ts';
export * from './ops.ts';
export * from './outcome.ts';
export * from './proposal.ts';
export * from './system.ts';
