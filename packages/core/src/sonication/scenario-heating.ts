import { type FieldVolume, type FocusMetrics, computeFieldVolume, focalMetrics } from '../acoustics/field-solver.js';
import { layerIndexAt } from '../acoustics/medium.js';
import type { Scenario } from '../acoustics/scenario.js';
import { InputError, LimitError, requireFinite } from '../errors.js';
import { type Grid3D, axisCoordinates, createGrid } from '../grid/grid3d.js';
import { type ParallelExecutor, SerialExecutor } from '../parallel/parallel-executor.js';
import { diffusivity } from '../tissue/tissue-table.js';
import { type HeatingResult, simulateHeating } from '../thermal/heating-run.js';
import { type FieldHeatSource, fieldSource } from '../thermal/heat-source.js';
import { shieldingAbsorption } from '../thermal/bubble-shielding.js';
import { type ThermalMedium, labelledThermalMedium } from '../thermal/thermal-medium.js';
import type { AdvanceOptions, ThermalOptions } from '../thermal/thermal-simulation.js';
import { LETHAL_CEM43 } from '../thermal/thermal-dose.js';

/** One sonication of a scenario: the bowl on at its drive for `duration` s, then `cooling` s off. */
export interface ScenarioSonication {
  /** s, > 0 */
  readonly duration: number;
  /** s, ≥ 0 */
  readonly cooling: number;
}

/** Finest spacing the box uses by default, m (also never coarser than λ/4 of the slowest tissue in the box). */
export const HEATING_MAX_SPACING = 0.25e-3;
/** Diffusion lengths √(4 κ t) kept between the heated region and the box faces (default). */
export const HEATING_DIFFUSION_MARGIN = 2;
/** Most voxels the heating box may have (field and thermal state together stay under ~0.5 GB). */
export const MAX_HEATING_VOXELS = 2 ** 23;
/** How many times the box is enlarged when the lesion reaches a face before giving up. */
const MAX_BOX_GROWTHS = 3;

/** Options of heatScenario: the thermal options and advance()'s progress/cancel, plus the box. */
export interface ScenarioHeatingOptions extends ThermalOptions, AdvanceOptions {
  /** cubic voxel size of the field and thermal grid, m (default min(HEATING_MAX_SPACING, λ/4 of the slowest tissue in the box)) */
  spacing?: number;
  /** diffusion lengths between heated region and box faces (default HEATING_DIFFUSION_MARGIN) */
  diffusionMargin?: number;
  /** box half-width across the beam, m (default from the physics, see heatingBoxSize) */
  halfWidth?: number;
  /** box half-length along the beam, m (default from the physics) */
  halfLength?: number;
}

/** What heatScenario returns: simulateHeating's result plus where it was computed and the focus. */
export interface ScenarioHeatingResult extends HeatingResult {
  /** the box, transducer frame (apex at the origin, beam along +z): temperature and dose live on it */
  readonly grid: Grid3D;
  /** focal metrics of the pressure field in the box (peak, −6 dB width along x and length along z) */
  readonly focus: FocusMetrics;
  /** heat source Q at the scenario's drive, W/m³, on `grid` */
  readonly heatSource: Float32Array;
  /** Σ Q·ΔV over the box, W: the acoustic power absorbed inside it */
  readonly absorbedPower: number;
  /** times the box was enlarged because the lesion reached a face (0 normally) */
  readonly boxGrowths: number;
  /** lesion centroid minus the pressure focus along the beam, m (negative: towards the transducer; null: no lesion) */
  readonly centroidShift: number | null;
}

type Json = Record<string, unknown>;

/**
 * Parses SCENARIO.json's `sonication` (the value of that key): `{ "duration": s > 0, "cooling": s ≥ 0 }`, both
 * required. InputError naming the field otherwise (e.g. "sonication.cooling: must be >= 0, got -1").
 */
export function parseSonication(json: unknown, field = 'sonication'): ScenarioSonication {
  if (json === undefined) throw new InputError(field, 'is required: { "duration": s, "cooling": s }');
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InputError(field, 'must be an object { "duration": s, "cooling": s }');
  }
  const o = json as Json;
  return {
    duration: requireFinite(`${field}.duration`, o.duration, 'positive'),
    cooling: requireFinite(`${field}.cooling`, o.cooling, 'non-negative'),
  };
}

/** Half-extents of the box (m, x = y across the beam, z along it) and the spacing (m), see heatingBox. */
export interface HeatingBoxSize {
  readonly halfWidth: number;
  readonly halfLength: number;
  readonly spacing: number;
}

