/**
 * The public surface of impl/: createSystem() and the design presets.
 *
 * Not covered here: the model (model/) and the harness (properties/).
 */
// @ts-nocheck

export { createSystem, designs, knobDocs } from './designs.ts';
export type { DesignPreset, KnobDoc } from './designs.ts';
