import type { Case } from '../case/case.js';
import { distanceTransform } from '../grid/distance-transform.js';
import type { Vec3 } from '../grid/grid3d.js';
import { rasMmToVoxel } from '../grid/grid3d.js';
import type { SessionSummary } from '../console/treatment-session.js';
import { planningCaseOf } from '../planning/auto-plan.js';
import { checkBeamPath } from '../planning/beam-path.js';
import type { SimulationOutcome } from '../planning/outcome.js';
import { type Plan, expandShots } from '../planning/plan.js';
import { UTERINE_STRUCTURES, labelsOf } from '../planning/planning-case.js';
import { deviceTransducer } from '../planning/treatment-sources.js';
import { getTransducerPreset } from '../transducer/presets.js';

/**
 * A safety event of an exercise: `major` events fail the exercise (thermal injury of a protected structure, a focus
 * inside a safety margin, a beam through gas or bone, a session terminated by an interlock); `minor` ones cost points
 * (possible damage doses, near-field temperature over the plan's limit, interlock warnings). Codes are stable (the
 * workstation translates them); params carry the numbers (SI units, distances in m).
 */
export interface SafetyEvent {
  code: string;
  severity: 'major' | 'minor';
  params: Record<string, number | string>;
  /** English text */
  message: string;
}

type MarginName = 'serosa' | 'endometrium' | 'bone' | 'bowel';

/**
 * Margin and beam-path events of a plan on its case: every focus is checked against the plan's own margins (the
 * constraints the planner keeps: ≥ serosaMargin inside the uterine serosa, ≥ endometriumMargin from the endometrium,
 * ≥ boneMargin from bone, ≥ bowelMargin from bowel; exact distance maps as planTreatment's) and its beam cone against
 * gas and bone (checkBeamPath: major) and bowel wall (minor: the bowel lies in the path, no gas on it). One event per code, with the number of points and the worst distance.
 */
export function planSafetyEvents(c: Case, plan: Plan): SafetyEvent[] {
  const pc = planningCaseOf(c);
  const k = plan.constraints;
  const labels = c.labels;
  const uterine = labelsOf(pc, UTERINE_STRUCTURES);
  const sets: Record<MarginName, { set: Set<number>; margin: number; inside: boolean }> = {
    serosa: { set: uterine, margin: k.serosaMargin, inside: true },
    endometrium: { set: labelsOf(pc, ['endometrium']), margin: k.endometriumMargin, inside: false },
    bone: { set: labelsOf(pc, ['bone']), margin: k.boneMargin, inside: false },
    bowel: { set: labelsOf(pc, ['bowel', 'bowel-gas']), margin: k.bowelMargin, inside: false },
  };
  const points = expandShots(plan).sonications;
  const worst = new Map<MarginName, { count: number; distance: number; label: string }>();
  const [nx, ny, nz] = c.grid.shape;
  const v = [0, 0, 0];
  const voxelOf = (f: readonly number[]): number => {
    rasMmToVoxel(c.grid, f[0] * 1000, f[1] * 1000, f[2] * 1000, v);
    const i = Math.round(v[0]);
    const j = Math.round(v[1]);
    const q = Math.round(v[2]);
    return i < 0 || j < 0 || q < 0 || i >= nx || j >= ny || q >= nz ? -1 : i + nx * (j + ny * q);
  };
  const idx = points.map((p) => voxelOf(p.focus));
  for (const name of Object.keys(sets) as MarginName[]) {
    const s = sets[name];
    if (s.set.size === 0) continue;
    // serosa: depth inside the uterus = distance to the nearest non-uterine voxel; others: distance to the structure
    const d = distanceTransform(c.grid, s.inside ? (i) => !s.set.has(labels[i]) : (i) => s.set.has(labels[i]));
    points.forEach((p, n) => {
      const dist = idx[n] < 0 ? 0 : d[idx[n]];
      if (dist >= s.margin) return;
      const w = worst.get(name) ?? { count: 0, distance: Number.POSITIVE_INFINITY, label: p.label ?? `#${n + 1}` };
      w.count++;
      if (dist < w.distance) {
        w.distance = dist;
        w.label = p.label ?? `#${n + 1}`;
      }
      worst.set(name, w);
    });
  }
  const events: SafetyEvent[] = [];
  for (const [name, w] of worst) {
    const margin = sets[name].margin;
    events.push({
      code: `margin-${name}`,
      severity: 'major',
      params: { points: w.count, point: w.label, distance: w.distance, margin },
      message: `${w.count} point(s) inside the ${name} margin (worst ${w.label}: ${(w.distance * 1000).toFixed(1)} mm, margin ${(margin * 1000).toFixed(0)} mm)`,
    });
  }
  const bowl = 'preset' in plan.device ? getTransducerPreset(plan.device.preset) : deviceTransducer(plan.device);
  const beam = plan.placement.beamDirection as unknown as Vec3;
  const blocked = new Map<string, { count: number; label: string }>();
  const seen = new Set<string>();
  points.forEach((p, n) => {
    const key = p.focus.join(',');
    if (seen.has(key)) return; // repeated shots at one focus: one beam path
    seen.add(key);
    const check = checkBeamPath(pc, p.focus as unknown as Vec3, beam, bowl);
    // bowel wall in the cone (no gas): the planner flags it (check on imaging), the exercise counts it as a minor event
    const met = [...check.blocking, ...check.caution.filter((s) => s === 'bowel')];
    for (const s of met) {
      const b = blocked.get(s) ?? { count: 0, label: p.label ?? `#${n + 1}` };
      b.count++;
      blocked.set(s, b);
    }
  });
  for (const [s, b] of blocked)
    events.push({
      code: `beam-path-${s}`,
      severity: s === 'bowel' ? 'minor' : 'major',
      params: { structure: s, points: b.count, point: b.label },
      message: `${b.count} point(s) sonicate through ${s} (first ${b.label})`,
    });
  return events;
}

