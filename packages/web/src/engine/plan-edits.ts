import {
  type DeviceLimits,
  type Grid3D,
  InputError,
  type Sonication,
  type Vec3,
  checkSonicationLimits,
  rasMmToVoxel,
} from '@openfuas/core';

/**
 * Hand edits of a plan's sonications: pure functions that take the sonication list and return a new one (the
 * points they do not touch are the same objects), or say why the edit is refused. Foci in RAS metres as in the
 * plan; the UI converts from mm at its edge. Nothing is clamped: a value outside the device's limits is refused
 * with the limits, so that the user sees what is allowed.
 */

/** The per-sonication settings a user may edit. */
export type ShotField = 'power' | 'exposure' | 'cooling';
export const SHOT_FIELDS: readonly ShotField[] = ['power', 'exposure', 'cooling'];

/** Why an edit was refused. `min`/`max` are the device's limits for the field (W or s). */
export interface EditError {
  field: ShotField | 'focus' | 'point';
  reason: 'not-a-number' | 'out-of-range' | 'below-minimum' | 'outside-case' | 'no-point';
  min?: number;
  max?: number;
  /** the core's message (English), for logs */
  detail: string;
}

export type EditResult = { ok: true; sonications: Sonication[] } | { ok: false; error: EditError };

/**
 * Sets `field` of the sonications at `indices` to `value`, checked with the core's device limits
 * (checkSonicationLimits, the check the planner and the simulation make). Refused as a whole if any point would be
 * outside them.
 */
export function setShotValue(
  sonications: readonly Sonication[],
  indices: readonly number[],
  field: ShotField,
  value: number,
  limits: DeviceLimits,
): EditResult {
  if (indices.length === 0 || indices.some((i) => !sonications[i]))
    return { ok: false, error: { field: 'point', reason: 'no-point', detail: 'no point selected' } };
  if (typeof value !== 'number' || !Number.isFinite(value))
    return { ok: false, error: { field, reason: 'not-a-number', ...fieldLimits(limits, field), detail: `${field}: not a number` } };
  const out = sonications.slice();
  for (const i of indices) {
    const next = { ...sonications[i], [field]: value };
    try {
      checkSonicationLimits(limits, next, `sonications[${i}]`);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      const named = e.field.slice(e.field.lastIndexOf('.') + 1) as ShotField;
      const bad: ShotField = SHOT_FIELDS.includes(named) ? named : field;
      return {
        ok: false,
        error: { field: bad, reason: bad === 'cooling' ? 'below-minimum' : 'out-of-range', ...fieldLimits(limits, bad), detail: e.message },
      };
    }
    out[i] = next;
  }
  return { ok: true, sonications: out };
}

/** The device's range of a field (cooling has a minimum only). */
export function fieldLimits(limits: DeviceLimits, field: ShotField): { min: number; max?: number } {
  if (field === 'power') return { min: limits.minPower, max: limits.maxPower };
  if (field === 'exposure') return { min: limits.minExposure, max: limits.maxExposure };
  return { min: limits.minCooling };
}

/** Moves point `index` to `focus` (RAS m); refused for a non-finite position or one outside the case grid. */
export function movePoint(sonications: readonly Sonication[], index: number, focus: Vec3, grid?: Grid3D): EditResult {
  if (!sonications[index]) return { ok: false, error: { field: 'point', reason: 'no-point', detail: 'no point selected' } };
  const bad = checkFocus(focus, grid);
  if (bad) return { ok: false, error: bad };
  const out = sonications.slice();
  out[index] = { ...sonications[index], focus: [focus[0], focus[1], focus[2]] };
  return { ok: true, sonications: out };
}

/** Depth of a point along the beam, m (larger = deeper). */
export function depthOf(focus: readonly number[], beam: Vec3): number {
  return focus[0] * beam[0] + focus[1] * beam[1] + focus[2] * beam[2];
}

/**
 * Depth (m along the beam) of a slice's plane, or null for an empty slice: the depth most of its points share (the
 * planner puts a point on the plane where it can, and only moves it within the slab where the plane is outside the
 * margins), ties going to the one nearest the median depth.
 */
