import type { Case } from '../case/case.js';
import { depthFromSkin } from '../case/case-metrics.js';
import { type FibroidPosition, T2_TYPES, type T2Type } from '../case/phantom.js';
import { structureByName } from '../case/structures.js';
import { InputError } from '../errors.js';
import { distanceTransform } from '../grid/distance-transform.js';
import { voxelToRasMm } from '../grid/grid3d.js';
import type { Vec3 } from '../grid/grid3d.js';
import { planningCaseOf } from '../planning/auto-plan.js';
import { checkBeamPath } from '../planning/beam-path.js';
import { getTransducerPreset } from '../transducer/presets.js';

/**
 * The difficulty factors of a training case (issue 15: fibroid size, depth and position, T2 type/perfusion, wall
 * thickness, bowel in the path, distance to the sacrum), measured on the case's label map where they can be (depth,
 * distances, bowel gas in the beam path) and taken from the phantom's options otherwise (size, T2 type, wall layers).
 * Scar and adenomyosis are not here: the phantom has no scar or adenomyosis tissue, and a factor the physics does not
 * represent would be a label without consequence.
 */
export interface CaseFactors {
  /** fibroid diameter, mm */
  fibroidDiameterMm: number;
  /** where the fibroid sits in the uterus */
  position: FibroidPosition;
  /** Funaki T2 type (1 dark/hypovascular … 3 bright/well perfused) */
  t2Type: T2Type;
  /** fibroid perfusion the T2 type gives (phantom T2_TYPES), ml/min/100 g */
  perfusionMlPerMinPer100g: number;
  /** skin + fat + rectus muscle at the midline, mm */
  wallThicknessMm: number;
  /** bowel gas blocks the beam cones of at least 5 % of the fibroid (bowelBlockedFraction ≥ 0.05; measured) */
  bowelInPath: boolean;
  /**
   * fraction of the fibroid (a 3-voxel lattice of its voxels) whose beam cone from the couch's direction crosses
   * bowel gas (checkBeamPath, the planner's test): those points cannot be treated (measured)
   */
  bowelBlockedFraction: number;
  /** deepest fibroid voxel below the skin along the beam, mm (measured) */
  maxDepthMm: number;
  /** shortest distance from the fibroid to bone (the sacrum), mm (measured) */
  sacrumDistanceMm: number;
  /** shortest distance from the fibroid to the endometrium, mm (measured) */
  endometriumDistanceMm: number;
}

/** One factor's contribution to the difficulty, with why. */
export interface DifficultyTerm {
  factor: keyof CaseFactors;
  points: number;
  /** stable key for translation (e.g. "small-fibroid"), with the rule's English wording in `rule` */
  key: string;
  rule: string;
}

/**
 * The difficulty rule (docs/training.md): difficulty = clamp(1 + Σ points, 1, 5), one point per factor that makes a
 * fibroid harder to ablate safely, each for a direction the literature reports:
 * - small fibroid (< 30 mm): more energy per ablated mm³ and less room inside the margins (Zhao WP et al., Eur J
 *   Radiol 2013;82:e43–9: energy per volume falls with volume; this project's issue-11 direction test);
 * - T2 type 3 (bright, well perfused): lower NPV ratio, more energy (Funaki K et al., AJOG 2007;196:184.e1–6);
 * - thick wall (≥ 30 mm skin + fat + muscle, above the Yang 2021 median of 27 mm): more attenuation and aberration,
 *   near-field heating (Yang MJ et al., Front Surg 2021: wall thickness predicts energy);
 * - deep (deepest point ≥ 90 mm below the skin) or posterior: far-field heating and the sacrum (Zhao 2013: posterior
 *   fibroids need more energy); counted once, as "depth";
 * - sacrum within 35 mm of the fibroid: far-field heating of bone, which absorbs the sound that passes the focus
 *   (the phantom puts a posterior fibroid 30–32 mm from the sacrum, an anterior one ≈ 50 mm);
 * - bowel loop in the beam path: the window must avoid it (gas reflects), fewer reachable points (the fraction of
 *   the fibroid it blocks is measured: bowelBlockedFraction);
 * - fibroid abutting the endometrium (within 3 mm: submucosal, fundal): the 15 mm endometrium margin removes much of
 *   the fibroid from the plannable region (intramural phantom fibroids sit ≈ 5 mm from it).
 */
