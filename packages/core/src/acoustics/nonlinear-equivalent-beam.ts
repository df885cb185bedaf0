import { InputError, requireFinite } from '../errors.js';
import { type ParallelExecutor, SerialExecutor } from '../parallel/parallel-executor.js';
import { type BowlTransducer, rimHeight } from '../transducer/bowl.js';
import { type NonlinearBeam, type NonlinearBeamOptions, SHOCK_STEEPNESS, computeNonlinearBeam } from './nonlinear-axisymmetric.js';
import type { Scenario } from './scenario.js';

/**
 * The nonlinear heat of a beam whose focus an aberrating wall has weakened (and perhaps spread), from an
 * axisymmetric equivalent beam: the same bowl through the same flat layers, driven at the power that gives the
 * aberrated linear focal peak pressure. The nonlinear focal field of a focused source is set by its focal pressure
 * and its focusing angle (F-number): Rosnitskiy PB, Yuldashev PV, Sapozhnikov OA et al., IEEE TUFFC
 * 2017;64(2):374–390 (transducers of one F-number reach the same shock amplitude at the same focal pressure); an
 * equivalent source whose linear focal lobe matches reproduces the nonlinear focal field (Rosnitskiy PB,
 * Yuldashev PV, Vysokanov BA, Khokhlova VA, Acoust Phys 2016;62(2):151–159, for the KZK equation's source). With
 * `areaRatio` > 1 the aperture (and hole) is also scaled by s so that the linear −6 dB focal area is the aberrated
 * one (paraxially width ∝ λR/D: area × 1/s²); against the 3D march that variant overstates the heating of a
 * spread focus (a smaller bowl has a longer focal zone to build harmonics in, while the aberrated wave still
 * converges over the whole aperture's angle), so planning keeps the aperture (areaRatio 1). The enhancement
 * Q_nl/Q_lin(r, z) of the equivalent beam, placed on the aberrated focus, multiplies the aberrated beam's linear 3D
 * heat (planning/nonlinear-sources.ts). It is a surrogate for the 3D march (nonlinear-angular-spectrum.ts),
 * checked against it in the validation (nonlinear-aberrated); what it ignores: the aberrated focus's asymmetry and
 * speckle (one ratio field, axisymmetric about the peak) and the harmonics generated before the wall, which the
 * screen defocuses more than the fundamental (n × its phase error).
 */

/** What the equivalent beam must match: the aberrated beam's linear focus. */
export interface EquivalentBeamTarget {
  /** linear focal peak pressure of the aberrated beam at the drive power, Pa */
  readonly peakPressure: number;
  /** its −6 dB (pressure) focal-plane area over the same bowl's through the flat layers (1: no spreading) */
  readonly areaRatio: number;
}

/** The equivalent axisymmetric beam and its focal figures. */
export interface EquivalentNonlinearBeam {
  /** aperture and hole scale s (≤ 1) and the equivalent bowl */
  readonly apertureScale: number;
  readonly transducer: BowlTransducer;
  /** W: the equivalent bowl's power (its linear focal peak = the target's) */
  readonly power: number;
  /** the equivalent bowl, linear at 1 W (harmonics 1) and nonlinear at `power` */
  readonly linear: NonlinearBeam;
  readonly nonlinear: NonlinearBeam;
  /** z of the linear axis peak of |p| (transducer frame, m) and |p| there at `power`, Pa */
  readonly zFocus: number;
  readonly linearPeak: number;
  /** Q_nl / Q_lin at zFocus on the axis */
  readonly heatingRatio: number;
  /** extremes of the waveform on the axis, Pa (p− ≤ 0), and where the axis first shocks (null: never) */
  readonly peakPositivePressure: number;
  readonly peakNegativePressure: number;
  readonly shockZ: number | null;
}

/** Axis |p1| of a linear beam (harmonics ≥ 1) at plane i. */
function axisP1(beam: NonlinearBeam, i: number): number {
  return beam.axisHarmonics[i * beam.harmonics];
}

/** Index of the largest axis |p1| within |z − R| ≤ 0.2 R (the focal region: the bowl's near-field maxima excluded). */
function focalPlane(beam: NonlinearBeam, R: number): number {
  let best = -1;
  for (let i = 0; i < beam.z.length; i++) {
    if (Math.abs(beam.z[i] - R) > 0.2 * R) continue;
    if (best < 0 || axisP1(beam, i) > axisP1(beam, best)) best = i;
  }
  if (best < 0) throw new InputError('zMax', 'the beam must reach the focal region (|z − R| ≤ 0.2 R)');
  return best;
}

