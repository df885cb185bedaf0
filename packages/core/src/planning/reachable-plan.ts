import type { Case } from '../case/case.js';
import { InputError } from '../errors.js';
import type { Vec3 } from '../grid/grid3d.js';
import { voxelToRasMm } from '../grid/grid3d.js';
import type { Finding } from './finding.js';
import { couchWindowProblem } from './beam-path.js';
import type { Plan } from './plan.js';
import type { PlannedTreatment } from './planner.js';
import { type FocusProblem, deviceTransducer } from './treatment-sources.js';

/** A focus checker (treatment-sources' focusChecker): null where the device can treat the focus. */
export type FocusCheck = (focus: Vec3) => FocusProblem | null;

/**
 * The probe focus of a target: its centroid where the device can treat it, else the target voxel nearest to the
 * centroid that it can (a bowel loop or the bowl's reach may exclude the centroid and not the whole target).
 * InputError (reason "target-unreachable") when no target voxel can be treated.
 */
export function reachableProbeFocus(c: Pick<Case, 'grid' | 'labels'>, label: number, centroid: Vec3, check: FocusCheck): Vec3 {
  if (!check(centroid)) return centroid;
  const [nx, ny] = c.grid.shape;
  const ras: Vec3[] = [];
  const distance: number[] = [];
  const mm = [0, 0, 0];
  for (let i = 0; i < c.labels.length; i++) {
    if (c.labels[i] !== label) continue;
    voxelToRasMm(c.grid, i % nx, Math.floor(i / nx) % ny, Math.floor(i / (nx * ny)), mm);
    const p: Vec3 = [mm[0] / 1000, mm[1] / 1000, mm[2] / 1000];
    ras.push(p);
    distance.push(Math.hypot(p[0] - centroid[0], p[1] - centroid[1], p[2] - centroid[2]));
  }
  const order = distance.map((_, i) => i).sort((a, b) => distance[a] - distance[b]);
  for (const i of order) if (!check(ras[i])) return ras[i];
  const why = check(centroid);
  throw new InputError('case.target', `no voxel of the target can be treated with this device (at its centroid: ${why?.message})`, {
    reason: 'target-unreachable',
    params: { why: why?.reason ?? '' },
  });
}

/**
 * Drops from a laid-out plan the foci the device cannot treat (deeper than the bowl reaches, gas or bone on the
 * beam axis, ...: the rules the simulation enforces), so that one such point never aborts a plan. In place:
 * slices and labels are renumbered, each dropped focus goes to `skipped`, and one warning per reason says how many
 * were skipped ("skipped-<reason>", params count and, for depth, the deepest reach); the plan summary is updated.
 */
export function dropUnreachableFoci(planned: PlannedTreatment, check: FocusCheck): void {
  const byReason = new Map<FocusProblem['reason'], { count: number; problem: FocusProblem }>();
  const kept = planned.plan.sonications.filter((s) => {
    const problem = check(s.focus as Vec3);
    if (!problem) return true;
    planned.skipped.push({ focus: [s.focus[0], s.focus[1], s.focus[2]], slice: s.slice ?? 0, reason: problem.message });
    const entry = byReason.get(problem.reason);
    if (entry) entry.count++;
    else byReason.set(problem.reason, { count: 1, problem });
    return false;
  });
  if (byReason.size === 0) return;
  // renumber slices (consecutive, in the plan's order) and the points within each
  const sliceIndex = new Map<number, number>();
  const points = new Map<number, number>();
  planned.plan.sonications = kept.map((s) => {
    const old = s.slice ?? 0;
    if (!sliceIndex.has(old)) sliceIndex.set(old, sliceIndex.size);
    const slice = sliceIndex.get(old) as number;
    const p = (points.get(slice) ?? 0) + 1;
    points.set(slice, p);
    return { ...s, slice, label: `S${slice + 1}-P${p}` };
  });
  const findings = [...byReason.values()].map(({ count, problem }) => skippedFinding(count, problem));
  const summary = planned.findings.find((f) => f.code === 'plan-summary');
  if (summary?.params) {
    summary.params = { ...summary.params, sonications: kept.length, slices: sliceIndex.size };
    summary.message = summary.message.replace(/^\d+ sonications in \d+ slices/, `${kept.length} sonications in ${sliceIndex.size} slices`);
  }
  const at = planned.findings.indexOf(summary as Finding);
  planned.findings.splice(at < 0 ? planned.findings.length : at, 0, ...findings);
}

/** The warning for `count` foci dropped for `problem`'s reason (codes and params literal, for the viewers' wordings). */
function skippedFinding(count: number, problem: FocusProblem): Finding {
  const severity = 'warning';
  const message = `${count} point(s) skipped: ${problem.message.replace(/^the /, '').replace(/focus \([^)]*\) mm/, 'focus')}`;
  const structure = String(problem.params.structure ?? '');
  switch (problem.reason) {
    case 'focus-too-deep':
      return { severity, message, code: 'skipped-focus-too-deep', params: { count, reach: Number(problem.params.reach) } };
    case 'focus-too-shallow':
      return { severity, message, code: 'skipped-focus-too-shallow', params: { count } };
    case 'axis-gas':
      return { severity, message, code: 'skipped-axis-gas', params: { count, structure } };
    case 'axis-bone':
      return { severity, message, code: 'skipped-axis-bone', params: { count, structure } };
    case 'axis-leaves-image':
      return { severity, message, code: 'skipped-axis-leaves-image', params: { count } };
    case 'focus-in-skin':
      return { severity, message, code: 'skipped-focus-in-skin', params: { count } };
    case 'focus-outside-body':
      return { severity, message, code: 'skipped-focus-outside-body', params: { count } };
    case 'outside-window':
      return { severity, message, code: 'skipped-outside-window', params: { count, windowRadius: Number(problem.params.windowRadius) } };
  }
}

/**
 * The plan checker's window rule: every sonication's beam cone (the plan device's aperture to its focus) passes
 * through the case's couch window (couchWindowClearance), else InputError naming `plan.sonications[i].focus`
 * (reason "outside-window", the values of couchWindowProblem), as the reach rule refuses a focus too deep.
 */
export function checkPlanCouchWindow(c: Pick<Case, 'couch'>, plan: Pick<Plan, 'device' | 'sonications'>): void {
  const bowl = deviceTransducer(plan.device, 'plan.device');
  for (let i = 0; i < plan.sonications.length; i++) {
    const problem = couchWindowProblem(plan.sonications[i].focus as unknown as Vec3, c.couch, bowl);
    if (problem) throw new InputError(`plan.sonications[${i}].focus`, problem.message, { reason: problem.reason, params: problem.params });
  }
}