export function difficultyOf(f: CaseFactors): { difficulty: number; terms: DifficultyTerm[] } {
  const terms: DifficultyTerm[] = [];
  const add = (factor: keyof CaseFactors, key: string, rule: string) => terms.push({ factor, points: 1, key, rule });
  if (f.fibroidDiameterMm < 30) add('fibroidDiameterMm', 'small-fibroid', 'fibroid smaller than 30 mm');
  if (f.t2Type === 3) add('t2Type', 't2-bright', 'T2 type 3: bright, well perfused');
  if (f.wallThicknessMm >= 30) add('wallThicknessMm', 'thick-wall', 'abdominal wall 30 mm or thicker');
  if (f.maxDepthMm >= 90 || f.position === 'posterior')
    add('maxDepthMm', 'deep', 'deepest point 90 mm or more below the skin, or posterior');
  if (f.sacrumDistanceMm < 35) add('sacrumDistanceMm', 'near-sacrum', 'sacrum within 35 mm of the fibroid');
  if (f.bowelInPath) add('bowelInPath', 'bowel-in-path', 'bowel gas in the beam path of 5 % of the fibroid or more');
  if (f.endometriumDistanceMm < 3) add('endometriumDistanceMm', 'near-endometrium', 'fibroid within 3 mm of the endometrium');
  const sum = terms.reduce((s, t) => s + t.points, 0);
  return { difficulty: Math.max(1, Math.min(5, 1 + sum)), terms };
}

/** Phantom options a case was generated with (case.source.options of generatePhantom). */
interface PhantomSource {
  kind?: string;
  options?: {
    skinMm?: number;
    fatMm?: number;
    muscleMm?: number;
    fibroids?: Array<{ diameterMm: number; position: FibroidPosition; t2Type: T2Type }>;
  };
}

/** Shortest distances (m) from the voxels of `fromLabel` to each set of labels (+∞ where a set has no voxel): one distance map. */
function shortestDistances(c: Case, fromLabel: number, to: Set<number>[]): number[] {
  const d = distanceTransform(c.grid, (i) => c.labels[i] === fromLabel);
  const best = to.map(() => Number.POSITIVE_INFINITY);
  for (let i = 0; i < c.labels.length; i++) {
    const l = c.labels[i];
    for (let k = 0; k < to.length; k++) if (to[k].has(l) && d[i] < best[k]) best[k] = d[i];
  }
  return best;
}

/** Measures the factors of a phantom case (InputError for a case that is not a phantom or has no target). */
export function measureCaseFactors(c: Case): CaseFactors {
  const src = c.source as PhantomSource | undefined;
  const o = src?.options;
  const f0 = o?.fibroids?.[0];
  if (src?.kind !== 'phantom' || !o || !f0) throw new InputError('case.source', 'training factors need a phantom case (source.options)');
  const target = structureByName(c.structures, c.target);
  if (!target) throw new InputError('case.target', `no structure "${c.target}"`);
  const labelsOf = (names: string[]) => new Set(c.structures.filter((s) => names.includes(s.name)).map((s) => s.label));
  const depth = depthFromSkin(c, c.target);
  const round = (m: number) => (Number.isFinite(m) ? Math.round(m * 10000) / 10 : 999);
  const blocked = bowelBlockedFraction(c, target.label);
  const [bone, endometrium] = shortestDistances(c, target.label, [labelsOf(['bone']), labelsOf(['endometrium'])]);
  return {
    fibroidDiameterMm: f0.diameterMm,
    position: f0.position,
    t2Type: f0.t2Type,
    perfusionMlPerMinPer100g: T2_TYPES[f0.t2Type].perfusionMlPerMinPer100g,
    wallThicknessMm: Math.round(((o.skinMm ?? 0) + (o.fatMm ?? 0) + (o.muscleMm ?? 0)) * 10) / 10,
    bowelInPath: blocked >= BOWEL_IN_PATH_FRACTION,
    bowelBlockedFraction: blocked,
    maxDepthMm: round(depth.max),
    sacrumDistanceMm: round(bone),
    endometriumDistanceMm: round(endometrium),
  };
}

/** Bowel counts as in the path where its gas blocks at least this fraction of the fibroid (a loop, not a graze). */
export const BOWEL_IN_PATH_FRACTION = 0.05;

/** Fraction of a lattice of target voxels (every 3rd along each axis) whose beam cone crosses bowel gas. */
function bowelBlockedFraction(c: Case, targetLabel: number): number {
  if (!c.structures.some((s) => s.name === 'bowel-gas')) return 0;
  const pc = planningCaseOf(c);
  const bowl = getTransducerPreset('clinical-0.8mhz');
  const beam = c.couch.beamDirection as Vec3;
  const [nx, ny, nz] = c.grid.shape;
  let all = 0;
  let blocked = 0;
  for (let k = 0; k < nz; k += 3)
    for (let j = 0; j < ny; j += 3)
      for (let i = 0; i < nx; i += 3) {
        if (c.labels[i + nx * (j + ny * k)] !== targetLabel) continue;
        const mm = voxelToRasMm(c.grid, i, j, k);
        all++;
        const check = checkBeamPath(pc, [mm[0] / 1000, mm[1] / 1000, mm[2] / 1000], beam, bowl);
        if (check.blocking.includes('bowel-gas')) blocked++;
      }
  return all > 0 ? Math.round((blocked / all) * 1000) / 1000 : 0;
}