/** Linear interpolation of per-plane values at z (clamped). */
function atZ(zs: Float64Array, v: ArrayLike<number>, z: number, stride = 1, offset = 0): number {
  const n = zs.length;
  if (z <= zs[0]) return v[offset];
  if (z >= zs[n - 1]) return v[(n - 1) * stride + offset];
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const m = (lo + hi) >> 1;
    if (zs[m] <= z) lo = m;
    else hi = m;
  }
  const w = (z - zs[lo]) / (zs[hi] - zs[lo]);
  return v[lo * stride + offset] * (1 - w) + v[hi * stride + offset] * w;
}

/**
 * Heat Q(r, z) of a beam's radial table, bilinear (W/m³ at the beam's own power); NaN outside the table (z beyond
 * its planes, r beyond its last full cell).
 */
export function beamHeatAt(beam: NonlinearBeam, r: number, z: number): number {
  const np = beam.z.length;
  if (!(z >= beam.z[0] && z <= beam.z[np - 1])) return Number.NaN;
  const nr = beam.tableRadii;
  const fr = r / beam.tableStep;
  const m = Math.floor(fr);
  if (m >= nr - 1) return Number.NaN;
  const wr = fr - m;
  let a = 0;
  let b = np - 1;
  while (b - a > 1) {
    const mid = (a + b) >> 1;
    if (beam.z[mid] <= z) a = mid;
    else b = mid;
  }
  const span = beam.z[b] - beam.z[a];
  const wz = span > 0 ? Math.min(1, Math.max(0, (z - beam.z[a]) / span)) : 0;
  const t = beam.heatTable;
  const qa = t[a * nr + m] * (1 - wr) + t[a * nr + m + 1] * wr;
  const qb = t[b * nr + m] * (1 - wr) + t[b * nr + m + 1] * wr;
  return qa * (1 - wz) + qb * wz;
}

/**
 * −6 dB (pressure) radius of a beam's focal plane z from its radial heat table (Q ∝ |p|² within one layer: the
 * radius where Q falls to ¼ of its axis value), m; NaN when the table never falls that far.
 */
export function focalRadius6dB(beam: NonlinearBeam, z: number): number {
  const q0 = beamHeatAt(beam, 0, z);
  const dr = beam.tableStep;
  let prev = q0;
  for (let i = 1; i < beam.tableRadii - 1; i++) {
    const q = beamHeatAt(beam, i * dr, z);
    if (q <= 0.25 * q0) return (i - 1 + (prev - 0.25 * q0) / (prev - q)) * dr;
    prev = q;
  }
  return Number.NaN;
}

/** Smallest aperture scale: a focus spread more than 1/0.3² ≈ 11× in area is outside what the surrogate was checked on. */
export const MIN_APERTURE_SCALE = 0.3;

/**
 * The equivalent beam of `scenario` (the bowl through the flat layers; its drive ignored) for `target`, with the
 * axisymmetric solver's `options` (zMax must reach past the focus; tableRadius sets how far the ratio field goes).
 * s starts at 1/√areaRatio and is corrected (≤ 3 times) until the equivalent bowl's linear −6 dB focal area over the
 * bowl's own (focalRadius6dB at each linear peak) is areaRatio within 5 %, clamped to [MIN_APERTURE_SCALE, 1] (an
 * aberrated focus narrower than the flat one is taken as unspread); the start plane (options.startDistance, beyond the equivalent bowl's rim plane) is kept in the
 * coupling medium by the caller.
 */
