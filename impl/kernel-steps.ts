/**
 * The correct named steps of the kernel-shaped designs, gathered from the modules that define
 * them: every design runs these, and a catalogued mutant (impl/mutants/) replaces one of them
 * (impl/designs.ts createKernelSystem()). The step signatures are KernelSteps
 * (impl/swap-state.ts) and SectionSteps (impl/sections.ts).
 *
 * Not covered here: what each step does (its defining module says).
 */
import { bitmapDeviceSteps } from './bitmap-device.ts';
import { memorySteps } from './ops-memory.ts';
import { swapInSteps } from './ops-swap-in.ts';
import { swapOutSteps } from './ops-swap-out.ts';
import { reclaimSteps } from './reclaim.ts';
import { swapCounterSteps } from './swap-count.ts';
import { swapStateSteps, type KernelSteps } from './swap-state.ts';
import { swapoffSteps } from './swapoff.ts';
import { tableDeviceSteps } from './table-device.ts';
import { virtualSpaceSteps } from './virtual-space.ts';

export const kernelSteps: KernelSteps = {
  ...swapCounterSteps,
  ...tableDeviceSteps,
  ...bitmapDeviceSteps,
  ...virtualSpaceSteps,
  ...swapStateSteps,
  ...swapOutSteps,
  ...swapInSteps,
  ...memorySteps,
  ...reclaimSteps,
  ...swapoffSteps,
};
