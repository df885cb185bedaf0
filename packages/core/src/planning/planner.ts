import { InputError, requireFinite } from '../errors.js';
import { distanceTransform } from '../grid/distance-transform.js';
import type { Vec3 } from '../grid/grid3d.js';
import { rasMmToVoxel, voxelToRasMm } from '../grid/grid3d.js';
import { checkBeamPath, perpendicularBasis } from './beam-path.js';
import { checkSonicationLimits, deviceLimits } from './device-limits.js';
import type { Finding } from './finding.js';
import {
  DEFAULT_WATER_TEMPERATURE,
  PLAN_FORMAT,
  PLAN_VERSION,
  type Plan,
  type PlanConstraints,
  type Sonication,
  type SonicationFeedback,
  defaultConstraints,
} from './plan.js';
import { type PlanningCase, UTERINE_STRUCTURES, labelsOf, validatePlanningCase } from './planning-case.js';

export interface PlannerOptions {
  device: Plan['device'];
  /** focal geometry of the device (for the beam-path cone) */
  geometry: { radiusOfCurvature: number; aperture: number };
  constraints?: Partial<PlanConstraints>;
  /** W (default 400, the upper end of the usual 300–400 W for fibroids) */
  power?: number;
  /** s (default 3) */
  exposure?: number;
  /** s, pause after each sonication (default: 2 × exposure; see `nearFieldCooling` for a physics-based value) */
  cooling?: number;
  /**
   * shots per point (default 1): the point is sonicated `shots` times, `shotGap` s apart, before the focus moves on
   * (the operator's repeat-until-greyscale rule, sized by the auto planner); every shot is one sonication of the
   * plan, all with the point's label
   */
  shots?: number;
  /** s between the shots at one point (default: `cooling`) */
  shotGap?: number;
  /** the operator's feedback rule at a point (plan v2), written on each of its shots */
  feedback?: SonicationFeedback;
  /** m, lateral size of one lesion (sets the point spacing within a slice) */
  lesionWidth: number;
  /** m, length of one lesion along the beam (slices are constraints.sliceSpacing apart) */
  lesionLength: number;
  /**
   * skip a lattice point whose whole slab (its depth ± half a slice) lies inside the lesion of a point already
   * planned at the same lattice position in a deeper slice, the lesion taken as `lesionLength` centred on its focus
   * (default false). The operator's rule of the clinical protocol: a slice is sonicated until its greyscale change
   * covers it, so tissue a deeper boiling lesion has already reached is not sonicated again (boiling lesions grow
   * towards the transducer, so centring them on the focus keeps the rule on the safe side).
   */
  skipCovered?: boolean;
}

export interface PlannedTreatment {
  plan: Plan;
  findings: Finding[];
  /** foci the planner dropped, with the reason */
  skipped: Array<{ focus: Vec3; slice: number; reason: string }>;
  /** volume (m³) of target voxels a focus may sit in once every margin is applied */
  reachableVolume: number;
  /** volume (m³) of the target structure */
  targetVolume: number;
}

interface Candidate {
  a: number;
  b: number;
  ras: Vec3;
  /** lattice position and depth along the beam (m, larger = deeper) */
  key: string;
  depth: number;
}

/**
 * The automatic fibroid planner of the ultrasound-guided protocol (shared/reference/devices-and-protocol.md):
 * - foci only where every margin holds: ≥ serosaMargin inside the uterine serosa, ≥ endometriumMargin from the
 *   endometrium, ≥ boneMargin from bone and ≥ bowelMargin from bowel (exact Euclidean distance maps);
 * - slices perpendicular to the beam, `sliceSpacing` apart, the deepest first, moving towards the transducer, so
 *   that earlier lesions do not shadow later targets; a focus may sit up to half a spacing off its slice plane
 *   where the plane itself is outside the margins (so the slab between planes is covered too);
 * - within a slice a square lattice with the single-shot lesion width as pitch, treated from the centre outward;
 * - each focus's beam cone is checked; gas or bone in the cone drops the focus (finding), bowel wall is flagged.
 */
