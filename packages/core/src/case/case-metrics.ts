import { InputError } from '../errors.js';
import { type Grid3D, type Vec3, voxelVolume } from '../grid/grid3d.js';
import { type Tissue, getTissue, withOverrides } from '../tissue/tissue-table.js';
import type { Case } from './case.js';
import { structureByName } from './structures.js';

/** Voxel count and volume (m³) of every structure of a case, keyed by name. */
export function structureVolumes(
  c: Pick<Case, 'grid' | 'labels' | 'structures'>,
): Record<string, { label: number; voxels: number; volume: number }> {
  const counts = new Float64Array(256);
  const labels = c.labels;
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  const dv = voxelVolume(c.grid);
  const out: Record<string, { label: number; voxels: number; volume: number }> = {};
  for (const s of c.structures) out[s.name] = { label: s.label, voxels: counts[s.label], volume: counts[s.label] * dv };
  return out;
}

/** Structures that are outside the patient: a beam marching back from the target meets the skin where they begin. */
export const OUTSIDE_STRUCTURES = ['water', 'air'] as const;

/** Depth of a structure below the skin along the beam. */
export interface DepthFromSkin {
  /** smallest and largest depth (m) over the structure's voxels, measured along the beam axis from the skin */
  min: number;
  max: number;
  /** false when some ray left the grid before meeting water or air (the depth is then a lower bound) */
  skinFound: boolean;
}

/**
 * Depth below the skin of a structure (default: the case's target) along the beam axis: from each voxel of
 * the structure a ray runs back against the beam (towards the transducer), sampled at half the smallest
 * voxel size (nearest voxel), until it meets a water or air voxel; the skin is taken half a step before that
 * sample. Accuracy ≈ half a voxel. Bowel gas inside the body does not stop the ray.
 */
export function depthFromSkin(c: Pick<Case, 'grid' | 'labels' | 'structures' | 'couch' | 'target'>, structure = c.target): DepthFromSkin {
  const s = structureByName(c.structures, structure);
  if (!s) throw new InputError('structure', `no structure "${structure}" in the case (has: ${c.structures.map((x) => x.name).join(', ')})`);
  const grid = c.grid;
  const [nx, ny, nz] = grid.shape;
  const outside = new Uint8Array(256);
  for (const name of OUTSIDE_STRUCTURES) {
    const o = structureByName(c.structures, name);
    if (o) outside[o.label] = 1;
  }
  // Voxel-index velocity of a ray moving against the beam: dv/dt = A⁻¹ · (−b) · 1000 (t in m, affine in mm).
  const b = c.couch.beamDirection;
  const m = grid.affine;
  const inv = invert3([m[0], m[1], m[2], m[4], m[5], m[6], m[8], m[9], m[10]]);
  const back: Vec3 = [-b[0] * 1000, -b[1] * 1000, -b[2] * 1000];
  const vx = inv[0] * back[0] + inv[1] * back[1] + inv[2] * back[2];
  const vy = inv[3] * back[0] + inv[4] * back[1] + inv[5] * back[2];
  const vz = inv[6] * back[0] + inv[7] * back[1] + inv[8] * back[2];
  const step = 0.5 * Math.min(grid.spacing[0], grid.spacing[1], grid.spacing[2]);
  const sx = vx * step;
  const sy = vy * step;
  const sz = vz * step;
  const labels = c.labels;
  const target = s.label;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let skinFound = true;
  let found = false;
  for (let k = 0, idx = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, idx++) {
        if (labels[idx] !== target) continue;
        found = true;
        let x = i;
        let y = j;
        let z = k;
        let n = 0;
        let depth = -1;
        for (;;) {
          x += sx;
          y += sy;
          z += sz;
          n++;
          const ri = Math.round(x);
          const rj = Math.round(y);
          const rk = Math.round(z);
          if (ri < 0 || rj < 0 || rk < 0 || ri >= nx || rj >= ny || rk >= nz) {
            skinFound = false;
            depth = n * step;
            break;
          }
          if (outside[labels[ri + nx * (rj + ny * rk)]]) {
            depth = (n - 0.5) * step;
            break;
          }
        }
        if (depth < min) min = depth;
        if (depth > max) max = depth;
      }
    }
  }
  if (!found) throw new InputError('structure', `structure "${s.name}" (label ${s.label}) has no voxels`);
  return { min, max, skinFound };
}

function invert3(a: number[]): number[] {
  const det = a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6]);
  if (!(Math.abs(det) > 0)) throw new InputError('grid.affine', 'is singular');
  return [
    (a[4] * a[8] - a[5] * a[7]) / det,
    -(a[1] * a[8] - a[2] * a[7]) / det,
    (a[1] * a[5] - a[2] * a[4]) / det,
    -(a[3] * a[8] - a[5] * a[6]) / det,
    (a[0] * a[8] - a[2] * a[6]) / det,
    -(a[0] * a[5] - a[2] * a[3]) / det,
    (a[3] * a[7] - a[4] * a[6]) / det,
    -(a[0] * a[7] - a[1] * a[6]) / det,
    (a[0] * a[4] - a[1] * a[3]) / det,
  ];
}

