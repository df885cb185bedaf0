import { generatePhantom } from '@openfuas/core';
import { fromCoreCase } from './core-case.js';
import type { WorkstationCase } from './workstation-case.js';

/** The phantom form's parameters, in the units the form shows (mm). */
export interface PhantomParams {
  fibroidDiameterMm: number;
  fibroidPosition: 'anterior' | 'posterior' | 'fundal' | 'submucosal';
  t2Type: 1 | 2 | 3;
  fatMm: number;
  muscleMm: number;
  bowelInPath: boolean;
  /** isotropic voxel size of the case grid, mm */
  voxelSizeMm: number;
  seed?: number;
}

/**
 * The default case of issue 5: one 55 mm anterior intramural fibroid, T2 type 2, median abdominal wall
 * (Yang 2021). The workstation uses 1.5 mm voxels for the case view (first paint under 3 s on 2 cores);
 * the simulation chooses its own finer grid around the foci.
 */
export const DEFAULT_PHANTOM: PhantomParams = {
  fibroidDiameterMm: 55,
  fibroidPosition: 'anterior',
  t2Type: 2,
  fatMm: 16,
  muscleMm: 9.1,
  bowelInPath: false,
  voxelSizeMm: 1.5,
};

/** Builds the phantom case with the core library's generator. */
export function makePhantom(p: PhantomParams): WorkstationCase {
  const c = generatePhantom({
    seed: p.seed ?? 1,
    voxelSizeMm: p.voxelSizeMm,
    fatMm: p.fatMm,
    muscleMm: p.muscleMm,
    bowelInPath: p.bowelInPath,
    fibroids: [{ diameterMm: p.fibroidDiameterMm, position: p.fibroidPosition, t2Type: p.t2Type }],
  });
  return fromCoreCase(c);
}
