import type { Grid3D } from '../grid/grid3d.js';
import { rasMmToVoxel, voxelToRasMm } from '../grid/grid3d.js';

/** Anatomical planes through a RAS-aligned case grid. */
export type Plane = 'axial' | 'coronal' | 'sagittal';

/** A scalar map drawn as iso-contours over the slice (e.g. thermal dose on the simulation grid). */
export interface ContourOverlay {
  grid: Grid3D;
  data: Float32Array;
  contours: Array<{ level: number; color: [number, number, number] }>;
}

export interface SliceImageInput {
  /** image grid and intensities (any numeric array, one value per voxel) */
  grid: Grid3D;
  image: ArrayLike<number>;
  /** label map on the same grid; voxels equal to `outlineLabel` get an outline */
  labels?: Uint8Array;
  outlineLabel?: number;
  outlineColor?: [number, number, number];
  overlays?: ContourOverlay[];
  plane: Plane;
  /** slice index along the plane's normal axis (k for axial, j for coronal, i for sagittal) */
  index: number;
  /** integer upsampling factor for display (nearest neighbour) */
  scale?: number;
}

/**
 * Renders one slice of a case as RGBA: the image in grey (window from its 1st to 99th percentile), the outline
 * of one structure, and iso-contours of overlays sampled at each displayed pixel's patient position (so the
 * overlay may live on another grid, e.g. the thermal grid). Display convention: anterior and superior up,
 * patient right on the left of axial and coronal views (radiological); the sagittal view has superior up and
 * anterior on the right, as in the workstation.
 */
export function renderSlice(input: SliceImageInput): { width: number; height: number; rgba: Uint8Array } {
  const { grid, image, plane, index } = input;
  const scale = Math.max(1, Math.floor(input.scale ?? 2));
  const [nx, ny, nz] = grid.shape;
  // (column axis, row axis) in voxel indices; rows run top to bottom.
  const dims = plane === 'axial' ? [nx, ny] : plane === 'coronal' ? [nx, nz] : [ny, nz];
  const w = dims[0],
    h = dims[1];
  // as the workstation (NiiVue, radiological): +i towards patient right (the usual RAS grid) goes leftwards, and in
  // the sagittal view +j towards anterior goes rightwards
  const rightOnLeft = grid.affine[0] >= 0;
  const anteriorRight = grid.affine[5] >= 0;
  const voxelAt = (c: number, r: number): [number, number, number] => {
    const i = rightOnLeft ? w - 1 - c : c;
    if (plane === 'axial') return [i, h - 1 - r, index];
    if (plane === 'coronal') return [i, index, h - 1 - r];
    // anterior on the right, as the workstation's viewer draws the sagittal view (NiiVue, nose right)
    return [index, anteriorRight ? c : w - 1 - c, h - 1 - r];
  };
  const gray = new Float32Array(w * h);
  const lab = new Int32Array(w * h).fill(-1);
  for (let r = 0; r < h; r++)
    for (let c = 0; c < w; c++) {
      const [i, j, k] = voxelAt(c, r);
      const idx = i + nx * (j + ny * k);
      gray[c + w * r] = Number(image[idx]);
      if (input.labels) lab[c + w * r] = input.labels[idx];
    }
  const sorted = Float32Array.from(gray).sort();
  const lo = sorted[Math.floor(0.01 * (sorted.length - 1))];
  const hi = sorted[Math.floor(0.99 * (sorted.length - 1))];
  const W = w * scale,
    H = h * scale;
  const rgba = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const v = gray[Math.floor(x / scale) + w * Math.floor(y / scale)];
      const g = hi > lo ? Math.max(0, Math.min(255, Math.round(((v - lo) / (hi - lo)) * 255))) : 0;
      const o = 4 * (x + W * y);
      rgba[o] = rgba[o + 1] = rgba[o + 2] = g;
      rgba[o + 3] = 255;
    }
  const paint = (x: number, y: number, color: readonly number[]) => {
    const o = 4 * (x + W * y);
    rgba[o] = color[0];
    rgba[o + 1] = color[1];
    rgba[o + 2] = color[2];
  };
  // Structure outline at display resolution: a pixel whose label differs from a 4-neighbour's.
  if (input.labels && input.outlineLabel !== undefined) {
    const color = input.outlineColor ?? [255, 220, 0];
    const at = (x: number, y: number) => lab[Math.floor(x / scale) + w * Math.floor(y / scale)] === input.outlineLabel;
    for (let y = 1; y < H - 1; y++)
      for (let x = 1; x < W - 1; x++)
        if (at(x, y) && (!at(x + 1, y) || !at(x - 1, y) || !at(x, y + 1) || !at(x, y - 1))) paint(x, y, color);
  }
  // Overlay contours, sampled (nearest voxel) at each display pixel's patient position.
  const mm = [0, 0, 0];
  const v = [0, 0, 0];
  for (const overlay of input.overlays ?? []) {
    const [ox, oy, oz] = overlay.grid.shape;
    const field = new Float32Array(W * H).fill(Number.NaN);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const cf = (x + 0.5) / scale - 0.5,
          rf = (y + 0.5) / scale - 0.5;
        const [i, j, k] = voxelAt(cf, rf);
        voxelToRasMm(grid, i, j, k, mm);
        rasMmToVoxel(overlay.grid, mm[0], mm[1], mm[2], v);
        const a = Math.round(v[0]),
          b = Math.round(v[1]),
          c = Math.round(v[2]);
        if (a >= 0 && b >= 0 && c >= 0 && a < ox && b < oy && c < oz) field[x + W * y] = overlay.data[a + ox * (b + oy * c)];
      }
    for (const { level, color } of overlay.contours) {
      const above = (x: number, y: number) => field[x + W * y] >= level;
      for (let y = 1; y < H - 1; y++)
        for (let x = 1; x < W - 1; x++)
          if (above(x, y) && (!above(x + 1, y) || !above(x - 1, y) || !above(x, y + 1) || !above(x, y - 1))) paint(x, y, color);
    }
  }
  return { width: W, height: H, rgba };
}
