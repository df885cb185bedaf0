import type { Case } from '../case/case.js';
import { tissuesByLabel } from '../case/case-metrics.js';
import { type Grid3D, type Vec3, createGrid, rasMmToVoxel, voxelCount, voxelToRasMm } from '../grid/grid3d.js';
import { type ThermalMaterial, type ThermalMedium, labelledThermalMedium } from '../thermal/thermal-medium.js';
import { getTissue } from '../tissue/tissue-table.js';
import type { BeamPatch } from './treatment-sources.js';

// Grids for the thermal side of planning: boxes along the case grid's axes at another spacing, the case's labels
// and materials on them, and the boxes that beam patches occupy.

/** A grid along the case grid's axes with a new spacing, covering the RAS box [lo, hi] (m). */
export function alignedGrid(caseGrid: Grid3D, spacing: number, lo: Vec3, hi: Vec3): Grid3D {
  const m = caseGrid.affine;
  const axes: Vec3[] = [0, 1, 2].map((a) => {
    const col: Vec3 = [m[a], m[4 + a], m[8 + a]];
    const n = Math.hypot(col[0], col[1], col[2]);
    return [col[0] / n, col[1] / n, col[2] / n] as Vec3;
  });
  // The box's corners in the axes' coordinates give the extent along each axis.
  let min = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  let max = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (let c = 0; c < 8; c++) {
    const p = [c & 1 ? hi[0] : lo[0], c & 2 ? hi[1] : lo[1], c & 4 ? hi[2] : lo[2]];
    for (let a = 0; a < 3; a++) {
      const d = p[0] * axes[a][0] + p[1] * axes[a][1] + p[2] * axes[a][2];
      min[a] = Math.min(min[a], d);
      max[a] = Math.max(max[a], d);
    }
  }
  // Snap to the spacing so that sources built on these axes land on voxels.
  min = min.map((v) => Math.floor(v / spacing) * spacing);
  max = max.map((v) => Math.ceil(v / spacing) * spacing);
  const shape = [0, 1, 2].map((a) => Math.round((max[a] - min[a]) / spacing) + 1) as unknown as Vec3;
  const o = [0, 1, 2].map((r) => (min[0] * axes[0][r] + min[1] * axes[1][r] + min[2] * axes[2][r]) * 1000);
  const s = spacing * 1000;
  const affine = [
    axes[0][0] * s,
    axes[1][0] * s,
    axes[2][0] * s,
    o[0],
    axes[0][1] * s,
    axes[1][1] * s,
    axes[2][1] * s,
    o[1],
    axes[0][2] * s,
    axes[1][2] * s,
    axes[2][2] * s,
    o[2],
    0,
    0,
    0,
    1,
  ];
  return createGrid(shape, [spacing, spacing, spacing], [0, 0, 0], affine);
}

/** The case's labels sampled (nearest voxel) on another grid; outside the case: the "water" label or 0. */
export function sampleLabels(c: Case, grid: Grid3D): Uint8Array {
  const out = new Uint8Array(voxelCount(grid));
  const [nx, ny, nz] = grid.shape;
  const [cx, cy, cz] = c.grid.shape;
  const outside = c.structures.find((s) => s.name === 'water')?.label ?? 0;
  const mm = [0, 0, 0];
  const v = [0, 0, 0];
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        voxelToRasMm(grid, i, j, k, mm);
        rasMmToVoxel(c.grid, mm[0], mm[1], mm[2], v);
        const a = Math.round(v[0]),
          b = Math.round(v[1]),
          d = Math.round(v[2]);
        out[i + nx * (j + ny * k)] = a >= 0 && b >= 0 && d >= 0 && a < cx && b < cy && d < cz ? c.labels[a + cx * (b + cy * d)] : outside;
      }
  return out;
}

/**
 * One thermal material per label value (256 slots; unused ones water), with the case's overrides. Gas (bowel
 * gas, air) keeps its low conductivity but takes water's volumetric heat capacity: with air's own ρC
 * (1.2 kJ/m³/K) its diffusivity would force explicit steps of milliseconds, while the heat it stores is
 * negligible either way (no sound enters gas, and it insulates).
 */
export function caseMaterials(c: Case): ThermalMaterial[] {
  const byLabel = tissuesByLabel(c);
  const water = getTissue('water');
  return byLabel.map((t) => {
    if (!t) return water;
    if (t.reflector)
      return { name: t.name, density: water.density, specificHeat: water.specificHeat, conductivity: t.conductivity, perfusion: 0 };
    return t;
  });
}

/** RAS bounding box (m) of a structure's voxels. */
export function structureBox(c: Case, label: number): { lo: Vec3; hi: Vec3 } {
  const [nx, ny] = c.grid.shape;
  const lo = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  const hi = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  const mm = [0, 0, 0];
  for (let i = 0; i < c.labels.length; i++) {
    if (c.labels[i] !== label) continue;
    voxelToRasMm(c.grid, i % nx, Math.floor(i / nx) % ny, Math.floor(i / (nx * ny)), mm);
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a], mm[a] / 1000);
      hi[a] = Math.max(hi[a], mm[a] / 1000);
    }
  }
  return { lo: lo as unknown as Vec3, hi: hi as unknown as Vec3 };
}

