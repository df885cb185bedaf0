import {
  type PlanConstraints,
  type PlanningCase,
  UTERINE_STRUCTURES,
  type Vec3,
  distanceTransform,
  labelsOf,
  rasMmToVoxel,
} from '@openfuas/core';

/**
 * The protocol's safety margins as the core planner applies them (planner.ts): a focus may sit only in a target
 * voxel at least `serosaMargin` inside the uterine serosa and at least `endometriumMargin`, `boneMargin` and
 * `bowelMargin` from endometrium, bone and bowel (bowel wall or gas), distances between voxel centres.
 */
export type MarginName = 'serosa' | 'endometrium' | 'bone' | 'bowel';
export const MARGIN_NAMES: readonly MarginName[] = ['serosa', 'endometrium', 'bone', 'bowel'];

/** The margin of each name, m. */
export function marginOf(constraints: PlanConstraints, name: MarginName): number {
  if (name === 'serosa') return constraints.serosaMargin;
  if (name === 'endometrium') return constraints.endometriumMargin;
  if (name === 'bone') return constraints.boneMargin;
  return constraints.bowelMargin;
}

/** Which voxels count for each margin: serosa = any voxel outside the uterus; the others, their structures. */
function marginSets(c: PlanningCase): Record<MarginName, { labels: Set<number>; outside: boolean }> {
  return {
    serosa: { labels: labelsOf(c, UTERINE_STRUCTURES), outside: true },
    endometrium: { labels: labelsOf(c, ['endometrium']), outside: false },
    bone: { labels: labelsOf(c, ['bone']), outside: false },
    bowel: { labels: labelsOf(c, ['bowel', 'bowel-gas']), outside: false },
  };
}

/**
 * Where a focus may sit: 1 on target voxels inside every margin, 0 elsewhere (the planner's "allowed" volume, from
 * exact Euclidean distance maps). A few hundred ms per margin on a 1.5 mm case: run it off the main thread.
 */
export function allowedRegion(c: PlanningCase, constraints: PlanConstraints): Uint8Array {
  const [nx, ny, nz] = c.grid.shape;
  const n = nx * ny * nz;
  const labels = c.labels;
  const target = c.structures[c.target ?? 'fibroid'];
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = labels[i] === target ? 1 : 0;
  const sets = marginSets(c);
  for (const name of MARGIN_NAMES) {
    const { labels: set, outside } = sets[name];
    if (!outside && set.size === 0) continue;
    const d = distanceTransform(c.grid, outside ? (i) => !set.has(labels[i]) : (i) => set.has(labels[i]));
    const margin = marginOf(constraints, name);
    for (let i = 0; i < n; i++) if (out[i] && d[i] < margin) out[i] = 0;
  }
  return out;
}

/** A margin a focus does not keep: the distance found, and the one required, m. */
export interface MarginViolation {
  margin: MarginName;
  distance: number;
  required: number;
}

/**
 * The margins a focus (RAS m) does not keep, each with the nearest distance found. The same test as
 * `allowedRegion` at the focus's voxel, made on the box of voxels within the largest margin only (a point check
 * costs microseconds instead of a distance transform).
 */
export function marginViolations(c: PlanningCase, focus: Vec3, constraints: PlanConstraints): MarginViolation[] {
  const g = c.grid;
  const [nx, ny, nz] = g.shape;
  const v = rasMmToVoxel(g, focus[0] * 1000, focus[1] * 1000, focus[2] * 1000, [0, 0, 0]);
  const ci = Math.round(v[0]);
  const cj = Math.round(v[1]);
  const ck = Math.round(v[2]);
  const sets = marginSets(c);
  const names = MARGIN_NAMES.filter((m) => sets[m].outside || sets[m].labels.size > 0);
  // bit m of counts[label]: a voxel of this label is what margin m keeps away from
  const counts = new Uint8Array(256);
  names.forEach((name, m) => {
    const s = sets[name];
    for (let label = 0; label < 256; label++) if (s.labels.has(label) !== s.outside) counts[label] |= 1 << m;
  });
  const nearest2 = names.map(() => Number.POSITIVE_INFINITY);
  const reach = Math.max(...names.map((m) => marginOf(constraints, m)), 0);
  const [sx, sy, sz] = g.spacing;
  const ri = Math.ceil(reach / sx);
  const rj = Math.ceil(reach / sy);
  const rk = Math.ceil(reach / sz);
  for (let k = Math.max(0, ck - rk); k <= Math.min(nz - 1, ck + rk); k++) {
    const dz2 = ((k - ck) * sz) ** 2;
    for (let j = Math.max(0, cj - rj); j <= Math.min(ny - 1, cj + rj); j++) {
      const dyz2 = dz2 + ((j - cj) * sy) ** 2;
      const row = nx * (j + ny * k);
      for (let i = Math.max(0, ci - ri); i <= Math.min(nx - 1, ci + ri); i++) {
        const bits = counts[c.labels[i + row]];
        if (bits === 0) continue;
        const d2 = dyz2 + ((i - ci) * sx) ** 2;
        for (let m = 0; m < names.length; m++) if (bits & (1 << m) && d2 < nearest2[m]) nearest2[m] = d2;
      }
    }
  }
  const out: MarginViolation[] = [];
  names.forEach((name, m) => {
    // Float32 like the distance maps, so that a voxel exactly at the margin is judged as the planner judges it
    const distance = Math.fround(Math.sqrt(nearest2[m]));
    const required = marginOf(constraints, name);
    if (distance < required) out.push({ margin: name, distance, required });
  });
  return out;
}
