import { type AngularSpectrum, buildAngularSpectrum } from '../acoustics/angular-spectrum.js';
import { type RadialFieldTable, radialFieldTable, relayerSpectrum } from '../acoustics/axisymmetric-field.js';
import type { FocusMetrics } from '../acoustics/field-solver.js';
import { planeWaveIntensity, radiusAtLevel, refinedPeak, widthAtLevel } from '../acoustics/focal-metrics.js';
import { type LayeredMedium, homogeneousMedium, layerAcoustics, layeredMedium } from '../acoustics/medium.js';
import { parseTransducer } from '../acoustics/scenario.js';
import type { Case } from '../case/case.js';
import { InputError, requireFinite } from '../errors.js';
import { type Grid3D, type Vec3, rasMmToVoxel } from '../grid/grid3d.js';
import { type ParallelExecutor, SerialExecutor } from '../parallel/parallel-executor.js';
import type { PatchHeatSource } from '../thermal/heat-source.js';
import { type Tissue, getTissue, withOverrides } from '../tissue/tissue-table.js';
import { type BowlTransducer, rimHeight } from '../transducer/bowl.js';
import {
  type BeamAxisLayers,
  DEFAULT_STACK_TOLERANCE,
  type StackDifference,
  beamAxisLayers,
  stackDifference,
  withinTolerance,
} from './beam-layers.js';
import { type AxisymmetricBeamHeat, type PatchBox, beamBox, gridAxes, radialBeamPatch } from './beam-patch.js';
import { couchWindowProblem } from './beam-path.js';
import type { Plan } from './plan.js';
import { type WallAberrationReport, aberratedBeamPatches } from './aberrated-beam.js';
import {
  DEFAULT_CASE_WALL_ABERRATION,
  type WallAberrationModel,
  type WallAberrationParameters,
  wallAberrationModel,
} from './wall-aberration-from-case.js';

/**
 * The acoustic heat sources of a treatment (issue 6): for each focus, the beam of the plan's bowl through the
 * planar layers met on its axis (skin → focus, from the label map), by the angular spectrum at 1 W, turned into
 * two heat-source patches (q in W/m³ per watt of acoustic power) on boxes aligned with the case grid's axes:
 *  - `focal`: fine (default 0.5 mm) box around the focus for the lesion;
 *  - `path`: coarse (default 2 mm) box holding the whole beam inside the body, skin to 20 mm past the focus, for
 *    near-field heating (skin, fat, muscle). Coarse voxels hold the mean of Q over their volume (sampled at
 *    ≤ λ/2), not a point sample, so they carry the right power though they cannot resolve the wave pattern.
 * Both hold the focal heat (the path patch at coarse resolution): a single grid uses one of them, never their
 * sum; a two-grid model that puts `focal` on a fine grid inside a coarse one adds `pathOutsideFocal` (option) on
 * the coarse grid, so that the cone's heat around the focal box is not lost.
 *
 * Model: planar layers normal to the beam axis (lateral tissue variations and refraction at oblique
 * interfaces ignored), one-way propagation (reflections leave the beam), linear acoustics. The water path is
 * R − depth so that the geometric focus lies on the planned focus; the pressure peak lies `focalShift` along the
 * beam from it (negative: towards the transducer).
 */

/** Default diffraction margin of the source plane (angular-spectrum.ts uses 30 for single fields). */
export const SOURCE_MARGIN_WAVELENGTHS = 30;

/** Options of the source computation (SI). */
export interface BeamSourceOptions {
  /** fine patch spacing, m [0.5e-3] */
  focalSpacing?: number | Vec3;
  /** fine patch: half-width across the beam, m [8e-3] */
  focalHalfWidth?: number;
  /** fine patch: half-length along the beam, m [16e-3] */
  focalHalfLength?: number;
  /** coarse patch spacing, m [2e-3] */
  pathSpacing?: number | Vec3;
  /** coarse patch: reach past the focus, m [20e-3] */
  pathBeyondFocus?: number;
  /** coarse patch: lateral margin around the geometric cone of the aperture, m [15e-3] */
  pathMargin?: number;
  /** largest spacing of the points averaged in a patch voxel, m [λ/2 of the slowest tissue met] */
  sampleStep?: number;
  /** field table steps along and across the beam, m [λ/4, λ/12 of the slowest tissue met] */
  tableStep?: { axial?: number; radial?: number };
  /** least distance between the bowl's rim plane and the skin, m [5e-3] (deeper foci are refused) */
  rimClearance?: number;
  /** most water between the bowl's apex and the skin, m [none; e.g. the couch's water depth] */
  maxWaterPath?: number;
  /** diffraction margin of the source plane beyond the beam's geometric edge, wavelengths [see SOURCE_MARGIN_WAVELENGTHS] */
  sourceMarginWavelengths?: number;
  /** lateral period of the angular spectrum / (2 × half-width of beam and margin) [1.0: the taper ends inside the period] */
  sourcePadFactor?: number;
  /** also compute `pathOutsideFocal`: the path patch without the focal patch's box [false] */
  pathOutsideFocal?: boolean;
  /** tolerances under which foci share one computation (treatmentBeamSources) [DEFAULT_STACK_TOLERANCE] */
  stackTolerance?: Partial<StackDifference>;
  /** abdominal-wall aberration (wall-aberration-from-case.ts): a strength, false/0 (flat layers) or parameters; overrides the case's `wallAberration` */
  wallAberration?: WallAberrationParameters | number | boolean;
}

