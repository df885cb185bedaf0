import { FuasError } from '../errors.js';
import type { PatchHeatSource } from '../thermal/heat-source.js';
import type { NearFieldResult } from './near-field.js';
import type { NonlinearBeamSource } from './nonlinear-sources.js';
import type { TreatmentBeamSources } from './treatment-sources.js';

/**
 * NaN/Infinity checks of the intermediate fields of a plan simulation (issue 17): a non-finite value anywhere is
 * an error naming the field and the voxel or beam, never a number in the outcome. One linear scan per field, once
 * per beam, per sonication window or per result (never inside a solver's step loop: the engines stay as they are).
 */

/** Index of the first NaN or ±Infinity in `values`, −1 when all are finite. */
export function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // v − v is 0 for a finite number and NaN for NaN and ±Infinity: one comparison per value
    if (v - v !== 0) return i;
  }
  return -1;
}

/**
 * Throws FuasError (code "non-finite", reason "non-finite-field", params field and voxel) naming `field` and the first
 * non-finite voxel, as (i, j, k) where the array lies on a grid of `shape` (x fastest), else as a flat index.
 */
export function checkFiniteField(field: string, values: ArrayLike<number>, shape?: readonly [number, number, number]): void {
  const i = firstNonFinite(values);
  if (i < 0) return;
  let where = `voxel ${i}`;
  if (shape && shape[0] * shape[1] * shape[2] === values.length) {
    const [nx, ny] = shape;
    where = `voxel (${i % nx}, ${Math.floor(i / nx) % ny}, ${Math.floor(i / (nx * ny))})`;
  }
  throw new FuasError('non-finite', `${field}: ${values[i]} at ${where}: the computation produced a non-finite value`, {
    reason: 'non-finite-field',
    params: { field, voxel: i },
  });
}

/** Throws as checkFiniteField for a single value (`field` names it). */
export function checkFiniteValue(field: string, value: number): void {
  if (value - value === 0) return;
  throw new FuasError('non-finite', `${field}: ${value}: the computation produced a non-finite value`, {
    reason: 'non-finite-field',
    params: { field, voxel: -1 },
  });
}

function checkPatch(field: string, patch: { source: PatchHeatSource; power: number } | undefined): void {
  if (!patch) return;
  checkFiniteField(field, patch.source.q, patch.source.shape);
  checkFiniteValue(`${field} power`, patch.power);
}

/**
 * The acoustics of a plan, per beam: the focal pressure and intensity at 1 W and the heat-source
 * patches (q = 2αI per watt: the intensity field on the patch grids), linear and nonlinear. Errors name the beam
 * and the first sonication that uses it.
 */
export function checkFiniteBeams(
  sources: TreatmentBeamSources,
  nonlinear?: { beams: readonly NonlinearBeamSource[]; beamOfSonication: Int32Array },
): void {
  const firstUse = (of: Int32Array, b: number) => of.indexOf(b);
  sources.sources.forEach((s, b) => {
    const name = `beam ${b} (sonication ${firstUse(sources.sourceOfSonication, b)})`;
    checkFiniteValue(`${name} focal pressure (Pa at 1 W)`, s.metrics.pressure);
    checkFiniteValue(`${name} focal intensity (W/m² at 1 W)`, s.metrics.intensity);
    checkPatch(`${name} focal heat source`, s.focal);
    checkPatch(`${name} path heat source`, s.path);
    checkPatch(`${name} path-outside-focal heat source`, s.pathOutsideFocal);
  });
  nonlinear?.beams.forEach((n, b) => {
    const name = `nonlinear beam ${b} at ${n.power} W (sonication ${firstUse(nonlinear.beamOfSonication, b)})`;
    checkPatch(`${name} focal heat source`, n.focal);
    checkPatch(`${name} path-outside-focal heat source`, n.pathOutsideFocal);
  });
}

/** The near field's maps (maximum temperature and CEM43) on its grid. */
export function checkFiniteNearField(near: Pick<NearFieldResult, 'grid' | 'dose' | 'maxTemperature'>): void {
  checkFiniteField('near-field maximum temperature (°C)', near.maxTemperature, near.grid.shape);
  checkFiniteField('near-field thermal dose (CEM43 min)', near.dose, near.grid.shape);
}

/**
 * The treatment's temperature at the end of a sonication's window: the coarse level (where every retired window's
 * heat goes) and the peak of the fine window (NaN is skipped by a running maximum, so both are read).
 */
export function checkFiniteTreatmentStep(
  treatment: { coarseTemperature(): Float32Array; readonly coarseGrid: { shape: readonly [number, number, number] } },
  step: { sonication: number; peakTemperature: number },
): void {
  checkFiniteValue(`treatment peak temperature after sonication ${step.sonication}`, step.peakTemperature);
  checkFiniteField(
    `treatment temperature (°C, coarse grid) after sonication ${step.sonication}`,
    treatment.coarseTemperature(),
    treatment.coarseGrid.shape,
  );
}
