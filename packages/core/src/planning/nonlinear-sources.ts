import type { LayeredMedium } from '../acoustics/medium.js';
import { type NonlinearBeam, computeNonlinearBeam } from '../acoustics/nonlinear-axisymmetric.js';
import { type EquivalentNonlinearBeam, HeatRatio, equivalentNonlinearBeam } from '../acoustics/nonlinear-equivalent-beam.js';
import { nonlinearFocus } from '../acoustics/nonlinear-field.js';
import { InputError, requireFinite } from '../errors.js';
import type { Vec3 } from '../grid/grid3d.js';
import { type ParallelExecutor, SerialExecutor } from '../parallel/parallel-executor.js';
import { rimHeight } from '../transducer/bowl.js';
import { perpendicularBasis } from './beam-path.js';
import type { BeamPatch, BeamSources, TreatmentBeamSources } from './treatment-sources.js';
import { deviceTransducer, type BeamDevice } from './treatment-sources.js';

/**
 * The nonlinear heat source of a plan's beams (issue 16), a floor above the acoustics: finite-amplitude propagation
 * puts part of the beam's power into harmonics, which tissue absorbs more (α ∝ f^y), and into shocks, so the focal
 * heat source grows faster than the power.
 *
 * Criterion (when it matters): the heating ratio, nonlinear / linear heat source at the linear focus, of the
 * axisymmetric nonlinear solver (nonlinear-axisymmetric.ts) for the beam's own layer stack at the planned power;
 * above NONLINEAR_HEATING_THRESHOLD (1.1: harmonics add more than 10 % to the focal heating, beyond the spread of
 * the absorption data the linear source rests on) the sonication heats with the nonlinear source, otherwise with the
 * linear one. It is computed once per distinct (beam, power): beams are shared across foci as the linear path
 * shares them (treatmentBeamSources' stack groups), and a plan's sonications share one power.
 *
 * The nonlinear source through flat layers is that same axisymmetric solution (the beam of a bowl through layers
 * normal to its axis is axisymmetric, so the solution holds in 3D; nonlinear-angular-spectrum.ts, the 3D march, is
 * checked against it on the axis): its radial heat table Q(r, z) sampled on the beam's focal and coarse patches
 * (sub-cells ≤ 0.25 mm), at the planned power (referencePower = power: not per watt, since Q is not linear in P).
 * Voxels outside the table (r beyond `tableRadius`, z outside the solved range) keep the linear source × power;
 * there the beam is a low-amplitude converging or diverging cone whose harmonics are negligible. The near-field
 * (skin, fat, muscle) grid keeps the linear source: before the focal region the wave is still close to a sine.
 * Beams through an aberrating wall (wall aberration on) are not axisymmetric, and the 3D nonlinear march
 * (nonlinear-angular-spectrum.ts) costs minutes per beam at clinical powers (bench nonlinear-3d), beyond the
 * planning-time budget. They use an equivalent axisymmetric beam (acoustics/nonlinear-equivalent-beam.ts: the bowl
 * through the same flat layers at the power that gives the aberrated linear focal peak, the focusing angle kept;
 * Rosnitskiy et al., IEEE TUFFC 2017: the nonlinear focal field is set by focal pressure and angle): its heating
 * ratio is the criterion, and its enhancement Q_nl/Q_lin(r, z), laid along the beam through the aberrated linear peak, multiplies
 * the aberrated linear patches (aberratedNonlinearPatch). Checked against the full 3D march through the same wall
 * screen (validation nonlinear-aberrated; test nonlinear-equivalent-beam.test.ts).
 *
 * Cost (bench nonlinear-planning, the clinical 400 W plan of the default phantom: 19 beam groups, all nonlinear,
 * heating ratio 1.23–1.69): autoPlan 449 s linear, 743 s nonlinear (×1.65; the shared 2-core machine at load ~28).
 * With the wall at strength 1 (FUAS_BENCH_WALL=1: 20 beam groups, all nonlinear, heating ratio 1.21–1.62, 132 s of
 * equivalent beams): autoPlan 338 s linear, 411 s nonlinear (×1.22; same machine at load ~9). Per beam (bench
 * nonlinear-aberrated-planning, 10 beam groups): the aberrated linear sources 102 s, the equivalent beams and their
 * patches 67 s (acoustics alone ×1.66, the bound on planning's ratio); flat beams' nonlinear sources 61 s.
 */