/** What computeBeamSources needs of a case: labels on a grid, structures with their tissues, overrides. */
export type BeamCase = Pick<Case, 'grid' | 'labels' | 'structures'> & {
  tissueOverrides?: Case['tissueOverrides'];
  wallAberration?: Case['wallAberration'];
};

/** A device: a built-in preset, a geometry, or a bowl (its drive is ignored: sources are per watt). */
export type BeamDevice = Plan['device'] | BowlTransducer;

/** One heat-source patch of a beam. */
export interface BeamPatch {
  /** q per watt (referencePower 1), offset [0,0,0]: place it with placeBeamPatch */
  readonly source: PatchHeatSource;
  /** m, along the patch's (= the case grid's) axes */
  readonly spacing: Vec3;
  /** unit RAS vectors of the patch axes i, j, k */
  readonly axes: readonly [Vec3, Vec3, Vec3];
  /** Σ q·ΔV, W per W of acoustic power */
  readonly power: number;
}

/** The power bookkeeping of a beam between the skin and the far end of the path patch, W per W. */
export interface BeamPowerBalance {
  /** acoustic power entering the skin (after transmission from the water), by the angular spectrum */
  readonly enteringSkin: number;
  /** acoustic power crossing the far plane (pathBeyondFocus past the focus) */
  readonly leavingFarPlane: number;
  /** the part of enteringSkin − leavingFarPlane absorbed in the layers (the rest is reflected at interfaces, or scattered where α_abs < α) */
  readonly absorbed: number;
  /** Σ q·ΔV of the path patch (which holds the slab between the two planes) */
  readonly deposited: number;
  /** deposited / absorbed − 1 */
  readonly relativeError: number;
}

/** The heat sources of one beam (one layer stack). */
export interface BeamSources {
  /** the focus (RAS m) and beam direction (RAS unit) the sources were computed for */
  readonly focus: Vec3;
  readonly beam: Vec3;
  /** the axis layers used (skin → focus) and the water path (m, bowl apex to skin) */
  readonly layers: BeamAxisLayers;
  readonly waterPath: number;
  /** the layered medium of the beam (water path, then the axis layers), transducer frame */
  readonly medium: LayeredMedium;
  readonly focal: BeamPatch;
  readonly path: BeamPatch;
  /**
   * with options.pathOutsideFocal: the path patch without the sub-cells inside the focal patch's box, so that
   * focal + pathOutsideFocal, each on its own grid, hold the beam's heat once (the focal box holds only about
   * half of the heat near the focus: the converging cone carries the rest at lower intensity)
   */
  readonly pathOutsideFocal?: BeamPatch;
  /** focal metrics at 1 W, transducer frame (peak pressure Pa, intensity W/m², −6 dB width/length m, focalShift m) */
  readonly metrics: FocusMetrics;
  /** power in the focal patch / power in a box twice its size each way (how much of the focal heat it holds) */
  readonly focalFraction: number;
  /**
   * The −20 dB heating region (q ≥ 1 % of its peak, on the doubled box at twice the focal spacing): how far it
   * reaches in front of the focus (towards the transducer), beyond it, and across the beam (m, voxel centres).
   */
  readonly region20dB: { readonly before: number; readonly after: number; readonly halfWidth: number };
  readonly powerBalance: BeamPowerBalance;
  /** s: the whole computation; and its parts: the field table (relayering included) and the patches */
  readonly seconds: number;
  readonly tableSeconds: number;
  readonly patchSeconds: number;
  /** with wall aberration: what the wall screen did (the focal and wide patches and metrics are through it) */
  readonly wallAberration?: WallAberrationReport;
}

interface Context {
  transducer: BowlTransducer;
  frequency: number;
  coupling: Tissue;
  /** the slowest tissue of the case (sets the spectral band) */
  slowest: Tissue;
  tissueOf: (structure: string) => Tissue;
  aberration: WallAberrationModel | null;
  planning: { grid: Grid3D; labels: Uint8Array; structures: Record<string, number> };
  axes: [Vec3, Vec3, Vec3];
  options: Required<Pick<BeamSourceOptions, 'focalHalfWidth' | 'focalHalfLength' | 'pathBeyondFocus' | 'pathMargin' | 'rimClearance'>> & {
    focalSpacing: Vec3;
    pathSpacing: Vec3;
    sampleStep?: number;
    tableStep: { axial?: number; radial?: number };
    maxWaterPath?: number;
    sourceMarginWavelengths: number;
    sourcePadFactor: number;
    pathOutsideFocal: boolean;
    stackTolerance: StackDifference;
  };
}

function vec3Option(v: number | Vec3 | undefined, fallback: number, field: string): Vec3 {
  const x = v ?? fallback;
  const a: Vec3 = typeof x === 'number' ? [x, x, x] : x;
  for (let i = 0; i < 3; i++) requireFinite(`${field}[${i}]`, a[i], 'positive');
  return [a[0], a[1], a[2]];
}

function positiveOption(v: number | undefined, fallback: number, field: string): number {
  return requireFinite(field, v ?? fallback, 'positive');
}

function unit(v: Vec3, field: string): Vec3 {
  for (let i = 0; i < 3; i++) requireFinite(`${field}[${i}]`, v[i]);
  const n = Math.hypot(v[0], v[1], v[2]);
  if (!(n > 0)) throw new InputError(field, 'must be a non-zero vector');
  return [v[0] / n, v[1] / n, v[2] / n];
}

