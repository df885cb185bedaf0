import type { Case } from '../case/case.js';
import { InputError, requireFinite } from '../errors.js';
import type { Vec3 } from '../grid/grid3d.js';
import { type ParallelExecutor, SerialExecutor } from '../parallel/parallel-executor.js';
import { type BeamCase, type BeamDevice, type BeamSourceOptions, computeBeamSources } from './treatment-sources.js';

/**
 * How predictions move with the least certain acoustic parameter, the abdominal wall's aberration strength
 * (issue 11: the report shows ×0, ×0.5, ×1, ×2 of the measured default): the acoustic part (focal peak, gain,
 * −6 dB area of one beam) here, and a driver for any outcome computation (the planner and treatment simulation
 * read the case's `wallAberration`).
 */

/** The strengths the report sweeps (× the measured default statistics). */
export const ABERRATION_STRENGTHS: readonly number[] = [0, 0.5, 1, 2];

/** A copy of `c` whose beams go through its wall at `strength` (0: flat layers); the seed is kept unless given. */
export function withWallAberration<C extends Pick<Case, 'wallAberration'>>(c: C, strength: number, seed?: number): C {
  requireFinite('strength', strength, 'non-negative');
  if (seed !== undefined && !Number.isInteger(seed)) throw new InputError('seed', `must be an integer, got ${seed}`);
  return { ...c, wallAberration: { ...(c.wallAberration ?? {}), strength, ...(seed !== undefined ? { seed } : {}) } };
}

/** One beam at one strength. */
export interface AcousticAberrationRow {
  readonly strength: number;
  /** focal peak intensity per watt of acoustic power, W/m² per W */
  readonly peakIntensity: number;
  /** peakIntensity / the flat-layer beam's */
  readonly gainRatio: number;
  /** −6 dB (pressure) area of the focal plane, m², and its ratio to the flat-layer beam's (same lattice) */
  readonly area6dB: number;
  readonly areaRatio: number;
  /** −6 dB length along the beam and peak shift from the geometric focus (negative: towards the transducer), m */
  readonly length6dB: number;
  readonly focalShift: number;
  /** rms over the footprint of the random and label-map delays, s, and of ln amplitude */
  readonly randomDelayRms: number;
  readonly resolvedDelayRms: number;
  readonly logAmplitudeRms: number;
}

/**
 * The focal gain and −6 dB area of the beam to `focus` on case `c` at each strength (the case's seed), with the
 * source options of `options` (e.g. the treatment's focal box). The ×0 row is the flat-layer beam (its area counted
 * on the lattice of the first aberrated row).
 */
export async function acousticAberrationSweep(
  c: BeamCase & Partial<Pick<Case, 'couch'>>,
  focus: Vec3,
  device: BeamDevice,
  strengths: readonly number[] = ABERRATION_STRENGTHS,
  options: BeamSourceOptions = {},
  executor: ParallelExecutor = new SerialExecutor(),
): Promise<AcousticAberrationRow[]> {
  const beam = c.couch?.beamDirection ?? [0, -1, 0];
  const seed = c.wallAberration?.seed;
  const runs = [];
  for (const s of strengths) {
    requireFinite('strength', s, 'non-negative');
    const b = await computeBeamSources(
      {
        case: c,
        focus,
        beam,
        device,
        options: { ...options, wallAberration: s === 0 ? 0 : { strength: s, ...(seed !== undefined ? { seed } : {}) } },
      },
      executor,
    );
    runs.push({ s, b });
  }
  const first = runs.find((r) => r.b.wallAberration)?.b;
  const flat = first?.wallAberration;
  const flatIntensity = first && flat ? first.metrics.intensity / flat.gainRatio : Number.NaN;
  return runs.map(({ s, b }) => {
    const w = b.wallAberration;
    const area = w ? w.area6dB : (flat?.flatArea6dB ?? Number.NaN);
    return {
      strength: s,
      peakIntensity: b.metrics.intensity,
      gainRatio: w ? w.gainRatio : b.metrics.intensity / (Number.isFinite(flatIntensity) ? flatIntensity : b.metrics.intensity),
      area6dB: area,
      areaRatio: flat ? area / flat.flatArea6dB : 1,
      length6dB: b.metrics.length6dB,
      focalShift: b.metrics.focalShift,
      randomDelayRms: w?.randomDelayRms ?? 0,
      resolvedDelayRms: w?.resolvedDelayRms ?? 0,
      logAmplitudeRms: w?.logAmplitudeRms ?? 0,
    };
  });
}

/**
 * Runs `outcome` (e.g. plan and simulate, returning the outcome) on copies of `c` at each strength, in order:
 * the outcome sweep of the report, with the planner and simulation reading the case's wallAberration.
 */
export async function outcomeAberrationSweep<T>(
  c: Case,
  outcome: (c: Case, strength: number) => Promise<T>,
  strengths: readonly number[] = ABERRATION_STRENGTHS,
): Promise<Array<{ strength: number; result: T }>> {
  const out: Array<{ strength: number; result: T }> = [];
  for (const s of strengths) out.push({ strength: s, result: await outcome(withWallAberration(c, s), s) });
  return out;
}