/** Heating ratio above which the nonlinear heat source is used. */
export const NONLINEAR_HEATING_THRESHOLD = 1.1;

/** Options (defaults in brackets). */
export interface NonlinearSourceOptions {
  /** force the linear heat source [false] */
  readonly linear?: boolean;
  /** heating ratio above which the nonlinear source is used [NONLINEAR_HEATING_THRESHOLD] */
  readonly threshold?: number;
  /** harmonics carried by the axisymmetric solver [32] */
  readonly harmonics?: number;
  /** radius of the radial heat table, m [10 mm] */
  readonly tableRadius?: number;
}

/** One beam at one power: the criterion and, when it holds, the nonlinear patches. */
export interface NonlinearBeamSource {
  /** W */
  readonly power: number;
  /** nonlinear / linear heat source at the linear focus (axisymmetric solver); NaN when not computed (forced linear, aberrated) */
  readonly heatingRatio: number;
  /** whether the nonlinear patches replace the linear ones */
  readonly nonlinear: boolean;
  /** why not, when not: 'forced-linear', 'below-threshold' ('wall-aberration' is no longer given: aberrated beams have the equivalent beam) */
  readonly reason?: 'forced-linear' | 'below-threshold' | 'wall-aberration';
  /** through an aberrating wall: the equivalent axisymmetric beam's aperture scale (1: planning keeps the aperture) and power (W), and the aberrated focus's −6 dB area over the flat-layer one */
  readonly equivalentBeam?: { readonly apertureScale: number; readonly power: number; readonly areaRatio: number };
  /** peaks of the waveform on the axis, Pa (p− ≤ 0); NaN when not computed */
  readonly peakPositivePressure: number;
  readonly peakNegativePressure: number;
  /** where shocks form on the axis (m, transducer frame), null when they do not */
  readonly shockZ: number | null;
  /** patches at `power` (referencePower = power), when nonlinear */
  readonly focal?: BeamPatch;
  readonly path?: BeamPatch;
  readonly pathOutsideFocal?: BeamPatch;
  /** s */
  readonly seconds: number;
}

/** A NonlinearBeamSource without its patches (what a simulation reports). */
export type NonlinearVerdict = Omit<NonlinearBeamSource, 'focal' | 'path' | 'pathOutsideFocal'>;

/** The box of a patch (its focus voxel at the centre index). */
function boxOf(p: BeamPatch): { lo: Vec3; hi: Vec3 } {
  const { shape, centre } = p.source;
  return {
    lo: [-centre[0], -centre[1], -centre[2]],
    hi: [shape[0] - 1 - centre[0], shape[1] - 1 - centre[1], shape[2] - 1 - centre[2]],
  };
}

/**
 * The patch `linear` (q per watt) at `power` with Q from the nonlinear beam's table wherever a voxel's sub-cells all
 * lie inside it (bilinear in r and z, mean over ≤ 0.25 mm sub-cells), else the linear q × power; `exclude` as
 * radialBeamPatch's (a box in patch axes, m from the focus, whose sub-cells count 0): voxels cut by it keep the
 * linear value, which already excludes it.
 */
