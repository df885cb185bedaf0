import { type PlanConstraints, type PlanningCase, type Sonication, type Vec3, checkBeamPath, rasMmToVoxel } from '@openfuas/core';
import { depthOf, slicePlaneDepth } from './plan-edits.js';
import { type MarginName, allowedRegion, marginViolations } from './safety-margins.js';

/**
 * What is wrong with one focus, by the planner's own rules: the beam cone crosses gas or bone (the planner drops
 * such a focus) or bowel wall or scar (it flags it), a safety margin is not kept, the focus is not in the target,
 * or it sits nearer another slice's plane than its own (more than half a slice spacing from its own): slices are
 * treated deepest first, so a point treated with the wrong slice is shot through, or shadowed by, earlier lesions.
 */
export type PointWarning =
  | { kind: 'beam-blocked'; structures: string[] }
  | { kind: 'beam-caution'; structures: string[] }
  | { kind: 'margin'; margin: MarginName; distance: number; required: number }
  | { kind: 'outside-target' }
  | { kind: 'off-slice'; offset: number; limit: number; nearer: number };

/** The case and device a point is checked against. */
export interface PointCheckContext {
  case: PlanningCase;
  constraints: PlanConstraints;
  /** beam direction, RAS unit vector */
  beam: Vec3;
  /** focal geometry of the device (the beam cone), m */
  geometry: { radiusOfCurvature: number; aperture: number };
}

/** Checks point `index` of a plan: beam path (core checkBeamPath), margins, target, slice slab. */
export function checkPoint(ctx: PointCheckContext, sonications: readonly Sonication[], index: number): PointWarning[] {
  const s = sonications[index];
  const focus: Vec3 = [s.focus[0], s.focus[1], s.focus[2]];
  const out: PointWarning[] = [];
  const path = checkBeamPath(ctx.case, focus, ctx.beam, ctx.geometry);
  if (path.blocking.length > 0) out.push({ kind: 'beam-blocked', structures: path.blocking });
  if (path.caution.length > 0) out.push({ kind: 'beam-caution', structures: path.caution });
  if (!inTarget(ctx.case, focus)) out.push({ kind: 'outside-target' });
  for (const m of marginViolations(ctx.case, focus, ctx.constraints)) out.push({ kind: 'margin', ...m });
  // the slice planes without this point (a lone point defines its own plane)
  const others = sonications.filter((_, i) => i !== index);
  const plane = slicePlaneDepth(others, s.slice, ctx.beam);
  const limit = ctx.constraints.sliceSpacing / 2;
  if (plane !== null) {
    const depth = depthOf(focus, ctx.beam);
    const offset = Math.abs(depth - plane);
    if (offset > limit + 1e-9) {
      let nearer = -1;
      let best = offset;
      for (const slice of new Set(others.map((o) => o.slice))) {
        const d = Math.abs((slicePlaneDepth(others, slice, ctx.beam) ?? Number.POSITIVE_INFINITY) - depth);
        if (slice !== s.slice && d < best) {
          best = d;
          nearer = slice;
        }
      }
      if (nearer >= 0) out.push({ kind: 'off-slice', offset, limit, nearer });
    }
  }
  return out;
}

/** Whether the focus's voxel belongs to the case's target structure. */
export function inTarget(c: PlanningCase, focus: Vec3): boolean {
  const g = c.grid;
  const v = rasMmToVoxel(g, focus[0] * 1000, focus[1] * 1000, focus[2] * 1000, [0, 0, 0]);
  const i = Math.round(v[0]);
  const j = Math.round(v[1]);
  const k = Math.round(v[2]);
  if (i < 0 || j < 0 || k < 0 || i >= g.shape[0] || j >= g.shape[1] || k >= g.shape[2]) return false;
  return c.labels[i + g.shape[0] * (j + g.shape[1] * k)] === c.structures[c.target ?? 'fibroid'];
}

/** Whether a warning forbids the sonication (the planner would not have placed it) or calls for care. */
export function isBlocking(w: PointWarning): boolean {
  return w.kind === 'beam-blocked' || w.kind === 'margin' || w.kind === 'outside-target';
}

/** The checks of a whole plan: where foci may sit (for the margin contour) and each point's warnings. */
export interface PlanChecks {
  /** 1 on target voxels inside every margin (allowedRegion) */
  allowed: Uint8Array;
  /** checkPoint of each sonication, in plan order */
  warnings: PointWarning[][];
}

/** Checks every point of a plan and computes the allowed region (about a second for a 1.5 mm case: a worker's job). */
export function checkPlan(ctx: PointCheckContext, sonications: readonly Sonication[]): PlanChecks {
  const allowed = allowedRegion(ctx.case, ctx.constraints);
  return { allowed, warnings: sonications.map((_, i) => checkPoint(ctx, sonications, i)) };
}