export async function equivalentNonlinearBeam(
  scenario: Scenario,
  target: EquivalentBeamTarget,
  options: NonlinearBeamOptions = {},
  executor: ParallelExecutor = new SerialExecutor(),
): Promise<EquivalentNonlinearBeam> {
  requireFinite('target.peakPressure', target.peakPressure, 'positive');
  requireFinite('target.areaRatio', target.areaRatio, 'positive');
  const t0 = scenario.transducer;
  const R = t0.radiusOfCurvature;
  const bowl = (s: number): BowlTransducer => ({
    ...t0,
    aperture: t0.aperture * s,
    holeDiameter: t0.holeDiameter * s,
    drive: { ...t0.drive, power: 1 },
  });
  // the start plane is measured from the rim plane, which moves towards the apex as the aperture shrinks: keep the
  // caller's absolute start (its distance from the original rim plane)
  const optionsFor = (t: BowlTransducer): NonlinearBeamOptions =>
    options.startDistance !== undefined ? { ...options, startDistance: options.startDistance + rimHeight(t0) - rimHeight(t) } : options;
  const solveLinear = (t: BowlTransducer) =>
    computeNonlinearBeam({ transducer: t, medium: scenario.medium }, { ...optionsFor(t), harmonics: 1, linear: true }, executor);
  const clamp = (s: number) => Math.min(1, Math.max(MIN_APERTURE_SCALE, s));
  // an area within 5 % of the flat one is within the lattice count's noise: the bowl itself
  let s = target.areaRatio < 1.05 ? 1 : clamp(1 / Math.sqrt(target.areaRatio));
  let transducer = bowl(s);
  let linear = await solveLinear(transducer);
  if (s < 1) {
    // area ∝ 1/s² holds paraxially; a weakly focusing equivalent bowl's peak moves towards it, where the beam is
    // narrower: correct s on the measured −6 dB areas (flat bowl against equivalent) until they match within 5 %
    const flat = await solveLinear(bowl(1));
    const flatRadius = focalRadius6dB(flat, flat.z[focalPlane(flat, R)]);
    for (let it = 0; it < 3; it++) {
      const area = (focalRadius6dB(linear, linear.z[focalPlane(linear, R)]) / flatRadius) ** 2;
      if (!(Math.abs(area / target.areaRatio - 1) > 0.05)) break;
      const next = clamp(s * Math.sqrt(area / target.areaRatio));
      if (next === s) break;
      s = next;
      transducer = bowl(s);
      linear = await solveLinear(transducer);
    }
  }
  const common = optionsFor(transducer);
  const iF = focalPlane(linear, R);
  const zFocus = linear.z[iF];
  const p1W = axisP1(linear, iF);
  const power = (target.peakPressure / p1W) ** 2;
  const drive = { ...transducer, drive: { ...transducer.drive, power } };
  const nonlinear = await computeNonlinearBeam({ transducer: drive, medium: scenario.medium }, common, executor);
  const qLin = linear.axisHeat[iF] * power;
  const qNl = atZ(nonlinear.z, nonlinear.axisHeat, zFocus);
  let ip = 0;
  let ineg = 0;
  for (let i = 1; i < nonlinear.z.length; i++) {
    if (nonlinear.peakPositive[i] > nonlinear.peakPositive[ip]) ip = i;
    if (nonlinear.peakNegative[i] < nonlinear.peakNegative[ineg]) ineg = i;
  }
  let shockZ: number | null = null;
  for (let i = 0; i < nonlinear.z.length; i++)
    if (nonlinear.axisSteepness[i] >= SHOCK_STEEPNESS) {
      shockZ = nonlinear.z[i];
      break;
    }
  return {
    apertureScale: s,
    transducer: drive,
    power,
    linear,
    nonlinear,
    zFocus,
    linearPeak: p1W * Math.sqrt(power),
    heatingRatio: qLin > 0 ? qNl / qLin : Number.NaN,
    peakPositivePressure: nonlinear.peakPositive[ip],
    peakNegativePressure: nonlinear.peakNegative[ineg],
    shockZ,
  };
}

/**
 * The enhancement of heat the equivalent beam predicts over a set of points (r from its axis, z in its transducer
 * frame): (Σ Q_nl + n ε)/(Σ Q_lin + n ε), ε = `floor` × the linear focal heat (so the ratio tends to 1 where the
 * beam is weak, e.g. between sidelobes, instead of dividing small numbers); NaN if any point lies outside the tables.
 */
export class HeatRatio {
  private nl = 0;
  private lin = 0;
  private count = 0;
  private outside = false;
  private readonly eps: number;
  constructor(
    private readonly eq: EquivalentNonlinearBeam,
    floor = 0.01,
  ) {
    this.eps = floor * beamHeatAt(eq.linear, 0, eq.zFocus) * eq.power;
  }
  reset(): void {
    this.nl = 0;
    this.lin = 0;
    this.count = 0;
    this.outside = false;
  }
  /** whether a point fell outside the tables (value() is then NaN; further points need not be added) */
  get isOutside(): boolean {
    return this.outside;
  }
  add(r: number, z: number): void {
    if (this.outside) return;
    const a = beamHeatAt(this.eq.nonlinear, r, z);
    const b = beamHeatAt(this.eq.linear, r, z);
    if (Number.isNaN(a) || Number.isNaN(b)) {
      this.outside = true;
      return;
    }
    this.nl += a;
    this.lin += b * this.eq.power;
    this.count++;
  }
  value(): number {
    if (this.outside || this.count === 0) return Number.NaN;
    return (this.nl + this.count * this.eps) / (this.lin + this.count * this.eps);
  }
}