export function nonlinearPatch(
  linear: BeamPatch,
  beam: NonlinearBeam,
  direction: Vec3,
  zFocus: number,
  power: number,
  exclude?: { lo: Vec3; hi: Vec3 },
): BeamPatch {
  const { lo } = boxOf(linear);
  const shape = linear.source.shape;
  const sp = linear.spacing;
  const ax = linear.axes;
  const ns = sp.map((s) => Math.max(1, Math.ceil(s / 2.5e-4 - 1e-9)));
  const nsub = ns[0] * ns[1] * ns[2];
  const q = new Float32Array(linear.source.q.length);
  const nr = beam.tableRadii;
  const dr = beam.tableStep;
  const np = beam.z.length;
  const zLo = beam.z[0];
  const zHi = beam.z[np - 1];
  const heatAt = (r: number, z: number): number => {
    let a = 0;
    let b = np - 1;
    while (b - a > 1) {
      const m = (a + b) >> 1;
      if (beam.z[m] <= z) a = m;
      else b = m;
    }
    const span = beam.z[b] - beam.z[a];
    const wz = span > 0 ? Math.min(1, Math.max(0, (z - beam.z[a]) / span)) : 0;
    const fr = r / dr;
    const m = Math.floor(fr);
    const wr = fr - m;
    const t = beam.heatTable;
    const qa = t[a * nr + m] * (1 - wr) + t[a * nr + m + 1] * wr;
    const qb = t[b * nr + m] * (1 - wr) + t[b * nr + m + 1] * wr;
    return qa * (1 - wz) + qb * wz;
  };
  const rMax = (nr - 2) * dr;
  let sum = 0;
  for (let k = 0; k < shape[2]; k++)
    for (let j = 0; j < shape[1]; j++)
      for (let i = 0; i < shape[0]; i++) {
        const idx = i + shape[0] * (j + shape[1] * k);
        let acc = 0;
        let inside = true;
        for (let sz = 0; sz < ns[2] && inside; sz++) {
          const tz = (lo[2] + k + (sz + 0.5) / ns[2] - 0.5) * sp[2];
          for (let sy = 0; sy < ns[1] && inside; sy++) {
            const ty = (lo[1] + j + (sy + 0.5) / ns[1] - 0.5) * sp[1];
            for (let sx = 0; sx < ns[0]; sx++) {
              const tx = (lo[0] + i + (sx + 0.5) / ns[0] - 0.5) * sp[0];
              if (
                exclude &&
                tx > exclude.lo[0] &&
                tx < exclude.hi[0] &&
                ty > exclude.lo[1] &&
                ty < exclude.hi[1] &&
                tz > exclude.lo[2] &&
                tz < exclude.hi[2]
              ) {
                inside = false;
                break;
              }
              const d0 = tx * ax[0][0] + ty * ax[1][0] + tz * ax[2][0];
              const d1 = tx * ax[0][1] + ty * ax[1][1] + tz * ax[2][1];
              const d2 = tx * ax[0][2] + ty * ax[1][2] + tz * ax[2][2];
              const w = d0 * direction[0] + d1 * direction[1] + d2 * direction[2];
              const z = zFocus + w;
              const r = Math.sqrt(Math.max(0, d0 * d0 + d1 * d1 + d2 * d2 - w * w));
              if (z < zLo || z > zHi || r > rMax) {
                inside = false;
                break;
              }
              acc += heatAt(r, z);
            }
          }
        }
        const v = inside ? acc / nsub : linear.source.q[idx] * power;
        q[idx] = v;
        sum += v;
      }
  return {
    source: { ...linear.source, q, referencePower: power },
    spacing: sp,
    axes: ax,
    power: sum * sp[0] * sp[1] * sp[2],
  };
}

/** The focal patch's extent (patch axes, m from the focus), as treatment-sources.ts excludes it from pathOutsideFocal. */
function focalExtent(focal: BeamPatch): { lo: Vec3; hi: Vec3 } {
  const { lo, hi } = boxOf(focal);
  return {
    lo: [0, 1, 2].map((a) => (lo[a] - 0.5) * focal.spacing[a]) as unknown as Vec3,
    hi: [0, 1, 2].map((a) => (hi[a] + 0.5) * focal.spacing[a]) as unknown as Vec3,
  };
}

/**
 * The aberrated beam's linear patch (q per watt) at `power`, each voxel × the equivalent beam's enhancement
 * Q_nl/Q_lin over its sub-cells (≤ 0.25 mm, as nonlinearPatch), the equivalent beam's axis laid through the
 * aberrated focus (`peak`: its offset from the patch focus, m, patch axes) along `direction`, its linear focus on the
 * aberrated one; voxels with a sub-cell outside the equivalent beam's tables keep the linear q × power.
 */