/**
 * The tissue of every structure, with the case's overrides applied (tissue-table.ts getTissue/withOverrides).
 * Returned as a 256-entry table indexed by label value (undefined where no structure has the label).
 */
export function tissuesByLabel(c: Pick<Case, 'structures' | 'tissueOverrides'>): Array<Tissue | undefined> {
  const out: Array<Tissue | undefined> = new Array(256).fill(undefined);
  for (const s of c.structures) {
    const base = getTissue(s.tissue, `structures.${s.name}.tissue`);
    const o = c.tissueOverrides[s.name];
    out[s.label] = o ? withOverrides(base, o, `tissueOverrides.${s.name}`) : base;
  }
  return out;
}

/**
 * Per-voxel tissues of a case: `tissues` (one entry per structure, overrides applied, in structure order)
 * and `index` (tissue index per voxel, x fastest). A voxel whose label no structure names is an InputError.
 */
export function voxelTissues(c: Pick<Case, 'labels' | 'structures' | 'tissueOverrides'>): {
  tissues: Tissue[];
  structureNames: string[];
  index: Uint8Array;
} {
  const byLabel = tissuesByLabel(c);
  const slot = new Int16Array(256).fill(-1);
  const tissues: Tissue[] = [];
  const structureNames: string[] = [];
  c.structures.forEach((s, k) => {
    slot[s.label] = k;
    tissues.push(byLabel[s.label]!);
    structureNames.push(s.name);
  });
  const labels = c.labels;
  const index = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const k = slot[labels[i]];
    if (k < 0) throw new InputError('case.labels', `label ${labels[i]} (voxel ${i}) is not named by any structure`);
    index[i] = k;
  }
  return { tissues, structureNames, index };
}

/**
 * Skin voxels through which a beam may enter: skin voxels with a water (or air) face-neighbour, whose
 * distance from the skin-entry centre, measured perpendicular to the entry normal, is within the radius.
 * Returns a 0/1 mask on the case grid.
 */
export function skinEntryMask(c: Pick<Case, 'grid' | 'labels' | 'structures' | 'skinEntry'>): Uint8Array {
  const [nx, ny, nz] = c.grid.shape;
  const labels = c.labels;
  const mask = new Uint8Array(labels.length);
  const skin = structureByName(c.structures, 'skin');
  if (!skin) return mask;
  const outside = new Uint8Array(256);
  for (const name of OUTSIDE_STRUCTURES) {
    const o = structureByName(c.structures, name);
    if (o) outside[o.label] = 1;
  }
  const { center, normal, radius } = c.skinEntry;
  const m = c.grid.affine;
  const r2 = radius * radius;
  const nxy = nx * ny;
  for (let k = 0, idx = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, idx++) {
        if (labels[idx] !== skin.label) continue;
        const touches =
          (i > 0 && outside[labels[idx - 1]]) ||
          (i < nx - 1 && outside[labels[idx + 1]]) ||
          (j > 0 && outside[labels[idx - nx]]) ||
          (j < ny - 1 && outside[labels[idx + nx]]) ||
          (k > 0 && outside[labels[idx - nxy]]) ||
          (k < nz - 1 && outside[labels[idx + nxy]]);
        if (!touches) continue;
        const dx = (m[0] * i + m[1] * j + m[2] * k + m[3]) / 1000 - center[0];
        const dy = (m[4] * i + m[5] * j + m[6] * k + m[7]) / 1000 - center[1];
        const dz = (m[8] * i + m[9] * j + m[10] * k + m[11]) / 1000 - center[2];
        const along = dx * normal[0] + dy * normal[1] + dz * normal[2];
        if (dx * dx + dy * dy + dz * dz - along * along <= r2) mask[idx] = 1;
      }
    }
  }
  return mask;
}

/**
 * Mean voxel index (fractional) of the voxels holding `label`, or null when there is none. The voxel→RAS map
 * is affine, so the RAS centroid is this index through the grid's affine.
 */
export function labelCentroidVoxel(labels: Uint8Array, grid: Grid3D, label: number): Vec3 | null {
  const [nx, ny] = grid.shape;
  let si = 0;
  let sj = 0;
  let sk = 0;
  let n = 0;
  for (let idx = 0; idx < labels.length; idx++) {
    if (labels[idx] !== label) continue;
    const i = idx % nx;
    const rest = (idx - i) / nx;
    const j = rest % ny;
    si += i;
    sj += j;
    sk += (rest - j) / ny;
    n++;
  }
  return n ? [si / n, sj / n, sk / n] : null;
}
