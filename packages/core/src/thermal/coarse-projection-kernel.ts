import { type KernelArgs, registerKernel } from '../parallel/kernel-registry.js';
import { enthalpyProjection } from './boiling.js';

/** Name under which the coarse level's boiling projection is registered (run it over `nz` items: z-slices). */
export const COARSE_PROJECTION_KERNEL = 'thermal.coarse-projection';

/**
 * The enthalpy projection (boiling.ts) of the treatment solver's coarse level, z-slice by z-slice: the rise T1 over
 * the arterial temperature `Toff` and the vapour fraction `vapour` of each cell are put on the phase path at the boiling
 * temperature `boilT` (per material ρC `rhoC`, latent capacity `latent`, by `labels`); `vapourCount[z]` gets the
 * number of slice z's cells that hold vapour. Pointwise: each block writes only its own slices (T1, vapour,
 * vapourCount), so any split is bit-identical, and it can run between a slice's explicit step and its dose update
 * (pennes-step-dose-kernel.ts with `project` set).
 */
export function coarseProjectionKernel(args: KernelArgs, start: number, end: number): void {
  const U = args.T1 as Float64Array;
  const phi = args.vapour as Float64Array;
  const count = args.vapourCount as Float64Array;
  const labels = args.labels as Uint8Array;
  const rhoC = args.rhoC as Float64Array;
  const latent = args.latent as Float64Array;
  const Ta = args.Toff as number;
  const Tb = args.boilT as number;
  const nxy = (args.nx as number) * (args.ny as number);
  const next = new Float64Array(1);
  for (let z = start; z < end; z++) {
    let c = 0;
    for (let i = z * nxy, e = (z + 1) * nxy; i < e; i++) {
      const T = Ta + U[i];
      if (T <= Tb && phi[i] === 0) continue;
      const a = labels[i];
      U[i] += enthalpyProjection(T, phi[i], Tb, rhoC[a], latent[a], next) - T;
      phi[i] = next[0];
      if (phi[i] > 0) c++;
    }
    count[z] = c;
  }
}

registerKernel(COARSE_PROJECTION_KERNEL, coarseProjectionKernel);
