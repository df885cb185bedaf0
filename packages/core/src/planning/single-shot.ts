import type { Case } from '../case/case.js';
import { InputError } from '../errors.js';
import type { Vec3 } from '../grid/grid3d.js';
import type { ParallelExecutor } from '../parallel/parallel-executor.js';
import { lesionDimensions } from '../thermal/lesion.js';
import { ThermalSimulation } from '../thermal/thermal-simulation.js';
import { alignedGrid, caseThermalMedium, patchBox } from './case-grids.js';
import type { DeviceLimits } from './device-limits.js';
import { type BeamSources, placeBeamPatch } from './treatment-sources.js';

/** One sonication alone in the case: what it heats and kills. */
export interface SingleShot {
  /** W, s */
  power: number;
  exposure: number;
  /** °C, highest anywhere */
  peakTemperature: number;
  /** lesion (CEM43 ≥ 240) across and along the beam, m; its volume, m³ */
  lesionWidth: number;
  lesionLength: number;
  lesionVolume: number;
  boiling: boolean;
}

/**
 * Simulates one sonication of `beam` at `focus` in the case (fine focal patch, the case's tissues around it,
 * a margin of 4 mm, then `cooling` s for the dose to settle) and measures the lesion along and across the beam.
 */
export async function singleShot(
  c: Case,
  beam: BeamSources,
  focus: Vec3,
  power: number,
  exposure: number,
  options: { cooling?: number; executor?: ParallelExecutor } = {},
): Promise<SingleShot> {
  const patch = beam.focal;
  const box = patchBox(patch, focus);
  const m = 4e-3;
  const grid = alignedGrid(
    c.grid,
    patch.spacing[0],
    [box.lo[0] - m, box.lo[1] - m, box.lo[2] - m],
    [box.hi[0] + m, box.hi[1] + m, box.hi[2] + m],
  );
  const { medium } = caseThermalMedium(c, grid);
  const source = placeBeamPatch(patch, grid, focus);
  const cooling = options.cooling ?? 5;
  const sim = new ThermalSimulation(
    medium,
    [
      { duration: exposure, source, power },
      { duration: cooling, source: null },
    ],
    { executor: options.executor },
  );
  await sim.advance();
  // The grid axis most aligned with the beam measures the length.
  const a = grid.affine;
  const dots = [0, 1, 2].map(
    (k) => Math.abs(a[k] * beam.beam[0] + a[4 + k] * beam.beam[1] + a[8 + k] * beam.beam[2]) / Math.hypot(a[k], a[4 + k], a[8 + k]),
  );
  const axis = dots.indexOf(Math.max(...dots)) as 0 | 1 | 2;
  const dims = lesionDimensions(sim.dose, grid, sim.doseThreshold, axis);
  let boiling = false;
  for (let i = 0; i < sim.boiled.length && !boiling; i++) boiling = sim.boiled[i] !== 0;
  return {
    power,
    exposure,
    peakTemperature: sim.peakTemperature,
    lesionWidth: dims.width,
    lesionLength: dims.length,
    lesionVolume: sim.lesionVolume(),
    boiling,
  };
}

/**
 * The sonication power for a beam: the highest power within the device's range (and ≤ `maxPower`) whose single
 * shot keeps the peak temperature at or below `maxPeakTemperature` (default 95 °C, below boiling: the model has no
 * boiling or cavitation physics, and boiling lesions grow unpredictably towards the transducer). Temperature
 * rise is linear in power (Pennes with fixed perfusion), so one probe shot gives the power; a second shot at
 * that power measures the lesion. Throws InputError when even the lowest power boils or no lesion forms at the
 * highest.
 */
export async function chooseShot(
  c: Case,
  beam: BeamSources,
  focus: Vec3,
  limits: DeviceLimits,
  options: { exposure: number; maxPower?: number; maxPeakTemperature?: number; executor?: ParallelExecutor },
): Promise<SingleShot> {
  const maxPeak = options.maxPeakTemperature ?? 95;
  const top = Math.min(limits.maxPower, options.maxPower ?? 400);
  const probe = await singleShot(c, beam, focus, top, options.exposure, { executor: options.executor });
  const rise = probe.peakTemperature - 37;
  let power = rise > 0 ? Math.min(top, (top * (maxPeak - 37)) / rise) : top;
  power = Math.floor(power / 5) * 5; // consoles set power in steps of a few watts
  if (power < limits.minPower) {
    throw new InputError(
      'power',
      `even ${limits.minPower} W heats the focus above ${maxPeak} °C in ${options.exposure} s; shorten the exposure`,
    );
  }
  const shot = power === top ? probe : await singleShot(c, beam, focus, power, options.exposure, { executor: options.executor });
  if (!(shot.lesionVolume > 0))
    throw new InputError('power', `no lesion forms at ${power} W for ${options.exposure} s at this depth; lengthen the exposure`);
  return shot;
}