/** The bowl of a device, driven at 1 W. */
export function deviceTransducer(device: BeamDevice, field = 'device'): BowlTransducer {
  if (device && typeof device === 'object' && 'drive' in device) {
    return parseTransducer(
      {
        frequency: device.frequency,
        radiusOfCurvature: device.radiusOfCurvature,
        aperture: device.aperture,
        holeDiameter: device.holeDiameter,
        power: 1,
      },
      field,
    );
  }
  return parseTransducer({ ...(device as object), power: 1 }, field);
}

function makeContext(c: BeamCase, device: BeamDevice, options: BeamSourceOptions): Context {
  if (!c || !c.grid || !(c.labels instanceof Uint8Array)) throw new InputError('case', 'needs grid, labels and structures');
  const n = c.grid.shape[0] * c.grid.shape[1] * c.grid.shape[2];
  if (c.labels.length !== n) throw new InputError('case.labels', `has ${c.labels.length} voxels, the grid ${n}`);
  const transducer = deviceTransducer(device);
  const tissues = new Map<string, Tissue>();
  const structures: Record<string, number> = {};
  for (const s of c.structures) {
    const base = getTissue(s.tissue, `case.structures.${s.name}.tissue`);
    const o = c.tissueOverrides?.[s.name];
    tissues.set(s.name, o ? withOverrides(base, o, `case.tissueOverrides.${s.name}`) : base);
    structures[s.name] = s.label;
  }
  const coupling = tissues.get('water') ?? getTissue('water');
  const tissueOf = (name: string): Tissue => tissues.get(name) ?? getTissue(name === 'soft-tissue' ? 'soft-tissue' : name, 'structure');
  let slowest = coupling;
  for (const t of tissues.values()) if (!t.reflector && t.soundSpeed < slowest.soundSpeed) slowest = t;
  const tol = { ...DEFAULT_STACK_TOLERANCE, ...(options.stackTolerance ?? {}) };
  for (const k of ['depth', 'attenuationDb', 'profileDb', 'soundSpeedPath'] as const)
    requireFinite(`stackTolerance.${k}`, tol[k], 'non-negative');
  return {
    transducer,
    frequency: transducer.frequency,
    coupling,
    slowest,
    tissueOf,
    aberration:
      options.wallAberration !== undefined
        ? wallAberrationModel(options.wallAberration, 'wallAberration')
        : wallAberrationModel(c.wallAberration ?? DEFAULT_CASE_WALL_ABERRATION, 'case.wallAberration'),
    planning: { grid: c.grid, labels: c.labels, structures },
    axes: gridAxes(c.grid),
    options: {
      focalSpacing: vec3Option(options.focalSpacing, 0.5e-3, 'focalSpacing'),
      pathSpacing: vec3Option(options.pathSpacing, 2e-3, 'pathSpacing'),
      focalHalfWidth: positiveOption(options.focalHalfWidth, 8e-3, 'focalHalfWidth'),
      focalHalfLength: positiveOption(options.focalHalfLength, 16e-3, 'focalHalfLength'),
      pathBeyondFocus: positiveOption(options.pathBeyondFocus, 20e-3, 'pathBeyondFocus'),
      pathMargin: requireFinite('pathMargin', options.pathMargin ?? 15e-3, 'non-negative'),
      rimClearance: requireFinite('rimClearance', options.rimClearance ?? 5e-3, 'non-negative'),
      sampleStep: options.sampleStep === undefined ? undefined : positiveOption(options.sampleStep, 0, 'sampleStep'),
      tableStep: {
        axial: options.tableStep?.axial === undefined ? undefined : positiveOption(options.tableStep.axial, 0, 'tableStep.axial'),
        radial: options.tableStep?.radial === undefined ? undefined : positiveOption(options.tableStep.radial, 0, 'tableStep.radial'),
      },
      maxWaterPath: options.maxWaterPath === undefined ? undefined : positiveOption(options.maxWaterPath, 0, 'maxWaterPath'),
      sourceMarginWavelengths: positiveOption(options.sourceMarginWavelengths, SOURCE_MARGIN_WAVELENGTHS, 'sourceMarginWavelengths'),
      sourcePadFactor: positiveOption(options.sourcePadFactor, 1.0, 'sourcePadFactor'),
      pathOutsideFocal: options.pathOutsideFocal === true,
      stackTolerance: tol,
    },
  };
}

/** Why a focus cannot be treated with this device, as a code with its values (SI units) and English text. */
export interface FocusProblem {
  reason:
    | 'focus-outside-body'
    | 'axis-leaves-image'
    | 'axis-gas'
    | 'axis-bone'
    | 'focus-in-skin'
    | 'focus-too-deep'
    | 'focus-too-shallow'
    | 'outside-window';
  params: Record<string, number | string>;
  message: string;
}

/**
 * The axis layers of a focus, checked for this device: inside the body, skin found, no gas (total reflector)
 * or bone on the axis (the planar soft-tissue model does not hold there), not in the skin itself, and a water
 * path that fits the bowl (rim clear of the skin by rimClearance) and the bath.
 */