export function aberratedNonlinearPatch(
  linear: BeamPatch,
  eq: EquivalentNonlinearBeam,
  direction: Vec3,
  peak: Vec3,
  power: number,
): BeamPatch {
  const { lo } = boxOf(linear);
  const shape = linear.source.shape;
  const sp = linear.spacing;
  const ax = linear.axes;
  const ns = sp.map((s) => Math.max(1, Math.ceil(s / 2.5e-4 - 1e-9)));
  const q = new Float32Array(linear.source.q.length);
  const ratio = new HeatRatio(eq);
  let sum = 0;
  for (let k = 0; k < shape[2]; k++)
    for (let j = 0; j < shape[1]; j++)
      for (let i = 0; i < shape[0]; i++) {
        const idx = i + shape[0] * (j + shape[1] * k);
        const lin = linear.source.q[idx] * power;
        ratio.reset();
        if (lin > 0)
          for (let sz = 0; sz < ns[2] && !ratio.isOutside; sz++) {
            const tz = (lo[2] + k + (sz + 0.5) / ns[2] - 0.5) * sp[2];
            for (let sy = 0; sy < ns[1] && !ratio.isOutside; sy++) {
              const ty = (lo[1] + j + (sy + 0.5) / ns[1] - 0.5) * sp[1];
              for (let sx = 0; sx < ns[0] && !ratio.isOutside; sx++) {
                const tx = (lo[0] + i + (sx + 0.5) / ns[0] - 0.5) * sp[0];
                const d0 = tx * ax[0][0] + ty * ax[1][0] + tz * ax[2][0] - peak[0];
                const d1 = tx * ax[0][1] + ty * ax[1][1] + tz * ax[2][1] - peak[1];
                const d2 = tx * ax[0][2] + ty * ax[1][2] + tz * ax[2][2] - peak[2];
                const w = d0 * direction[0] + d1 * direction[1] + d2 * direction[2];
                ratio.add(Math.sqrt(Math.max(0, d0 * d0 + d1 * d1 + d2 * d2 - w * w)), eq.zFocus + w);
              }
            }
          }
        const r = lin > 0 ? ratio.value() : Number.NaN;
        const v = Number.isNaN(r) ? lin : lin * r;
        q[idx] = v;
        sum += v;
      }
  return {
    source: { ...linear.source, q, referencePower: power },
    spacing: sp,
    axes: ax,
    power: sum * sp[0] * sp[1] * sp[2],
  };
}

/** The last nonlinear beams solved, by their inputs (planning, then simulating the same plan, solve each once). */
const SOLVED = new Map<string, Promise<NonlinearBeam>>();
// a plan has tens of beam groups (19 for the clinical plan of the default phantom): an LRU smaller than that
// would miss on every pass; a solved beam holds about 0.2 MB (its radial heat table and axis harmonics)
const SOLVED_MAX = 128;

// equivalent beams of aberrated beams (each beam its own: its wall differs), about 0.4 MB each (two beams' tables)
const SOLVED_EQUIVALENT = new Map<string, Promise<EquivalentNonlinearBeam>>();

function solvedBeam<T>(cache: Map<string, Promise<T>>, key: string, solve: () => Promise<T>): Promise<T> {
  let hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  hit = solve();
  cache.set(key, hit);
  hit.catch(() => cache.delete(key));
  while (cache.size > SOLVED_MAX) cache.delete(cache.keys().next().value as string);
  return hit;
}

/**
 * The criterion and, when it holds, the nonlinear patches of one beam (`source`: its stack medium and linear
 * patches per watt) at `power` W.
 */