/** Which group a structure's dose event belongs to. */
function groupOf(structure: string): string {
  if (structure === 'skin' || structure === 'fat' || structure === 'muscle') return 'near-field';
  if (structure === 'bone') return 'sacrum';
  if (structure === 'bowel' || structure === 'bowel-gas') return 'bowel';
  return structure;
}

/**
 * Dose and temperature events of a predicted outcome (its findings): a protected structure at ≥ 240 CEM43 is major
 * (`<group>-ablated`), at ≥ 18 CEM43 minor (`<group>-dose`); near-field tissue over the plan's skin limit is minor
 * (`near-field-temperature`). Groups: near-field (skin, fat, muscle), sacrum (bone), bowel, or the structure's name.
 */
export function outcomeSafetyEvents(outcome: SimulationOutcome): SafetyEvent[] {
  const byCode = new Map<string, SafetyEvent>();
  for (const f of outcome.findings) {
    const m = /^(.*)-(ablated|dose|temperature)$/.exec(f.code);
    if (!m || f.severity === 'info') continue;
    const structure = m[1];
    if (!outcome.structures[structure] && !['skin', 'fat', 'muscle', 'bone', 'bowel', 'bowel-gas'].includes(structure)) continue;
    const code = `${groupOf(structure)}-${m[2]}`;
    const severity = m[2] === 'ablated' ? 'major' : 'minor';
    const value = Number(f.params?.dose ?? f.params?.temperature ?? 0);
    const prev = byCode.get(code);
    if (prev && Number(prev.params.value) >= value) continue;
    byCode.set(code, { code, severity, params: { structure, value }, message: f.message });
  }
  return [...byCode.values()];
}

/** Interlock events of a console session: each interlock (error: major trip, warning: minor) and a termination. */
export function sessionSafetyEvents(summary: Pick<SessionSummary, 'state' | 'stop' | 'interlocks'>): SafetyEvent[] {
  const events: SafetyEvent[] = [];
  const seen = new Set<string>();
  for (const i of summary.interlocks) {
    const code = `interlock-${i.code}`;
    const key = `${code}:${i.level}`;
    if (seen.has(key)) continue;
    seen.add(key);
    events.push({
      code,
      severity: i.level === 'error' ? 'major' : 'minor',
      params: { interlock: i.code, time: i.time, level: i.level },
      message: `interlock ${i.code} (${i.level}) at ${i.time.toFixed(1)} s`,
    });
  }
  if (summary.state === 'terminated')
    events.push({
      code: 'session-terminated',
      severity: 'major',
      params: { reason: summary.stop?.reason ?? 'unknown', time: summary.stop?.time ?? 0 },
      message: `the session was terminated at ${(summary.stop?.time ?? 0).toFixed(1)} s (${summary.stop?.reason ?? 'unknown'})`,
    });
  return events;
}