function axisLayersOrProblem(ctx: Context, focus: Vec3, beam: Vec3): { layers: BeamAxisLayers } | { problem: FocusProblem } {
  const mm = (x: number) => (x * 1000).toFixed(1);
  const where = `focus (${focus.map(mm).join(', ')}) mm`;
  let layers: BeamAxisLayers;
  try {
    layers = beamAxisLayers(ctx.planning, focus, beam);
  } catch (e) {
    if (e instanceof InputError)
      return { problem: { reason: 'focus-outside-body', params: {}, message: e.message.replace(/^focus: /, '') } };
    throw e;
  }
  if (!layers.skinFound)
    return {
      problem: {
        reason: 'axis-leaves-image',
        params: {},
        message: `the beam axis from the ${where} leaves the image before reaching the skin`,
      },
    };
  let depth = 0;
  for (const l of layers.layers) {
    const t = ctx.tissueOf(l.structure);
    const params = { structure: l.structure, depth };
    if (t.reflector)
      return {
        problem: {
          reason: 'axis-gas',
          params,
          message: `the beam axis to the ${where} crosses ${l.structure} (gas) ${mm(depth)} mm below the skin`,
        },
      };
    if (t.name === 'bone')
      return {
        problem: {
          reason: 'axis-bone',
          params,
          message: `the beam axis to the ${where} crosses bone (${l.structure}) ${mm(depth)} mm below the skin`,
        },
      };
    depth += l.thickness;
  }
  const focusLayer = layers.layers[layers.layers.length - 1];
  if (layers.layers.length === 1 && ctx.tissueOf(focusLayer.structure).name === 'skin')
    return { problem: { reason: 'focus-in-skin', params: {}, message: `the ${where} lies in the skin` } };
  const R = ctx.transducer.radiusOfCurvature;
  const D = layers.depthBelowSkin;
  const waterPath = R - D;
  const minWater = rimHeight(ctx.transducer) + ctx.options.rimClearance;
  if (waterPath < minWater) {
    return {
      problem: {
        reason: 'focus-too-deep',
        params: { depth: D, reach: R - minWater },
        message: `the ${where} is ${mm(D)} mm below the skin; this bowl (R ${mm(R)} mm, rim ${mm(rimHeight(ctx.transducer))} mm deep) reaches at most ${mm(R - minWater)} mm`,
      },
    };
  }
  if (ctx.options.maxWaterPath !== undefined && waterPath > ctx.options.maxWaterPath) {
    return {
      problem: {
        reason: 'focus-too-shallow',
        params: { depth: D, waterPath, maxWaterPath: ctx.options.maxWaterPath },
        message: `the ${where} is only ${mm(D)} mm below the skin: the bowl would sit ${mm(waterPath)} mm from the skin, the water allows ${mm(ctx.options.maxWaterPath)} mm`,
      },
    };
  }
  return { layers };
}

/** axisLayersOrProblem, throwing InputError naming `field` (with the problem's reason and params). */
function checkedLayers(ctx: Context, focus: Vec3, beam: Vec3, field: string): BeamAxisLayers {
  for (let i = 0; i < 3; i++) requireFinite(`${field}[${i}]`, focus[i]);
  const r = axisLayersOrProblem(ctx, focus, beam);
  if ('problem' in r) throw new InputError(field, r.problem.message, { reason: r.problem.reason, params: r.problem.params });
  return r.layers;
}

/**
 * A checker of foci for one case, device and beam: null where computeBeamSources / treatmentBeamSources accept the
 * focus, else why not (the same rules, without throwing), so that a planner can drop or move such foci; with a
 * case's couch, also the window rule the plan checker applies (beam-path.ts couchWindowProblem, "outside-window").
 */
export function focusChecker(
  c: BeamCase,
  device: BeamDevice,
  beam: Vec3,
  options: BeamSourceOptions = {},
): (focus: Vec3) => FocusProblem | null {
  const ctx = makeContext(c, device, options);
  const b = unit(beam, 'beam');
  // a case's couch window (beam cone through the opening: beam-path.ts), where the case has a couch
  const couch = 'couch' in c ? (c as Pick<Case, 'couch'>).couch : undefined;
  return (focus) => {
    const r = axisLayersOrProblem(ctx, focus, b);
    if ('problem' in r) return r.problem;
    return couch ? couchWindowProblem(focus, couch, ctx.transducer) : null;
  };
}

/**
 * The source plane (Rayleigh integral, the expensive part) of a bowl at 1 W in the coupling water, at zSource.
 * A layer of the case's slowest tissue just past the plane makes the spectral band reach that tissue's
 * wavenumber, as buildAngularSpectrum would for any stack holding it (near-grazing components that are evanescent
 * in the water but propagate there).
 */
async function sourcePlane(ctx: Context, zSource: number, executor: ParallelExecutor): Promise<AngularSpectrum> {
  const medium =
    ctx.slowest.soundSpeed < ctx.coupling.soundSpeed
      ? layeredMedium([{ tissue: ctx.coupling, thickness: zSource }, { tissue: ctx.slowest }])
      : homogeneousMedium(ctx.coupling);
  return buildAngularSpectrum({ transducer: ctx.transducer, medium }, { zMin: zSource, zMax: zSource + 1e-3 }, executor, {
    marginWavelengths: ctx.options.sourceMarginWavelengths,
    padFactor: ctx.options.sourcePadFactor,
  });
}

/** Where the shared source plane goes: 0.3 R past the rim (as buildAngularSpectrum) or at the nearest skin. */
function sourcePlaneZ(ctx: Context, waterPaths: number[]): number {
  const t = ctx.transducer;
  return Math.min(rimHeight(t) + 0.3 * t.radiusOfCurvature, ...waterPaths);
}

