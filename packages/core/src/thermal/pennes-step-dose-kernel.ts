import { type KernelArgs, registerKernel } from '../parallel/kernel-registry.js';
import { coarseProjectionKernel } from './coarse-projection-kernel.js';
import { pennesExplicitKernel } from './pennes-explicit-kernel.js';
import { thermalDoseKernel } from './thermal-dose-kernel.js';

/** Name under which the fused explicit step + dose update is registered (run it over `nz` items: z-slices). */
export const PENNES_STEP_DOSE_KERNEL = 'thermal.pennes-explicit-dose';

/**
 * One explicit Pennes step (pennes-explicit-kernel.ts) followed, slice by slice, by the dose update of that step
 * (thermal-dose-kernel.ts), in one pass over each block while its slices are in cache, and one kernel run instead
 * of two. `args` holds both kernels' arguments (T0, T1 and ps are the same arrays in both).
 * Bit-identical to the two runs in sequence: the step of a slice reads T0 anywhere but ps only at its own voxels,
 * and the dose of a slice writes only that slice (its T1, dose, factors, ps, flags), so no block sees another
 * block's dose before its own step.
 * With `project` set, the boiling projection of the coarse level (coarse-projection-kernel.ts, pointwise) comes between
 * a block's step and its dose, as the separate runs did (step, projection, dose): still bit-identical.
 */
export function pennesStepDoseKernel(args: KernelArgs, start: number, end: number): void {
  pennesExplicitKernel(args, start, end);
  if (args.project === true) coarseProjectionKernel(args, start, end);
  thermalDoseKernel(args, start, end);
}

registerKernel(PENNES_STEP_DOSE_KERNEL, pennesStepDoseKernel);