export function slicePlaneDepth(sonications: readonly Sonication[], slice: number, beam: Vec3): number | null {
  const d = sonications
    .filter((s) => s.slice === slice)
    .map((s) => depthOf(s.focus, beam))
    .sort((a, b) => a - b);
  if (d.length === 0) return null;
  const median = d[d.length >> 1];
  const counts = new Map<number, number>();
  for (const v of d) {
    const key = Math.round(v * 1e6);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let best = d[0];
  let bestCount = 0;
  for (const v of d) {
    const n = counts.get(Math.round(v * 1e6)) ?? 0;
    if (n > bestCount || (n === bestCount && Math.abs(v - median) < Math.abs(best - median))) {
      best = v;
      bestCount = n;
    }
  }
  return best;
}

/** The slice whose plane is nearest in depth to `focus` (RAS m), or 0 when the plan has none. */
export function nearestSlice(sonications: readonly Sonication[], focus: Vec3, beam: Vec3): number {
  const depth = depthOf(focus, beam);
  let best = 0;
  let bestD = Number.POSITIVE_INFINITY;
  for (const slice of new Set(sonications.map((s) => s.slice))) {
    const d = Math.abs((slicePlaneDepth(sonications, slice, beam) ?? 0) - depth);
    if (d < bestD) {
      bestD = d;
      best = slice;
    }
  }
  return best;
}

/**
 * Adds a point at `at` (RAS m, e.g. the crosshair) to `slice`: moved along the beam onto the slice's plane (so that
 * it lands in the slice however the crosshair got there), with the power, exposure and cooling of the slice's last
 * point (or of `template` for a slice without points), after the slice's last point in the treatment order, labelled
 * with the slice's next point number (`used`: labels not to take again, e.g. of deleted points, so that a label in
 * a log or a report always means one point). Returns the new list and the new point's index.
 */
export function addPoint(
  sonications: readonly Sonication[],
  at: Vec3,
  slice: number,
  beam: Vec3,
  template: Pick<Sonication, 'power' | 'exposure' | 'cooling'>,
  grid?: Grid3D,
  used: ReadonlySet<string> = new Set(),
): EditResult & { index?: number } {
  const plane = slicePlaneDepth(sonications, slice, beam);
  const shift = plane === null ? 0 : plane - depthOf(at, beam);
  const focus: Vec3 = [at[0] + shift * beam[0], at[1] + shift * beam[1], at[2] + shift * beam[2]];
  const bad = checkFocus(focus, grid);
  if (bad) return { ok: false, error: bad };
  let last = -1;
  let number = 0;
  const prefix = `S${slice + 1}-P`;
  sonications.forEach((s, i) => {
    if (s.slice !== slice) return;
    last = i;
    const n = s.label?.startsWith(prefix) ? Number(s.label.slice(prefix.length)) : Number.NaN;
    number = Math.max(number, Number.isInteger(n) ? n : 0);
  });
  const from = last >= 0 ? sonications[last] : template;
  // a slice without points goes before the first shallower slice (slices are treated deepest first, in index order)
  const index = last >= 0 ? last + 1 : insertionIndexOfSlice(sonications, slice);
  let n = Math.max(number, sonications.filter((s) => s.slice === slice).length) + 1;
  while (used.has(`${prefix}${n}`)) n++;
  const point: Sonication = {
    focus: [focus[0], focus[1], focus[2]],
    power: from.power,
    exposure: from.exposure,
    cooling: from.cooling,
    slice,
    label: `${prefix}${n}`,
  };
  const out = sonications.slice();
  out.splice(index, 0, point);
  return { ok: true, sonications: out, index };
}

function insertionIndexOfSlice(sonications: readonly Sonication[], slice: number): number {
  const i = sonications.findIndex((s) => s.slice > slice);
  return i < 0 ? sonications.length : i;
}

/** Removes the points at `indices`. */
export function deletePoints(sonications: readonly Sonication[], indices: readonly number[]): Sonication[] {
  const drop = new Set(indices);
  return sonications.filter((_, i) => !drop.has(i));
}

/**
 * The point whose marker a click at `mm` (RAS mm) hits: the nearest focus within an ellipsoid of `acrossMm` across
 * and `alongMm` along the beam (the markers are drawn long along the beam, like a lesion), or null.
 */
export function pickPoint(sonications: readonly Sonication[], mm: Vec3, beam: Vec3, acrossMm = 2.5, alongMm = 4): number | null {
  let best: number | null = null;
  let bestD = 1;
  sonications.forEach((s, i) => {
    const dx = mm[0] - s.focus[0] * 1000;
    const dy = mm[1] - s.focus[1] * 1000;
    const dz = mm[2] - s.focus[2] * 1000;
    const along = dx * beam[0] + dy * beam[1] + dz * beam[2];
    const across2 = Math.max(0, dx * dx + dy * dy + dz * dz - along * along);
    const d = across2 / (acrossMm * acrossMm) + (along * along) / (alongMm * alongMm);
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}

function checkFocus(focus: Vec3, grid?: Grid3D): EditError | null {
  if (!focus.every((v) => typeof v === 'number' && Number.isFinite(v)))
    return { field: 'focus', reason: 'not-a-number', detail: 'focus: not a finite position' };
  if (!grid) return null;
  const v = rasMmToVoxel(grid, focus[0] * 1000, focus[1] * 1000, focus[2] * 1000, [0, 0, 0]);
  for (let a = 0; a < 3; a++) {
    const i = Math.round(v[a]);
    if (i < 0 || i >= grid.shape[a]) return { field: 'focus', reason: 'outside-case', detail: 'focus: outside the case image' };
  }
  return null;
}