/** Axial extent (m from the focus, along the beam) of a patch box: min and max of d·beam over its corners. */
function boxAxialRange(box: PatchBox, beam: Vec3): [number, number] {
  let lo = 0;
  let hi = 0;
  for (let a = 0; a < 3; a++) {
    const e = box.axes[a];
    const c = (e[0] * beam[0] + e[1] * beam[1] + e[2] * beam[2]) * box.spacing[a];
    const p = (box.lo[a] - 0.5) * c;
    const q = (box.hi[a] + 0.5) * c;
    lo += Math.min(p, q);
    hi += Math.max(p, q);
  }
  return [lo, hi];
}

/** Largest distance from the beam axis of a box's corners, m. */
function boxMaxRadius(box: PatchBox, beam: Vec3): number {
  let best = 0;
  for (let m = 0; m < 8; m++) {
    const d = [0, 0, 0];
    for (let a = 0; a < 3; a++) {
      const t = ((m >> a) & 1 ? box.hi[a] + 0.5 : box.lo[a] - 0.5) * box.spacing[a];
      for (let c = 0; c < 3; c++) d[c] += t * box.axes[a][c];
    }
    const w = d[0] * beam[0] + d[1] * beam[1] + d[2] * beam[2];
    best = Math.max(best, Math.sqrt(Math.max(0, d[0] * d[0] + d[1] * d[1] + d[2] * d[2] - w * w)));
  }
  return best;
}

/** Focal metrics of a radial table: axial peak (parabolic refinement), −6 dB length on the axis, −6 dB width at the peak plane. */
function tableMetrics(
  table: RadialFieldTable,
  medium: LayeredMedium,
  frequency: number,
  R: number,
  zLo: number,
  zHi: number,
): FocusMetrics {
  const np = table.z.length;
  const amp = new Float64Array(np);
  for (let p = 0; p < np; p++) amp[p] = table.z[p] >= zLo && table.z[p] <= zHi ? Math.sqrt(table.p2[p * table.nr]) : 0;
  const pk = refinedPeak(amp);
  const i0 = Math.round(pk.index);
  let z = table.z[i0];
  const frac = pk.index - Math.floor(pk.index);
  const f0 = Math.floor(pk.index);
  if (f0 + 1 < np && table.planeLayer[f0] === table.planeLayer[f0 + 1]) z = table.z[f0] * (1 - frac) + table.z[f0 + 1] * frac;
  const radial = new Float64Array(table.nr);
  const r = new Float64Array(table.nr);
  for (let m = 0; m < table.nr; m++) {
    radial[m] = Math.sqrt(table.p2[i0 * table.nr + m]);
    r[m] = m * table.dr;
  }
  const layer = medium.layers[table.planeLayer[i0]].tissue;
  const ac = layerAcoustics(layer, frequency);
  return {
    position: [0, 0, z],
    pressure: pk.value,
    intensity: planeWaveIntensity(pk.value, ac.density, ac.soundSpeed),
    width6dB: 2 * radiusAtLevel(r, radial, 0.5),
    length6dB: widthAtLevel(table.z, amp, i0, 0.5),
    focalShift: z - R,
  };
}

/** Extent of the voxels of a patch with q ≥ level·max q: before/after the focus along the beam and across it (m). */
function regionAbove(p: { q: Float32Array; shape: Vec3 }, box: PatchBox, beam: Vec3, level: number): BeamSources['region20dB'] {
  let max = 0;
  for (let i = 0; i < p.q.length; i++) max = Math.max(max, p.q[i]);
  let before = 0;
  let after = 0;
  let halfWidth = 0;
  const [nx, ny, nz] = p.shape;
  const d = [0, 0, 0];
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (!(p.q[i + nx * (j + ny * k)] >= level * max) || max === 0) continue;
        const t = [(box.lo[0] + i) * box.spacing[0], (box.lo[1] + j) * box.spacing[1], (box.lo[2] + k) * box.spacing[2]];
        for (let c = 0; c < 3; c++) d[c] = t[0] * box.axes[0][c] + t[1] * box.axes[1][c] + t[2] * box.axes[2][c];
        const w = d[0] * beam[0] + d[1] * beam[1] + d[2] * beam[2];
        before = Math.max(before, -w);
        after = Math.max(after, w);
        halfWidth = Math.max(halfWidth, Math.sqrt(Math.max(0, d[0] * d[0] + d[1] * d[1] + d[2] * d[2] - w * w)));
      }
  return { before, after, halfWidth };
}

function subsamples(spacing: Vec3, step: number): Vec3 {
  return [Math.ceil(spacing[0] / step - 1e-9), Math.ceil(spacing[1] / step - 1e-9), Math.ceil(spacing[2] / step - 1e-9)];
}