/**
 * The box heatScenario computes on, from the physics of the scenario (transducer frame, centred on the
 * geometric focus (0, 0, R), an odd number of voxels per axis so that the beam axis is a voxel row):
 *  - focal spot of a bowl of aperture radius a, hole radius b, at wavelength λ of the tissue at the focus:
 *    first lateral zero r0 = 1.22 λ R / (2a) (Airy) and first axial zero z0 = 2 λ R² / (a² − b²) (the paraxial
 *    on-axis solution p ∝ sinc(k (a² − b²) Δz / (4 R²)) near the focus; O'Neil 1949);
 *  - heat that diffuses during duration + cooling travels ℓ = √(4 κ t) with κ = k/(ρC) the largest diffusivity
 *    among the tissues; `margin` such lengths (default 2: erfc(2) ≈ 5e-3 of a planar step rise, far less from a compact source; a
 *    margin of 3 changes the lesion by < 1e-9 m in the clinical case) are kept to the faces,
 *    where the 'body' boundary holds the arterial temperature;
 *  - half-width 2 r0 + margin·ℓ (the lesion stays within about the first zero), half-length 1.5 z0 + margin·ℓ
 *    (covers the axial main lobe, the focal shift towards the transducer, and lesions longer than the −6 dB zone);
 *  - spacing min(0.25 mm, λ/4) with λ of the slowest tissue in the box: ≥ 4 points per wavelength so the
 *    interference pattern of Q is sampled, and ≥ 6 voxels across a millimetre-wide lesion.
 */
export function heatingBoxSize(scenario: Scenario, sonication: ScenarioSonication, options: ScenarioHeatingOptions = {}): HeatingBoxSize {
  const t = scenario.transducer;
  const layers = scenario.medium.layers;
  const R = t.radiusOfCurvature;
  const a = t.aperture / 2;
  const b = t.holeDiameter / 2;
  const lambdaFocus = layers[layerIndexAt(scenario.medium, R)].tissue.soundSpeed / t.frequency;
  const r0 = (1.22 * lambdaFocus * R) / (2 * a);
  const z0 = (2 * lambdaFocus * R * R) / (a * a - b * b);
  const margin = requireFinite('diffusionMargin', options.diffusionMargin ?? HEATING_DIFFUSION_MARGIN, 'positive');
  let kappa = 0;
  for (const l of layers) kappa = Math.max(kappa, diffusivity(l.tissue));
  const ell = Math.sqrt(4 * kappa * (sonication.duration + sonication.cooling));
  const halfWidth = options.halfWidth === undefined ? 2 * r0 + margin * ell : requireFinite('halfWidth', options.halfWidth, 'positive');
  const halfLength =
    options.halfLength === undefined ? 1.5 * z0 + margin * ell : requireFinite('halfLength', options.halfLength, 'positive');
  let spacing: number;
  if (options.spacing !== undefined) spacing = requireFinite('spacing', options.spacing, 'positive');
  else {
    let cMin = Number.POSITIVE_INFINITY;
    for (const l of layers) if (l.zEnd > R - halfLength && l.zStart < R + halfLength) cMin = Math.min(cMin, l.tissue.soundSpeed);
    spacing = Math.min(HEATING_MAX_SPACING, cMin / t.frequency / 4);
  }
  return { halfWidth, halfLength, spacing };
}

/** The grid of a box: odd voxel counts, centred on (0, 0, R). */
function boxGrid(R: number, size: HeatingBoxSize): Grid3D {
  const h = size.spacing;
  const nx = 2 * Math.ceil(size.halfWidth / h) + 1;
  const nz = 2 * Math.ceil(size.halfLength / h) + 1;
  const count = nx * nx * nz;
  if (count > MAX_HEATING_VOXELS) {
    throw new LimitError(
      `heating box of ${nx}×${nx}×${nz} = ${count} voxels exceeds ${MAX_HEATING_VOXELS}; use a coarser spacing or a shorter sonication`,
    );
  }
  const half = (n: number) => ((n - 1) / 2) * h;
  return createGrid([nx, nx, nz], [h, h, h], [-half(nx), -half(nx), R - half(nz)]);
}

/** The thermal medium of a layered scenario on a box: label = layer index of each z-plane, one material per layer. */
export function layeredThermalMedium(scenario: Scenario, grid: Grid3D): ThermalMedium {
  const [nx, ny, nz] = grid.shape;
  const zs = axisCoordinates(grid, 2);
  const labels = new Uint8Array(nx * ny * nz);
  const plane = nx * ny;
  for (let k = 0; k < nz; k++) labels.fill(layerIndexAt(scenario.medium, zs[k]), k * plane, (k + 1) * plane);
  return labelledThermalMedium(
    grid,
    labels,
    scenario.medium.layers.map((l) => l.tissue),
  );
}

/** Which axes (0 = x/y across, 2 = z along) have a lesion voxel (dose ≥ threshold) on one of their faces. */
function lesionOnFaces(dose: ArrayLike<number>, grid: Grid3D, threshold: number): { lateral: boolean; axial: boolean } {
  const [nx, ny, nz] = grid.shape;
  let lateral = false;
  let axial = false;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const row = nx * (j + ny * k);
      for (let i = 0; i < nx; i++) {
        if (dose[row + i] < threshold) continue;
        if (k === 0 || k === nz - 1) axial = true;
        if (i === 0 || i === nx - 1 || j === 0 || j === ny - 1) lateral = true;
      }
    }
  }
  return { lateral, axial };
}

