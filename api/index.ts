/**
 * The public surface of the swapcheck package (`import ... from 'swapcheck'`): the vocabulary a
 * design is written against (lib/: ops, configs, outcomes, observations, the system interface)
 * and the built-in designs to build on (builtinFactory, with builtinKnobs and
 * builtinDesignNames). It sits above lib/ and impl/, so that lib/ depends on nothing.
 *
 * Not covered here: the CLI (cli/) and the harness internals (properties/).
 */
export * from '../lib/index.ts';
export { builtinFactory } from '../impl/designs.ts';
