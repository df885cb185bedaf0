import { OUTSIDE_STRUCTURES } from '../case/case-metrics.js';
import { InputError } from '../errors.js';
import type { Vec3 } from '../grid/grid3d.js';
import { rasMmToVoxel } from '../grid/grid3d.js';
import type { Tissue } from '../tissue/tissue-table.js';
import type { PlanningCase } from './planning-case.js';

/** Structures that are outside the patient: the beam crosses them before the skin. */
const COUPLING_STRUCTURES = new Set<string>(OUTSIDE_STRUCTURES);

/** The tissue layers met along the beam axis from the skin to a focus (planar-layer model of the path). */
export interface BeamAxisLayers {
  /** distance from the skin to the focus along the beam, m */
  depthBelowSkin: number;
  /** runs of structures from the skin inward, each with its thickness along the axis (m); the last one holds the focus */
  layers: Array<{ structure: string; thickness: number }>;
  /** false when the walk left the grid before meeting water or air: the skin was not found, the depth is a lower bound */
  skinFound: boolean;
}

/**
 * Walks the beam axis back from the focus towards the transducer (steps of a quarter voxel, nearest voxel)
 * until it leaves the body (a water or air voxel, or the grid's edge) and returns the runs of structures in
 * order from the skin inward. Runs thinner than `minThickness` (0.5 mm) are merged into their neighbour:
 * partial-volume staircase artefacts of the label map are not tissue layers. Labels no structure names count
 * as "soft-tissue".
 */
export function beamAxisLayers(c: PlanningCase, focus: Vec3, beam: Vec3, minThickness = 0.5e-3): BeamAxisLayers {
  const byLabel = new Map<number, string>();
  for (const [name, label] of Object.entries(c.structures)) byLabel.set(label, name);
  const grid = c.grid;
  const [nx, ny, nz] = grid.shape;
  const step = 0.25 * Math.min(grid.spacing[0], grid.spacing[1], grid.spacing[2]);
  const v = [0, 0, 0];
  const names: string[] = [];
  let skinFound = false;
  for (let t = 0; ; t += step) {
    rasMmToVoxel(grid, (focus[0] - t * beam[0]) * 1000, (focus[1] - t * beam[1]) * 1000, (focus[2] - t * beam[2]) * 1000, v);
    const i = Math.round(v[0]),
      j = Math.round(v[1]),
      k = Math.round(v[2]);
    if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) break;
    const name = byLabel.get(c.labels[i + nx * (j + ny * k)]) ?? 'soft-tissue';
    if (COUPLING_STRUCTURES.has(name)) {
      skinFound = true;
      break;
    }
    names.push(name);
  }
  if (names.length === 0)
    throw new InputError('focus', `focus at (${focus.map((x) => (x * 1000).toFixed(1)).join(', ')}) mm is not inside the patient`);
  // names[0] is at the focus; reverse to go from the skin inward, then run-length encode.
  names.reverse();
  const runs: Array<{ structure: string; thickness: number }> = [];
  for (const n of names) {
    const last = runs[runs.length - 1];
    if (last && last.structure === n) last.thickness += step;
    else runs.push({ structure: n, thickness: step });
  }
  // Merge slivers into the previous run (or the next one at the start).
  const merged: typeof runs = [];
  for (const r of runs) {
    const last = merged[merged.length - 1];
    if (last && (r.thickness < minThickness || last.structure === r.structure)) last.thickness += r.thickness;
    else merged.push({ ...r });
  }
  if (merged.length > 1 && merged[0].thickness < minThickness) {
    merged[1].thickness += merged[0].thickness;
    merged.shift();
  }
  return { depthBelowSkin: names.length * step, layers: merged, skinFound };
}

/**
 * How far apart two axis layer stacks are for the beam's physics, in four numbers:
 * - `depth`: the difference of the skin-to-focus distances (m), i.e. of the water paths (the focusing geometry);
 * - `attenuationDb`: the difference of the one-way attenuation from the skin to the focus, ∫ α du (dB at the
 *   frequency): the focal intensity of one differs from the other's by about this;
 * - `profileDb`: the larger of ∫ |α_a − α_b| over the path of the shallower stack with both aligned at the skin
 *   (where the near-field heat lies, layer by layer) and ∫ |α_a − α_b| over ±`focalLength` about the focus with
 *   both aligned at the focus (the tissue that takes the focal heat) (dB);
 * - `soundSpeedPath`: the difference of ∫ (c − c_coupling)/c_coupling du from the skin to the focus (m): the scale of
 *   the refraction focal shift.
 * In front of the skin the medium is `coupling` (water); past the focus the last layer continues.
 */
export interface StackDifference {
  /** m */
  depth: number;
  /** dB */
  attenuationDb: number;
  /** dB */
  profileDb: number;
  /** m */
  soundSpeedPath: number;
}