/** The heat source of a scenario on a box, with what heatScenario needs to step it. */
export interface ScenarioHeatSource {
  readonly grid: Grid3D;
  /** the field on the box (pressure, intensity, Q at the scenario's drive) */
  readonly volume: FieldVolume;
  readonly focus: FocusMetrics;
  /** Q at the scenario's drive (referencePower unset: a segment without power runs at the drive) */
  readonly source: FieldHeatSource;
  /** one material per layer (layeredThermalMedium) */
  readonly medium: ThermalMedium;
  /** Np/m at the drive frequency per material of `medium`: what bubble shielding's reflection is absorbed with */
  readonly shieldingAbsorption: number[];
  /** Σ Q·ΔV over the box, W */
  readonly absorbedPower: number;
}

/**
 * The field of `scenario` on `grid` by the angular spectrum, its focal metrics, the heat source
 * Q = α_abs |p|²/(ρc) with each voxel's layer (computeFieldVolume) and the layered thermal medium. Q is linear in
 * the acoustic power: a copy with `referencePower` set to the drive's power can be run at other powers.
 */
export async function scenarioHeatSource(
  scenario: Scenario,
  grid: Grid3D,
  executor: ParallelExecutor = new SerialExecutor(),
): Promise<ScenarioHeatSource> {
  const volume = await computeFieldVolume(scenario, 'asm', grid, executor);
  let absorbed = 0;
  for (let i = 0; i < volume.heatSource.length; i++) absorbed += volume.heatSource[i];
  return {
    grid,
    volume,
    focus: focalMetrics(scenario, volume),
    source: fieldSource(grid, volume.heatSource),
    medium: layeredThermalMedium(scenario, grid),
    shieldingAbsorption: shieldingAbsorption(
      scenario.medium.layers.map((l) => l.tissue),
      scenario.transducer.frequency,
    ),
    absorbedPower: absorbed * grid.spacing[0] * grid.spacing[1] * grid.spacing[2],
  };
}

/**
 * One sonication of a scenario, from sound to lesion: the field by the angular spectrum on a box around the
 * focus (heatingBoxSize: spacing ≤ min(λ/4, 0.25 mm), large enough that the lesion and the heat diffusing during
 * duration + cooling stay inside, with the 'body' boundary at the arterial temperature beyond its faces), the
 * heat source Q = α_abs |p|²/(ρc) with each voxel's layer, a thermal medium of one material per layer (each
 * tissue's ρ, C, k and perfusion; scenarioHeatSource), then simulateHeating at the scenario's drive. Should the
 * lesion still reach a face, that axis is enlarged ×1.5 and the run repeated (at most 3 times, then LimitError).
 *
 * Heat deposited outside the box (the converging cone far from the focus, the near field) is left out: it is
 * spread thinly and raises the focal temperature little; the lesion and the peak come from the focal region.
 * The lesion's length is along the beam (z), its width the larger extent across it. `options.executor` runs the
 * field and thermal kernels (default serial).
 */
export async function heatScenario(
  scenario: Scenario,
  sonication: ScenarioSonication,
  options: ScenarioHeatingOptions = {},
): Promise<ScenarioHeatingResult> {
  const son = parseSonication(sonication);
  const executor: ParallelExecutor = options.executor ?? new SerialExecutor();
  const threshold = requireFinite('doseThreshold', options.doseThreshold ?? LETHAL_CEM43, 'positive');
  const R = scenario.transducer.radiusOfCurvature;
  const { spacing: _s, diffusionMargin: _m, halfWidth: _w, halfLength: _l, ...thermal } = options;
  let size = heatingBoxSize(scenario, son, options);
  for (let growths = 0; ; growths++) {
    const grid = boxGrid(R, size);
    const hs = await scenarioHeatSource(scenario, grid, executor);
    // the box's beam runs along +z: bubbles shadow and reflect along it
    const result = await simulateHeating(
      { medium: hs.medium, source: hs.source, duration: son.duration, cooling: son.cooling, axis: 2 },
      { bubbleShielding: { beam: [0, 0, 1], absorption: hs.shieldingAbsorption }, ...thermal, executor },
    );
    const faces = lesionOnFaces(result.dose, grid, threshold);
    if (!faces.lateral && !faces.axial) {
      const centroidShift = result.lesionCentroid === null ? null : result.lesionCentroid - hs.focus.position[2];
      return {
        ...result,
        grid,
        focus: hs.focus,
        heatSource: hs.volume.heatSource,
        absorbedPower: hs.absorbedPower,
        boxGrowths: growths,
        centroidShift,
      };
    }
    if (growths >= MAX_BOX_GROWTHS) {
      throw new LimitError(`the lesion still reaches the heating box's faces after ${growths} enlargements; shorten the sonication`);
    }
    size = {
      ...size,
      halfWidth: faces.lateral ? 1.5 * size.halfWidth : size.halfWidth,
      halfLength: faces.axial ? 1.5 * size.halfLength : size.halfLength,
    };
  }
}

/** The box heatScenario starts from, as a grid (for callers that want to preview its size). */
export function heatingGrid(scenario: Scenario, sonication: ScenarioSonication, options: ScenarioHeatingOptions = {}): Grid3D {
  return boxGrid(scenario.transducer.radiusOfCurvature, heatingBoxSize(scenario, parseSonication(sonication), options));
}