/** The sources of one stack, from a shared source plane. */
async function sourcesOfStack(
  ctx: Context,
  base: AngularSpectrum,
  focus: Vec3,
  beam: Vec3,
  layers: BeamAxisLayers,
  executor: ParallelExecutor,
): Promise<BeamSources> {
  const t0 = performance.now();
  const o = ctx.options;
  const t = ctx.transducer;
  const f = ctx.frequency;
  const R = t.radiusOfCurvature;
  const a = t.aperture / 2;
  const D = layers.depthBelowSkin;
  const waterPath = R - D;
  const stack = layers.layers.map((l) => ({ tissue: ctx.tissueOf(l.structure), thickness: l.thickness }));
  const medium = layeredMedium([{ tissue: ctx.coupling, thickness: waterPath }, ...stack]);
  const asm = relayerSpectrum(base, medium, f);
  // Slowest tissue met sets the sampling (its wavelength is the shortest).
  const cMin = Math.min(...medium.layers.map((l) => l.tissue.soundSpeed));
  const lambda = cMin / f;
  const step = o.sampleStep ?? lambda / 2;
  const zSkin = waterPath;
  const zFar = R + o.pathBeyondFocus;
  const focalBox = beamBox(beam, ctx.axes, o.focalSpacing, o.focalHalfLength, o.focalHalfLength, o.focalHalfWidth, o.focalHalfWidth);
  const wideSpacing: Vec3 = [2 * o.focalSpacing[0], 2 * o.focalSpacing[1], 2 * o.focalSpacing[2]];
  const wideBox = beamBox(
    beam,
    ctx.axes,
    wideSpacing,
    2 * o.focalHalfLength,
    2 * o.focalHalfLength,
    2 * o.focalHalfWidth,
    2 * o.focalHalfWidth,
  );
  const pathBox = beamBox(
    beam,
    ctx.axes,
    o.pathSpacing,
    D,
    o.pathBeyondFocus,
    (a * D) / R + o.pathMargin,
    (a * o.pathBeyondFocus) / R + o.pathMargin,
  );
  const [fLo, fHi] = boxAxialRange(focalBox, beam);
  const [wLo, wHi] = boxAxialRange(wideBox, beam);
  const zMin = Math.max(base.zSource, Math.min(zSkin, R + fLo, R + wLo));
  const zMax = Math.max(zFar, R + fHi, R + wHi);
  const rMax = Math.max(boxMaxRadius(pathBox, beam), boxMaxRadius(wideBox, beam), boxMaxRadius(focalBox, beam));
  const table = await radialFieldTable(
    asm,
    medium,
    { zMin, zMax, rMax, dzMax: o.tableStep.axial ?? lambda / 4, drMax: o.tableStep.radial ?? lambda / 12, cuts: [zSkin, zFar] },
    executor,
  );
  const t1 = performance.now();
  const heatPerP2 = new Float64Array(medium.layers.length);
  medium.layers.forEach((l, i) => {
    const ac = layerAcoustics(l.tissue, f);
    heatPerP2[i] = ac.absorptionNpPerM / (ac.density * ac.soundSpeed);
  });
  const heat: AxisymmetricBeamHeat = { table, heatPerP2, zFocus: R };
  // through an aberrating wall the field past the wall is computed in 3D (aberrated-beam.ts)
  const ab = ctx.aberration
    ? await aberratedBeamPatches(
        {
          asm,
          medium,
          heat,
          frequency: f,
          case: { ...ctx.planning, tissueOf: ctx.tissueOf, coupling: ctx.coupling },
          model: ctx.aberration,
          focus,
          beam,
          layers,
          focal: { box: focalBox, subsamples: subsamples(o.focalSpacing, step) },
          wide: { box: wideBox, subsamples: subsamples(wideSpacing, step) },
          sampleStep: step,
        },
        executor,
      )
    : null;
  const focal = ab?.focal ?? (await radialBeamPatch(heat, beam, focalBox, subsamples(o.focalSpacing, step), 1, executor));
  const wide = ab?.wide ?? (await radialBeamPatch(heat, beam, wideBox, subsamples(wideSpacing, step), 1, executor));
  // The path patch holds the slab from the skin to the far plane only.
  const pathHeat: AxisymmetricBeamHeat = { ...heat, zRange: [zSkin, zFar] };
  const path = ab
    ? await ab.path(pathBox, subsamples(o.pathSpacing, step), [zSkin, zFar])
    : await radialBeamPatch(pathHeat, beam, pathBox, subsamples(o.pathSpacing, step), 1, executor);
  const focalExtent = {
    lo: [0, 1, 2].map((a) => (focalBox.lo[a] - 0.5) * focalBox.spacing[a]) as unknown as Vec3,
    hi: [0, 1, 2].map((a) => (focalBox.hi[a] + 0.5) * focalBox.spacing[a]) as unknown as Vec3,
  };
  const outside = o.pathOutsideFocal
    ? ab
      ? await ab.path(pathBox, subsamples(o.pathSpacing, step), [zSkin, zFar], focalExtent)
      : await radialBeamPatch(pathHeat, beam, pathBox, subsamples(o.pathSpacing, step), 1, executor, focalExtent)
    : undefined;
  const t2 = performance.now();
  // Power balance between the skin and the far plane, from the table's plane powers (Parseval on the band
  // spectrum): each segment inside [zSkin, zFar] loses power[first] − power[last] (its own field at both ends, so
  // interface reflections are not counted), of which the fraction α_abs/α is absorbed.
  let absorbed = 0;
  let enteringSkin = Number.NaN;
  let leavingFarPlane = Number.NaN;
  const tol = 1e-12;
  for (let g = 0; g < table.segStart.length; g++) {
    const first = table.segFirst[g];
    const last = first + table.segIntervals[g];
    if (Math.abs(table.segStart[g] - zSkin) < tol) enteringSkin = table.power[first];
    if (Math.abs(table.segEnd[g] - zFar) < tol) leavingFarPlane = table.power[last];
    if (table.segStart[g] < zSkin - tol || table.segEnd[g] > zFar + tol) continue;
    const ac = layerAcoustics(medium.layers[table.segLayer[g]].tissue, f);
    const lost = table.power[first] - table.power[last];
    absorbed += ac.attenuationNpPerM > 0 ? (lost * ac.absorptionNpPerM) / ac.attenuationNpPerM : 0;
  }
  const region20dB = regionAbove(wide, wideBox, beam, 0.01);
  const metrics = ab?.metrics ?? tableMetrics(table, medium, f, R, R + fLo, R + fHi);
  const patch = (p: Awaited<ReturnType<typeof radialBeamPatch>>, spacing: Vec3): BeamPatch => ({
    source: { kind: 'patch', q: p.q, shape: p.shape, offset: [0, 0, 0], centre: p.centre, referencePower: 1 },
    spacing,
    axes: ctx.axes,
    power: p.power,
  });
  return {
    focus,
    beam,
    layers,
    waterPath,
    medium,
    focal: patch(focal, o.focalSpacing),
    path: patch(path, o.pathSpacing),
    ...(outside ? { pathOutsideFocal: patch(outside, o.pathSpacing) } : {}),
    metrics,
    ...(ab ? { wallAberration: ab.report } : {}),
    focalFraction: wide.power > 0 ? focal.power / wide.power : 0,
    region20dB,
    powerBalance: { enteringSkin, leavingFarPlane, absorbed, deposited: path.power, relativeError: path.power / absorbed - 1 },
    seconds: (performance.now() - t0) / 1000,
    tableSeconds: (t1 - t0) / 1000,
    patchSeconds: (t2 - t1) / 1000,
  };
}