/**
 * Tolerances under which two stacks share one acoustic computation (see StackDifference): depth 3 mm (a beam
 * whose path patch is placed by its skin point keeps its near-field heat on the skin; the focal geometry changes
 * by about 0.1 mm of shift and 2 % of intensity per 3 mm of tissue for water), 0.2 dB of focal attenuation
 * (±5 % in intensity), 0.2 dB of profile difference (e.g. a fat/muscle interface 5 mm off), 0.25 mm of sound-speed path.
 */
export const DEFAULT_STACK_TOLERANCE: StackDifference = { depth: 3e-3, attenuationDb: 0.2, profileDb: 0.2, soundSpeedPath: 0.25e-3 };

/** Attenuation in dB/m of a tissue at `frequency` Hz (power law α0 f_MHz^y, α0 in dB/cm/MHz^y). */
function attenuationDbPerM(t: Tissue, frequency: number): number {
  return 100 * t.attenuationDbPerCmMHz * (frequency / 1e6) ** t.powerLawExponent;
}

/** Layer boundaries (m from the skin) and tissues of a stack. */
function profileOf(s: BeamAxisLayers, tissueOf: (structure: string) => Tissue): { ends: number[]; tissues: Tissue[] } {
  const ends: number[] = [];
  const tissues: Tissue[] = [];
  let depth = 0;
  for (const l of s.layers) {
    depth += l.thickness;
    ends.push(depth);
    tissues.push(tissueOf(l.structure));
  }
  ends[ends.length - 1] = Number.POSITIVE_INFINITY; // the focal layer continues past the focus
  return { ends, tissues };
}

/** Tissue at depth s below the skin (coupling in front of it). */
function tissueAt(p: { ends: number[]; tissues: Tissue[] }, coupling: Tissue, s: number): Tissue {
  if (s < 0) return coupling;
  let i = 0;
  while (s >= p.ends[i]) i++;
  return p.tissues[i];
}

/** ∫ over [from, to] (depths below the skin of a, b shifted by `shift` so b's depth = a's + shift) of a function of both tissues. */
function integrate(
  pa: { ends: number[]; tissues: Tissue[] },
  pb: { ends: number[]; tissues: Tissue[] },
  coupling: Tissue,
  shift: number,
  from: number,
  to: number,
  f: (a: Tissue, b: Tissue) => number,
): number {
  const cuts = [from, to];
  for (const e of pa.ends) if (e > from && e < to) cuts.push(e);
  for (const e of pb.ends) if (e - shift > from && e - shift < to) cuts.push(e - shift);
  if (-shift > from && -shift < to) cuts.push(-shift);
  cuts.sort((x, y) => x - y);
  let sum = 0;
  for (let i = 0; i + 1 < cuts.length; i++) {
    const len = cuts[i + 1] - cuts[i];
    if (!(len > 0)) continue;
    const mid = 0.5 * (cuts[i] + cuts[i + 1]);
    sum += f(tissueAt(pa, coupling, mid), tissueAt(pb, coupling, mid + shift)) * len;
  }
  return sum;
}

/** The difference of two stacks (see StackDifference); `tissueOf` maps structure names to tissues. */
export function stackDifference(
  a: BeamAxisLayers,
  b: BeamAxisLayers,
  tissueOf: (structure: string) => Tissue,
  coupling: Tissue,
  frequency: number,
  focalLength = 0.01,
): StackDifference {
  const pa = profileOf(a, tissueOf);
  const pb = profileOf(b, tissueOf);
  const alpha = (t: Tissue) => attenuationDbPerM(t, frequency);
  const c0 = coupling.soundSpeed;
  const Da = a.depthBelowSkin;
  const Db = b.depthBelowSkin;
  const att = (p: typeof pa, D: number) => integrate(p, p, coupling, 0, 0, D, (t) => alpha(t));
  const path = (p: typeof pa, D: number) => integrate(p, p, coupling, 0, 0, D, (t) => (t.soundSpeed - c0) / c0);
  const diff = (x: Tissue, y: Tissue) => Math.abs(alpha(x) - alpha(y));
  const nearField = integrate(pa, pb, coupling, 0, 0, Math.min(Da, Db), diff);
  const focal = integrate(pa, pb, coupling, Db - Da, Da - focalLength, Da + focalLength, diff);
  return {
    depth: Math.abs(Da - Db),
    attenuationDb: Math.abs(att(pa, Da) - att(pb, Db)),
    profileDb: Math.max(nearField, focal),
    soundSpeedPath: Math.abs(path(pa, Da) - path(pb, Db)),
  };
}

/** True when every component of `d` is within `tolerance`. */
export function withinTolerance(d: StackDifference, tolerance: StackDifference): boolean {
  return (
    d.depth <= tolerance.depth &&
    d.attenuationDb <= tolerance.attenuationDb &&
    d.profileDb <= tolerance.profileDb &&
    d.soundSpeedPath <= tolerance.soundSpeedPath
  );
}
