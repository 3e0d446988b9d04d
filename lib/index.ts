/**
 * The shared vocabulary as the package exports it (api/index.ts adds the built-in factory):
 * the ops, configs, outcomes, observations, the system interface a design implements, and the
 * names and knobs of the built-in designs.
 *
 * Not covered here: the CLI (cli/) and the harness internals (properties/).
 */
export * from './assert.ts';
export * from './config.ts';
export * from './costs.ts';
export { builtinDesignNames, builtinKnobs } from './designs.ts';
export * from './invariant.ts';
export * from './observation.ts';
export * from './ops.ts';
export * from './outcome.ts';
export * from './proposal.ts';
export * from './system.ts';