/** Input of computeBeamSources. */
export interface BeamSourceInput {
  /** the case: label map, structures (name, label, tissue), tissue overrides */
  readonly case: BeamCase;
  /** focus, RAS m */
  readonly focus: Vec3;
  /** beam direction, RAS (normalised here) */
  readonly beam: Vec3;
  /** the bowl (its drive is ignored) or a plan device */
  readonly device: BeamDevice;
  readonly options?: BeamSourceOptions;
}

/**
 * The heat sources of one focus (see the module comment): layers on the beam axis, the field by the angular
 * spectrum at 1 W through them (water path R − depth), the fine `focal` and coarse `path` patches, the focal
 * metrics, the power balance and the time taken. InputError for a focus outside the body, gas or bone on the
 * axis, a focus in the skin, too deep for the bowl or too shallow for the water bath (options.maxWaterPath).
 */
export async function computeBeamSources(input: BeamSourceInput, executor: ParallelExecutor = new SerialExecutor()): Promise<BeamSources> {
  const t0 = performance.now();
  const ctx = makeContext(input.case, input.device, input.options ?? {});
  const beam = unit(input.beam, 'beam');
  const focus: Vec3 = [input.focus[0], input.focus[1], input.focus[2]];
  const layers = checkedLayers(ctx, focus, beam, 'focus');
  const base = await sourcePlane(ctx, sourcePlaneZ(ctx, [ctx.transducer.radiusOfCurvature - layers.depthBelowSkin]), executor);
  const s = await sourcesOfStack(ctx, base, focus, beam, layers, executor);
  return { ...s, seconds: (performance.now() - t0) / 1000 };
}

/** The sources of a whole plan: one computation per group of foci with equivalent layer stacks. */
export interface TreatmentBeamSources {
  readonly sources: BeamSources[];
  /** index into `sources` of each sonication of the plan */
  readonly sourceOfSonication: Int32Array;
  /**
   * per sonication, m along the beam: where the `path` patch's focus voxel goes, relative to the sonication's
   * focus, so that the shared beam's skin plane lands on this sonication's skin (its depth minus the sonication's;
   * the `focal` patch goes on the focus itself). See placeSonicationPatches.
   */
  readonly pathShift: Float64Array;
  /** angular-spectrum computations (= sources.length) and Rayleigh source planes (1) done */
  readonly computations: number;
  /** the largest stack difference of a sonication from its group's leader */
  readonly worstDifference: StackDifference;
  /** s: total, and the shared source plane's share */
  readonly seconds: number;
  readonly sourcePlaneSeconds: number;
}

/**
 * The heat sources of every sonication of `plan` on `case`, with reuse: a beam through planar layers translates
 * with the transducer unchanged, so foci whose axis stacks agree within options.stackTolerance (depth below the
 * skin, attenuation and sound-speed profiles aligned at the focus; see stackDifference) share one computation,
 * made for the first focus of the group (the leader; every member is within tolerance of it). A member's focal
 * patch goes on its focus, its path patch `pathShift` along the beam so that the near-field heat lands on its own
 * skin (placeSonicationPatches does both). All groups share
 * one Rayleigh source plane (at 0.3 R past the rim, or at the nearest skin). A bad sonication focus throws
 * InputError naming `plan.sonications[i].focus`.
 */
