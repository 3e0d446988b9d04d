/**
 * A deliberately broken copy of the lazy-rmap proposal, the negative control of
 * `swapcheck validate`: swapoff returns early when the lazily built reverse map is empty, so
 * the device stays online while the model takes it offline. validate must fail it and print a
 * shrunk trace.
 *
 * Not covered here: the proposal itself (lazy-rmap.ts).
 */
// @ts-nocheck

import { knobs as lazyKnobs, lazyRmapFactory } from './lazy-rmap.ts';

export const knobs = lazyKnobs;

export const name = 'lazy-rmap-broken';

export default lazyRmapFactory({ skipEmptySwapoff: true });
