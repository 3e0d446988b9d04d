/**
 * The public surface of impl/: the factories of the kernel-shaped designs.
 *
 * Not covered here: the design presets (lib/designs.ts), the model (model/) and the harness
 * (properties/).
 */
export { builtinFactory, createSystem } from './designs.ts';