/** RAS box (m) of a patch placed at a focus: its 8 corners. */
export function patchBox(p: BeamPatch, focus: Vec3): { lo: Vec3; hi: Vec3 } {
  const s = p.source.shape;
  const c = p.source.centre;
  const lo = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  const hi = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (let corner = 0; corner < 8; corner++) {
    const idx = [corner & 1 ? s[0] - 1 : 0, corner & 2 ? s[1] - 1 : 0, corner & 4 ? s[2] - 1 : 0];
    for (let r = 0; r < 3; r++) {
      let v = focus[r];
      for (let a = 0; a < 3; a++) v += (idx[a] - c[a]) * p.spacing[a] * p.axes[a][r];
      lo[r] = Math.min(lo[r], v);
      hi[r] = Math.max(hi[r], v);
    }
  }
  return { lo: lo as unknown as Vec3, hi: hi as unknown as Vec3 };
}

/** 1 for voxels of `grid` whose centre lies outside the box of `inner` (the fine domain resolves those inside). */
export function outsideMask(grid: Grid3D, inner: Grid3D): Uint8Array {
  const [nx, ny, nz] = grid.shape;
  const [ix, iy, iz] = inner.shape;
  const out = new Uint8Array(nx * ny * nz);
  const mm = [0, 0, 0];
  const v = [0, 0, 0];
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        voxelToRasMm(grid, i, j, k, mm);
        rasMmToVoxel(inner, mm[0], mm[1], mm[2], v);
        const inside = v[0] >= -0.5 && v[1] >= -0.5 && v[2] >= -0.5 && v[0] <= ix - 0.5 && v[1] <= iy - 0.5 && v[2] <= iz - 0.5;
        out[i + nx * (j + ny * k)] = inside ? 0 : 1;
      }
  return out;
}

/** Grid-frame position (m) of a RAS point on a grid built by alignedGrid (origin 0, spacing along its axes). */
export function gridFrame(grid: Grid3D, ras: Vec3): Vec3 {
  const v = rasMmToVoxel(grid, ras[0] * 1000, ras[1] * 1000, ras[2] * 1000);
  return [grid.origin[0] + v[0] * grid.spacing[0], grid.origin[1] + v[1] * grid.spacing[1], grid.origin[2] + v[2] * grid.spacing[2]];
}

/**
 * The case's tissues as a thermal medium on `grid`: labels sampled from the case, materials compacted to the
 * labels present (the solvers' coefficient tables grow with the square of the material count). Returns the
 * medium and the case label values per voxel (for outcome metrics by structure).
 */
export function caseThermalMedium(c: Case, grid: Grid3D): { medium: ThermalMedium; labels: Uint8Array } {
  const labels = sampleLabels(c, grid);
  const all = caseMaterials(c);
  const slot = new Int16Array(256).fill(-1);
  const materials: ThermalMaterial[] = [];
  const compact = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (slot[l] < 0) {
      slot[l] = materials.length;
      materials.push(all[l]);
    }
    compact[i] = slot[l];
  }
  return { medium: labelledThermalMedium(grid, compact, materials), labels };
}

/**
 * A beam patch on a grid `factor` times coarser along each axis: each coarse voxel holds the mean of its
 * factor³ sub-voxels (missing ones count as zero), so Σ q·dV (the power) is kept. The focus voxel maps to the
 * block holding it (position error ≤ one coarse voxel, fine for near-field heat).
 */
export function coarsenPatch(p: BeamPatch, factor: number): BeamPatch {
  const [sx, sy, sz] = p.source.shape;
  const shape: Vec3 = [Math.ceil(sx / factor), Math.ceil(sy / factor), Math.ceil(sz / factor)];
  const q = new Float32Array(shape[0] * shape[1] * shape[2]);
  const w = 1 / factor ** 3;
  for (let k = 0; k < sz; k++)
    for (let j = 0; j < sy; j++)
      for (let i = 0; i < sx; i++) {
        const v = p.source.q[i + sx * (j + sy * k)];
        if (v !== 0) q[((i / factor) | 0) + shape[0] * (((j / factor) | 0) + shape[1] * ((k / factor) | 0))] += v * w;
      }
  const c = p.source.centre;
  return {
    ...p,
    source: {
      ...p.source,
      q,
      shape,
      centre: [Math.floor(c[0] / factor), Math.floor(c[1] / factor), Math.floor(c[2] / factor)],
      offset: [0, 0, 0],
    },
    spacing: [p.spacing[0] * factor, p.spacing[1] * factor, p.spacing[2] * factor],
  };
}