export async function nonlinearBeamSource(
  source: BeamSources,
  medium: LayeredMedium,
  device: BeamDevice,
  power: number,
  options: NonlinearSourceOptions = {},
  executor: ParallelExecutor = new SerialExecutor(),
): Promise<NonlinearBeamSource> {
  const t0 = performance.now();
  requireFinite('power', power, 'positive');
  const none = (reason: NonlinearBeamSource['reason']): NonlinearBeamSource => ({
    power,
    heatingRatio: Number.NaN,
    nonlinear: false,
    reason,
    peakPositivePressure: Number.NaN,
    peakNegativePressure: Number.NaN,
    shockZ: null,
    seconds: (performance.now() - t0) / 1000,
  });
  if (options.linear) return none('forced-linear');
  const threshold = options.threshold ?? NONLINEAR_HEATING_THRESHOLD;
  if (!(threshold > 0)) throw new InputError('threshold', 'must be > 0');
  const transducer = { ...deviceTransducer(device), drive: { power } };
  const R = transducer.radiusOfCurvature;
  const scenario = { transducer, medium };
  // the beam over the focal and coarse patches' reach along the axis
  const extent = (p: BeamPatch) => {
    const { lo, hi } = boxOf(p);
    let far = 0;
    for (let c = 0; c < 8; c++) {
      let w = 0;
      for (let a = 0; a < 3; a++)
        w +=
          ((c >> a) & 1 ? hi[a] + 0.5 : lo[a] - 0.5) *
          p.spacing[a] *
          (p.axes[a][0] * source.beam[0] + p.axes[a][1] * source.beam[1] + p.axes[a][2] * source.beam[2]);
      far = Math.max(far, w);
    }
    return far;
  };
  const zMax = R + Math.max(extent(source.focal), extent(source.path), 1e-3);
  const tableStep = 1e-4;
  const beamOptions = {
    harmonics: options.harmonics ?? 32,
    zMax,
    tableRadius: options.tableRadius ?? 1e-2,
    tableStep,
    // the solver starts in the coupling water (0.3 R past the rim, or 1 mm before the skin for deep foci)
    startDistance: Math.min(0.3 * R, medium.layers[0].zEnd - rimHeight(transducer) - 1e-3),
  };
  if (source.wallAberration) {
    // through an aberrating wall: the equivalent axisymmetric beam of the aberrated linear focus
    // (nonlinear-equivalent-beam.ts), its ratio field on the aberrated linear patches. It is the bowl itself at the
    // aberrated linear focal peak (areaRatio 1: the aperture is kept); matching the spread
    // focus's width with a smaller aperture was measured worse against the 3D march (validation
    // nonlinear-aberrated): an aberrated wave still converges over the whole aperture's angle, and a smaller
    // bowl's longer focal zone overstates the nonlinear build-up.
    const ab = source.wallAberration;
    const areaRatio = ab.flatArea6dB > 0 ? ab.area6dB / ab.flatArea6dB : 1;
    const target = { peakPressure: source.metrics.pressure * Math.sqrt(power), areaRatio: 1 };
    const key = JSON.stringify({ medium: medium.layers, transducer, beamOptions, target });
    const eq = await solvedBeam(SOLVED_EQUIVALENT, key, () => equivalentNonlinearBeam(scenario, target, beamOptions, executor));
    const [u, v] = perpendicularBasis(source.beam);
    const [x, y, z] = source.metrics.position;
    const peak = [0, 1, 2].map((a) => x * u[a] + y * v[a] + (z - R) * source.beam[a]) as unknown as Vec3;
    const base = {
      power,
      heatingRatio: eq.heatingRatio,
      peakPositivePressure: eq.peakPositivePressure,
      peakNegativePressure: eq.peakNegativePressure,
      // where the equivalent beam's axis shocks, laid on the aberrated focus
      shockZ: eq.shockZ === null ? null : eq.shockZ - eq.zFocus + z,
      equivalentBeam: { apertureScale: eq.apertureScale, power: eq.power, areaRatio },
    };
    if (!(eq.heatingRatio > threshold))
      return { ...base, nonlinear: false, reason: 'below-threshold', seconds: (performance.now() - t0) / 1000 };
    const patch = (p: BeamPatch) => aberratedNonlinearPatch(p, eq, source.beam, peak, power);
    return {
      ...base,
      nonlinear: true,
      focal: patch(source.focal),
      path: patch(source.path),
      ...(source.pathOutsideFocal ? { pathOutsideFocal: patch(source.pathOutsideFocal) } : {}),
      seconds: (performance.now() - t0) / 1000,
    };
  }
  const key = JSON.stringify({ medium: medium.layers, transducer, beamOptions });
  const beam = await solvedBeam(SOLVED, key, () => computeNonlinearBeam(scenario, beamOptions, executor));
  const focus = nonlinearFocus(beam, scenario, source.metrics.position[2], source.metrics.pressure * Math.sqrt(power));
  const base = {
    power,
    heatingRatio: focus.heatingRatio,
    peakPositivePressure: focus.peakPositivePressure,
    peakNegativePressure: focus.peakNegativePressure,
    shockZ: focus.shockZ,
  };
  if (!(focus.heatingRatio > threshold))
    return { ...base, nonlinear: false, reason: 'below-threshold', seconds: (performance.now() - t0) / 1000 };
  const focal = nonlinearPatch(source.focal, beam, source.beam, R, power);
  const path = nonlinearPatch(source.path, beam, source.beam, R, power);
  const pathOutsideFocal = source.pathOutsideFocal
    ? nonlinearPatch(source.pathOutsideFocal, beam, source.beam, R, power, focalExtent(source.focal))
    : undefined;
  return {
    ...base,
    nonlinear: true,
    focal,
    path,
    ...(pathOutsideFocal ? { pathOutsideFocal } : {}),
    seconds: (performance.now() - t0) / 1000,
  };
}

