import type { Case } from '../case/case.js';
import { tissuesByLabel } from '../case/case-metrics.js';
import { InputError } from '../errors.js';
import type { Vec3 } from '../grid/grid3d.js';
import type { ParallelExecutor } from '../parallel/parallel-executor.js';
import { lesionDimensions } from '../thermal/lesion.js';
import { fieldSource, forEachSourceVoxel } from '../thermal/heat-source.js';
import { shieldingAbsorption } from '../thermal/bubble-shielding.js';
import { ThermalSimulation } from '../thermal/thermal-simulation.js';
import { type Tissue, getTissue } from '../tissue/tissue-table.js';
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
  /** s from switch-on when the hyperechoic change (bubbles) first showed (null: never) */
  greyscaleOnset?: number | null;
  /** shots of `exposure` s delivered (repeatedShots; 1 for a single shot) */
  shots?: number;
}

/** The beam direction (RAS unit vector) in a grid's voxel axes (unit, metres along x, y, z of the array). */
function beamInGridAxes(grid: { affine: ArrayLike<number> }, beam: Vec3): Vec3 {
  const a = grid.affine;
  const d = [0, 1, 2].map((k) => (a[k] * beam[0] + a[4 + k] * beam[1] + a[8 + k] * beam[2]) / Math.hypot(a[k], a[4 + k], a[8 + k]));
  return [d[0], d[1], d[2]];
}

/**
 * The operator's rule at one point: shots of `exposure` s at `power` W with `gap` s between them, repeated until the
 * hyperechoic (greyscale) change appears during a shot or `maxShots` shots have been given, then 5 s for the dose to
 * settle. Boiling (latent heat) and bubble shielding are on (thermal/boiling.ts, bubble-shielding.ts).
 */
export async function repeatedShots(
  c: Case,
  beam: BeamSources,
  focus: Vec3,
  power: number,
  exposure: number,
  options: { gap: number; maxShots: number; executor?: ParallelExecutor; frequency?: number },
): Promise<SingleShot> {
  const { grid, medium, source: placed } = shotDomain(c, beam, focus);
  // the bubbles' reflection is absorbed with each tissue's own absorption at the drive frequency (without the
  // frequency they shadow only)
  const absorption = options.frequency === undefined ? undefined : caseShieldingAbsorption(c, medium.materials, options.frequency);
  // as a whole-grid source, so that bubbles can shield it along the beam
  const q = new Float32Array(grid.shape[0] * grid.shape[1] * grid.shape[2]);
  forEachSourceVoxel(placed, grid, (i, v) => {
    q[i] = v;
  });
  const source = fieldSource(grid, q, placed.referencePower);
  const sim = new ThermalSimulation(medium, [], {
    executor: options.executor,
    bubbleShielding: { beam: beamInGridAxes(grid, beam.beam), absorption },
  });
  let shots = 0;
  while (shots < options.maxShots) {
    sim.append([{ duration: exposure, source, power }]);
    await sim.advance();
    shots++;
    if (sim.boiling?.onset !== null && sim.boiling?.onset !== undefined) break;
    if (shots < options.maxShots && options.gap > 0) {
      sim.append([{ duration: options.gap, source: null }]);
      await sim.advance();
    }
  }
  sim.append([{ duration: 5, source: null }]);
  await sim.advance();
  const axis = dominantAxis(grid, beam.beam);
  const dims = lesionDimensions(sim.dose, grid, sim.doseThreshold, axis);
  return {
    power,
    exposure,
    peakTemperature: sim.peakTemperature,
    lesionWidth: dims.width,
    lesionLength: dims.length,
    lesionVolume: sim.lesionVolume(),
    boiling: sim.boiling?.boilingOnset !== null,
    greyscaleOnset: sim.boiling?.onset ?? null,
    shots,
  };
}

/** The focal patch of `beam` placed at `focus` on a grid of the case around it (4 mm margin), and its medium. */
function shotDomain(c: Case, beam: BeamSources, focus: Vec3) {
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
  return { grid, medium, source: placeBeamPatch(patch, grid, focus) };
}

/** α_abs (Np/m) at `frequency` of each material of a case's thermal medium, by tissue name (0 for gas and unknown names). */
function caseShieldingAbsorption(c: Case, materials: readonly { name: string }[], frequency: number): number[] {
  const byName = new Map<string, Tissue>();
  for (const t of tissuesByLabel(c)) if (t && !t.reflector) byName.set(t.name, t);
  if (!byName.has('water')) byName.set('water', getTissue('water'));
  const tissues = materials.map((m) => byName.get(m.name));
  const alpha = shieldingAbsorption(
    tissues.map((t) => t ?? getTissue('water')),
    frequency,
  );
  return alpha.map((a, i) => (tissues[i] ? a : 0));
}

/** The grid axis most aligned with the beam. */
function dominantAxis(grid: { affine: ArrayLike<number> }, beam: Vec3): 0 | 1 | 2 {
  const dots = beamInGridAxes(grid, beam).map(Math.abs);
  return dots.indexOf(Math.max(...dots)) as 0 | 1 | 2;
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
  options: { cooling?: number; executor?: ParallelExecutor; boiling?: boolean } = {},
): Promise<SingleShot> {
  const { grid, medium, source } = shotDomain(c, beam, focus);
  const cooling = options.cooling ?? 5;
  const sim = new ThermalSimulation(
    medium,
    [
      { duration: exposure, source, power },
      { duration: cooling, source: null },
    ],
    { executor: options.executor, boiling: options.boiling },
  );
  await sim.advance();
  // The grid axis most aligned with the beam measures the length.
  const axis = dominantAxis(grid, beam.beam);
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
  // linear Pennes for the probe: its rise scales with power only below boiling (the chosen shot stays below it)
  const probe = await singleShot(c, beam, focus, top, options.exposure, { executor: options.executor, boiling: false });
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
