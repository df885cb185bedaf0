import type { Case } from '../case/case.js';
import { type Vec3, rasMmToVoxel } from '../grid/grid3d.js';

const OBSTRUCTING = new Set(['bowel', 'bowel-gas', 'bone', 'air']);

/**
 * Obstructing voxels (bowel, gas, bone) the beam would cross in front of the focus, as the guidance image shows the
 * anatomy after a measured displacement: the case labels sampled every 1 mm along five rays from the focus towards
 * the transducer (the axis and four at `coneRadius` around it at the skin side, converging on the focus), up to
 * `length` m. A count of 0 means a clear path.
 */
export function beamPathObstruction(c: Case, focus: Vec3, beam: Vec3, displacement: Vec3, length = 0.08, coneRadius = 0.01): number {
  const names = new Map(c.structures.map((s) => [s.label, s.name]));
  const ref: Vec3 = Math.abs(beam[0]) < 0.9 ? [1, 0, 0] : [0, 0, 1];
  const u0 = cross(beam, ref);
  const u = scale(u0, 1 / Math.hypot(...u0));
  const w = cross(beam, u);
  const offsets: Vec3[] = [[0, 0, 0], u, scale(u, -1), w, scale(w, -1)];
  const [nx, ny, nz] = c.grid.shape;
  const v = [0, 0, 0];
  let count = 0;
  for (const o of offsets) {
    for (let s = 0.002; s <= length; s += 0.001) {
      const r = (coneRadius * s) / length;
      const p = [0, 1, 2].map((a) => focus[a] - beam[a] * s + o[a] * r - displacement[a]);
      rasMmToVoxel(c.grid, p[0] * 1000, p[1] * 1000, p[2] * 1000, v);
      const i = Math.round(v[0]);
      const j = Math.round(v[1]);
      const k = Math.round(v[2]);
      if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) continue;
      if (OBSTRUCTING.has(names.get(c.labels[i + nx * (j + ny * k)]) ?? '')) count++;
    }
  }
  return count;
}

function cross(a: readonly number[], b: readonly number[]): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function scale(a: readonly number[], s: number): Vec3 {
  return [a[0] * s, a[1] * s, a[2] * s];
}