/** The nonlinear sources of a plan: one per distinct (beam group, power), and which one each sonication uses. */
export interface PlanNonlinearSources {
  readonly beams: NonlinearBeamSource[];
  /** per beam: its group in the TreatmentBeamSources */
  readonly groups: Int32Array;
  /** per sonication: index into `beams` */
  readonly beamOfSonication: Int32Array;
  /** s, all of them (those reused from `previous` count 0) */
  readonly seconds: number;
}

/**
 * The nonlinear sources of every sonication of `plan` (see the module comment): the criterion once per distinct
 * (beam group of `sources`, power), reusing those in `previous` (computed for the same sources, e.g. by the planner).
 */
export async function nonlinearTreatmentSources(
  sources: TreatmentBeamSources,
  plan: { device: BeamDevice; sonications: ReadonlyArray<{ power: number }> },
  options: NonlinearSourceOptions = {},
  executor: ParallelExecutor = new SerialExecutor(),
  previous?: PlanNonlinearSources,
): Promise<PlanNonlinearSources> {
  const t0 = performance.now();
  const beams: NonlinearBeamSource[] = [];
  const groups: number[] = [];
  const beamOfSonication = new Int32Array(plan.sonications.length);
  const find = (list: readonly NonlinearBeamSource[], gs: ArrayLike<number>, g: number, p: number) => {
    for (let i = 0; i < list.length; i++) if (gs[i] === g && list[i].power === p) return i;
    return -1;
  };
  if (plan.sonications.length !== sources.sourceOfSonication.length)
    throw new InputError(
      'sources',
      `were computed for ${sources.sourceOfSonication.length} sonications, the plan has ${plan.sonications.length}`,
    );
  for (let i = 0; i < plan.sonications.length; i++) {
    const g = sources.sourceOfSonication[i];
    const p = plan.sonications[i].power;
    let b = find(beams, groups, g, p);
    if (b < 0) {
      const old = previous ? find(previous.beams, previous.groups, g, p) : -1;
      const s = sources.sources[g];
      beams.push(old >= 0 && previous ? previous.beams[old] : await nonlinearBeamSource(s, s.medium, plan.device, p, options, executor));
      groups.push(g);
      b = beams.length - 1;
    }
    beamOfSonication[i] = b;
  }
  return { beams, beamOfSonication, groups: Int32Array.from(groups), seconds: (performance.now() - t0) / 1000 };
}