export function planTreatment(c: PlanningCase, options: PlannerOptions): PlannedTreatment {
  validatePlanningCase(c);
  const constraints = defaultConstraints(options.constraints ?? {});
  const power = requireFinite('power', options.power ?? 400, 'positive');
  const exposure = requireFinite('exposure', options.exposure ?? 3, 'positive');
  const cooling = requireFinite('cooling', options.cooling ?? 2 * exposure, 'non-negative');
  const pitch = requireFinite('lesionWidth', options.lesionWidth, 'positive');
  const shots = requireFinite('shots', options.shots ?? 1, 'positive');
  if (!Number.isInteger(shots) || shots > 100) throw new InputError('shots', `must be an integer in 1–100, got ${shots}`);
  const shotGap = requireFinite('shotGap', options.shotGap ?? cooling, 'non-negative');
  requireFinite('lesionLength', options.lesionLength, 'positive');
  checkSonicationLimits(deviceLimits(options.device), { power, exposure, cooling }, 'sonication');
  if (shots > 1) checkSonicationLimits(deviceLimits(options.device), { power, exposure, cooling: shotGap }, 'shotGap');
  if (pitch < 0.5e-3 || pitch > 0.02) throw new InputError('lesionWidth', `${pitch} m is not a plausible lesion width (0.5–20 mm)`);

  const beam = normalise(c.beamDirection ?? [0, -1, 0]);
  const grid = c.grid;
  const [nx, ny, nz] = grid.shape;
  const n = nx * ny * nz;
  const labels = c.labels;
  const target = c.structures[c.target ?? 'fibroid'];
  const uterine = labelsOf(c, UTERINE_STRUCTURES);
  const endometrium = labelsOf(c, ['endometrium']);
  const bone = labelsOf(c, ['bone']);
  const bowel = labelsOf(c, ['bowel', 'bowel-gas']);
  const voxelVolume = grid.spacing[0] * grid.spacing[1] * grid.spacing[2];

  // Distance maps (m). Depth inside the serosa = distance to the nearest non-uterine voxel.
  const insideSerosa = distanceTransform(grid, (i) => !uterine.has(labels[i]));
  const far = (set: Set<number>) => (set.size > 0 ? distanceTransform(grid, (i) => set.has(labels[i])) : null);
  const dEndo = far(endometrium);
  const dBone = far(bone);
  const dBowel = far(bowel);
  const allowed = new Uint8Array(n);
  let targetCount = 0;
  let allowedCount = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] !== target) continue;
    targetCount++;
    if (insideSerosa[i] < constraints.serosaMargin) continue;
    if (dEndo && dEndo[i] < constraints.endometriumMargin) continue;
    if (dBone && dBone[i] < constraints.boneMargin) continue;
    if (dBowel && dBowel[i] < constraints.bowelMargin) continue;
    allowed[i] = 1;
    allowedCount++;
  }
  const findings: Finding[] = [];
  const skipped: PlannedTreatment['skipped'] = [];
  const targetVolume = targetCount * voxelVolume;
  const reachableVolume = allowedCount * voxelVolume;
  if (allowedCount === 0) {
    findings.push({
      severity: 'error',
      code: 'no-reachable-target',
      message: 'no part of the target lies inside every safety margin; nothing can be planned',
    });
    return { plan: emptyPlan(c, options.device, constraints, beam), findings, skipped, reachableVolume, targetVolume };
  }

  // Beam frame centred on the reachable region: a, b lateral; s depth along the beam (larger = deeper).
  const [u, v] = perpendicularBasis(beam);
  const centre: number[] = [0, 0, 0];
  const mm = [0, 0, 0];
  let sMin = Number.POSITIVE_INFINITY;
  let sMax = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    if (!allowed[i]) continue;
    ras(i, mm);
    for (let d = 0; d < 3; d++) centre[d] += mm[d] / allowedCount;
  }
  for (let i = 0; i < n; i++) {
    if (!allowed[i]) continue;
    ras(i, mm);
    const s = (mm[0] - centre[0]) * beam[0] + (mm[1] - centre[1]) * beam[1] + (mm[2] - centre[2]) * beam[2];
    sMin = Math.min(sMin, s);
    sMax = Math.max(sMax, s);
  }

  // Lateral extent of the reachable region, to bound the lattice.
  let rMax = 0;
  for (let i = 0; i < n; i++) {
    if (!allowed[i]) continue;
    ras(i, mm);
    const dx = mm[0] - centre[0],
      dy = mm[1] - centre[1],
      dz = mm[2] - centre[2];
    rMax = Math.max(rMax, Math.hypot(dx * u[0] + dy * u[1] + dz * u[2], dx * v[0] + dy * v[1] + dz * v[2]));
  }
  const lattice = Math.ceil(rMax / pitch) + 1;
  const sonications: Sonication[] = [];
  const spacing = constraints.sliceSpacing;
  const vox = [0, 0, 0];
  let blockedGas = 0,
    blockedBone = 0,
    cautionBowel = 0;
  let slice = 0;
  // Depth offsets tried within a slab, nearest to its centre plane first: a lattice point whose centre-plane
  // position is outside the margins moves along the beam to the nearest allowed depth of its slab, so that the
  // slab's whole reachable volume is covered (a slice of a round region is widest between the planes).
  const depthStep = Math.min(grid.spacing[0], grid.spacing[1], grid.spacing[2]) / 2;
  const offsets = [0];
  for (let d = depthStep; d < spacing / 2 - 1e-12; d += depthStep) offsets.push(-d, d);
  // the shallowest planned depth at each lattice position (skipCovered), and how deep a lesion reaches above it
  const planned = new Map<string, number>();
  const reach = options.lesionLength / 2 - spacing / 2;
  let covered = 0;
  for (let s = sMax; s + spacing / 2 > sMin; s -= spacing) {
    const candidates: Candidate[] = [];
    for (let ia = -lattice; ia <= lattice; ia++) {
      for (let ib = -lattice; ib <= lattice; ib++) {
        const a = ia * pitch,
          b = ib * pitch;
        for (const off of offsets) {
          const depth = s + off;
          const p: Vec3 = [
            centre[0] + a * u[0] + b * v[0] + depth * beam[0],
            centre[1] + a * u[1] + b * v[1] + depth * beam[1],
            centre[2] + a * u[2] + b * v[2] + depth * beam[2],
          ];
          rasMmToVoxel(grid, p[0] * 1000, p[1] * 1000, p[2] * 1000, vox);
          const i = Math.round(vox[0]),
            j = Math.round(vox[1]),
            k = Math.round(vox[2]);
          if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) continue;
          if (allowed[i + nx * (j + ny * k)]) {
            const deeper = planned.get(`${ia},${ib}`);
            if (options.skipCovered && deeper !== undefined && deeper - depth <= reach) covered++;
            else candidates.push({ a, b, ras: p, key: `${ia},${ib}`, depth });
            break;
          }
        }
      }
    }
    if (candidates.length === 0) continue;
    // Centre outward: by distance from the slice's own centroid, then by angle for a stable spiral-like order.
    const ca = candidates.reduce((acc, q) => acc + q.a, 0) / candidates.length;
    const cb = candidates.reduce((acc, q) => acc + q.b, 0) / candidates.length;
    candidates.sort((p, q) => {
      const dp = Math.hypot(p.a - ca, p.b - cb),
        dq = Math.hypot(q.a - ca, q.b - cb);
      if (Math.abs(dp - dq) > 1e-9) return dp - dq;
      return Math.atan2(p.b - cb, p.a - ca) - Math.atan2(q.b - cb, q.a - ca);
    });
    let placed = 0;
    for (const q of candidates) {
      const path = checkBeamPath(c, q.ras, beam, options.geometry);
      if (path.blocking.length > 0) {
        skipped.push({ focus: q.ras, slice, reason: `beam path crosses ${path.blocking.join(' and ')}` });
        if (path.blocking.includes('bone')) blockedBone++;
        else blockedGas++;
        continue;
      }
      if (path.caution.length > 0) cautionBowel++;
      planned.set(q.key, q.depth);
      const label = `S${slice + 1}-P${++placed}`;
      for (let k = 0; k < shots; k++) {
        const pause = k + 1 < shots ? shotGap : cooling;
        sonications.push({
          focus: [q.ras[0], q.ras[1], q.ras[2]],
          power,
          exposure,
          cooling: pause,
          slice,
          label,
          ...(options.feedback ? { feedback: { ...options.feedback } } : {}),
        });
      }
    }
    if (placed > 0) slice++;
  }
  if (blockedGas > 0) {
    findings.push({
      severity: 'warning',
      code: 'beam-path-gas',
      message: `${blockedGas} focus position(s) skipped: bowel gas in the beam cone (compress or fill the bladder, or reposition)`,
      params: { count: blockedGas },
    });
  }
  if (blockedBone > 0) {
    findings.push({
      severity: 'warning',
      code: 'beam-path-bone',
      message: `${blockedBone} focus position(s) skipped: bone in the beam cone`,
      params: { count: blockedBone },
    });
  }
  if (cautionBowel > 0) {
    findings.push({
      severity: 'warning',
      code: 'beam-path-bowel',
      message: `${cautionBowel} sonication(s) have bowel wall inside the beam cone: check on imaging before treating`,
      params: { count: cautionBowel },
    });
  }
  if (covered > 0) {
    findings.push({
      severity: 'info',
      code: 'covered-by-deeper-lesion',
      message: `${covered} lattice point(s) not sonicated: their slab lies inside the ${(options.lesionLength * 1000).toFixed(1)} mm lesion of a deeper point`,
      params: { count: covered, lesionLength: options.lesionLength },
    });
  }
  findings.push({
    severity: 'info',
    code: 'plan-summary',
    message: `${sonications.length} sonications in ${slice} slices; ${(reachableVolume * 1e6).toFixed(1)} of ${(targetVolume * 1e6).toFixed(1)} cm³ of target inside the margins`,
    params: { sonications: sonications.length, slices: slice, reachableVolume, targetVolume },
  });
  const plan: Plan = { ...emptyPlan(c, options.device, constraints, beam), sonications };
  return { plan, findings, skipped, reachableVolume, targetVolume };

  function ras(index: number, out: number[]): void {
    const i = index % nx;
    const j = Math.floor(index / nx) % ny;
    const k = Math.floor(index / (nx * ny));
    voxelToRasMm(grid, i, j, k, out);
    out[0] /= 1000;
    out[1] /= 1000;
    out[2] /= 1000;
  }
}

function emptyPlan(c: PlanningCase, device: Plan['device'], constraints: PlanConstraints, beam: Vec3): Plan {
  return {
    format: PLAN_FORMAT,
    version: PLAN_VERSION,
    ...(c.name ? { caseName: c.name } : {}),
    device,
    placement: { beamDirection: [beam[0], beam[1], beam[2]], waterTemperature: DEFAULT_WATER_TEMPERATURE },
    constraints,
    sonications: [],
  };
}

function normalise(d: Vec3): Vec3 {
  const n = Math.hypot(d[0], d[1], d[2]);
  if (!(n > 0) || !Number.isFinite(n)) throw new InputError('beamDirection', 'must be a non-zero finite vector');
  return [d[0] / n, d[1] / n, d[2] / n];
}