export async function treatmentBeamSources(
  c: BeamCase,
  plan: Pick<Plan, 'device' | 'sonications'> & { placement?: Pick<Plan['placement'], 'beamDirection'> },
  options: BeamSourceOptions = {},
  executor: ParallelExecutor = new SerialExecutor(),
): Promise<TreatmentBeamSources> {
  const t0 = performance.now();
  const ctx = makeContext(c, plan.device, options);
  const beam = unit(plan.placement?.beamDirection ?? [0, -1, 0], 'plan.placement.beamDirection');
  const n = plan.sonications.length;
  const sourceOfSonication = new Int32Array(n);
  const pathShift = new Float64Array(n);
  const leaders: Array<{ sonication: number; layers: BeamAxisLayers }> = [];
  const worst: StackDifference = { depth: 0, attenuationDb: 0, profileDb: 0, soundSpeedPath: 0 };
  const tol = ctx.options.stackTolerance;
  for (let i = 0; i < n; i++) {
    const s = plan.sonications[i];
    const layers = checkedLayers(ctx, s.focus as unknown as Vec3, beam, `plan.sonications[${i}].focus`);
    let group = -1;
    for (let g = 0; g < leaders.length && group < 0; g++) {
      const L = leaders[g].layers;
      if (Math.abs(L.depthBelowSkin - layers.depthBelowSkin) > tol.depth) continue;
      const d = stackDifference(L, layers, ctx.tissueOf, ctx.coupling, ctx.frequency);
      if (withinTolerance(d, tol)) {
        group = g;
        worst.depth = Math.max(worst.depth, d.depth);
        worst.attenuationDb = Math.max(worst.attenuationDb, d.attenuationDb);
        worst.profileDb = Math.max(worst.profileDb, d.profileDb);
        worst.soundSpeedPath = Math.max(worst.soundSpeedPath, d.soundSpeedPath);
        pathShift[i] = L.depthBelowSkin - layers.depthBelowSkin;
      }
    }
    if (group < 0) {
      group = leaders.length;
      leaders.push({ sonication: i, layers });
    }
    sourceOfSonication[i] = group;
  }
  const sources: BeamSources[] = [];
  let sourcePlaneSeconds = 0;
  if (leaders.length > 0) {
    const ts = performance.now();
    const R = ctx.transducer.radiusOfCurvature;
    const base = await sourcePlane(
      ctx,
      sourcePlaneZ(
        ctx,
        leaders.map((l) => R - l.layers.depthBelowSkin),
      ),
      executor,
    );
    sourcePlaneSeconds = (performance.now() - ts) / 1000;
    for (const l of leaders) {
      const f = plan.sonications[l.sonication].focus;
      sources.push(await sourcesOfStack(ctx, base, [f[0], f[1], f[2]], beam, l.layers, executor));
    }
  }
  return {
    sources,
    sourceOfSonication,
    pathShift,
    computations: sources.length,
    worstDifference: worst,
    seconds: (performance.now() - t0) / 1000,
    sourcePlaneSeconds,
  };
}

/**
 * A beam patch placed on a grid for a focus (RAS m): its focus voxel on the grid voxel nearest to the focus.
 * The grid must share the patch's axes and spacing (1e-6 relative); parts outside the grid are dropped by the
 * thermal solver.
 */
export function placeBeamPatch(patch: BeamPatch, grid: Grid3D, focus: Vec3): PatchHeatSource {
  const axes = gridAxes(grid);
  for (let a = 0; a < 3; a++) {
    const dot = axes[a][0] * patch.axes[a][0] + axes[a][1] * patch.axes[a][1] + axes[a][2] * patch.axes[a][2];
    if (dot < 1 - 1e-6 || Math.abs(grid.spacing[a] - patch.spacing[a]) > 1e-6 * patch.spacing[a]) {
      throw new InputError('grid', `axis ${a} differs from the patch's (spacing ${patch.spacing[a]} m); compute the sources for this grid`);
    }
  }
  const v = rasMmToVoxel(grid, focus[0] * 1000, focus[1] * 1000, focus[2] * 1000);
  const c = patch.source.centre;
  return { ...patch.source, offset: [Math.round(v[0]) - c[0], Math.round(v[1]) - c[1], Math.round(v[2]) - c[2]] };
}

/**
 * The patches of sonication `index` of a treatment, placed on their grids (each must share its patch's axes
 * and spacing): the focal patch on the focus, the path patch (and pathOutsideFocal, where computed) shifted
 * along the beam by `pathShift` (the shared beam's skin on this sonication's skin). Pass only the grids you
 * simulate on.
 */
export function placeSonicationPatches(
  t: Pick<TreatmentBeamSources, 'sources' | 'sourceOfSonication' | 'pathShift'>,
  focus: Vec3,
  index: number,
  grids: { focal?: Grid3D; path?: Grid3D },
): { focal?: PatchHeatSource; path?: PatchHeatSource; pathOutsideFocal?: PatchHeatSource } {
  if (!Number.isInteger(index) || index < 0 || index >= t.sourceOfSonication.length) {
    throw new InputError('index', `must be a sonication index 0–${t.sourceOfSonication.length - 1}, got ${index}`);
  }
  const s = t.sources[t.sourceOfSonication[index]];
  const d = t.pathShift[index];
  const shifted: Vec3 = [focus[0] + d * s.beam[0], focus[1] + d * s.beam[1], focus[2] + d * s.beam[2]];
  return {
    ...(grids.focal ? { focal: placeBeamPatch(s.focal, grids.focal, focus) } : {}),
    ...(grids.path ? { path: placeBeamPatch(s.path, grids.path, shifted) } : {}),
    ...(grids.path && s.pathOutsideFocal ? { pathOutsideFocal: placeBeamPatch(s.pathOutsideFocal, grids.path, shifted) } : {}),
  };
}
