import { type BModeImage, type Grid3D, type Vec3, rasMmToVoxel, voxelToRasMm } from '@openfuas/core';

/**
 * The console's pictures as RGBA pixels, computed in the console worker (no DOM, so the Node benchmark times the
 * same code): the B-mode frame in grey, and a slice of a volume on a grid along the case axes (MR thermometry map,
 * or the true temperature in the review) through the focus, in the plane that holds the beam, with the transducer
 * side at the top, the 17 and 240 CEM43 contours drawn on the voxel edges.
 */
export interface RgbaImage {
  width: number;
  height: number;
  /** RGBA, row-major, top row first */
  rgba: Uint8ClampedArray;
}

/** The B-mode frame's grey levels as RGBA. */
export function bmodeRgba(img: BModeImage): RgbaImage {
  const n = img.width * img.height;
  const rgba = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    const g = img.data[i];
    rgba[4 * i] = g;
    rgba[4 * i + 1] = g;
    rgba[4 * i + 2] = g;
    rgba[4 * i + 3] = 255;
  }
  return { width: img.width, height: img.height, rgba };
}

/** A plane of voxels through a point: `voxel(h, v)` is the index of the voxel shown at column h, row v. */
export interface SlicePlane {
  width: number;
  height: number;
  voxel: (h: number, v: number) => number;
  /** column and row (voxel units, may be fractional) of a RAS point (m) in the plane */
  project: (p: Vec3) => { h: number; v: number; off: number };
}

/**
 * The slice of `grid` through `point` (RAS m) holding the beam: rows along the grid axis closest to the beam
 * (the transducer side on top), columns along the next (left-right where possible), at the point's voxel on the
 * third axis.
 */
export function slicePlane(grid: Grid3D, point: Vec3, beam: Vec3): SlicePlane {
  const o = [0, 0, 0];
  voxelToRasMm(grid, 0, 0, 0, o);
  const axis = [0, 1, 2].map((a) => {
    const p = [0, 0, 0];
    voxelToRasMm(grid, a === 0 ? 1 : 0, a === 1 ? 1 : 0, a === 2 ? 1 : 0, p);
    return [p[0] - o[0], p[1] - o[1], p[2] - o[2]];
  });
  const along = axis.map((d) => (d[0] * beam[0] + d[1] * beam[1] + d[2] * beam[2]) / Math.hypot(d[0], d[1], d[2]));
  let vAxis = 0;
  for (let a = 1; a < 3; a++) if (Math.abs(along[a]) > Math.abs(along[vAxis])) vAxis = a;
  const hAxis = vAxis === 0 ? 2 : 0;
  const sAxis = 3 - vAxis - hAxis;
  const flipV = along[vAxis] < 0;
  const shape = grid.shape;
  const stride = [1, shape[0], shape[0] * shape[1]];
  const v0 = [0, 0, 0];
  rasMmToVoxel(grid, point[0] * 1000, point[1] * 1000, point[2] * 1000, v0);
  const s = Math.min(shape[sAxis] - 1, Math.max(0, Math.round(v0[sAxis])));
  const W = shape[hAxis];
  const H = shape[vAxis];
  const tmp = [0, 0, 0];
  return {
    width: W,
    height: H,
    voxel: (h, v) => h * stride[hAxis] + (flipV ? H - 1 - v : v) * stride[vAxis] + s * stride[sAxis],
    project: (p) => {
      rasMmToVoxel(grid, p[0] * 1000, p[1] * 1000, p[2] * 1000, tmp);
      const vv = flipV ? H - 1 - tmp[vAxis] : tmp[vAxis];
      return { h: tmp[hAxis], v: vv, off: Math.abs(tmp[sAxis] - s) };
    },
  };
}

/** Heat colours from 40 °C (dark red) through 60 °C (orange) and 80 °C (yellow) to 100 °C (white). */
export function heatColor(t: number, out: number[]): boolean {
  if (!(t >= 40)) return false;
  const f = Math.min(1, (t - 40) / 60);
  out[0] = 140 + 115 * Math.min(1, f * 2);
  out[1] = 255 * Math.max(0, Math.min(1, (f - 0.3) / 0.5));
  out[2] = 255 * Math.max(0, (f - 0.8) / 0.2);
  return true;
}

export interface SliceLayers {
  /** grey 0..255 per voxel of the grid (anatomy) */
  anatomy: Uint8Array;
  /** °C per voxel, or null (no temperature layer) */
  temperature: ArrayLike<number> | null;
  /** 1 where the temperature is measured (MR: voxels with PRF signal); absent: everywhere */
  valid?: Uint8Array;
  /** CEM43 min per voxel (contours at 17 and 240), or null */
  dose: ArrayLike<number> | null;
}

/** pixels per voxel of the slice images */
export const SLICE_SCALE = 4;
const CONTOURS: Array<{ level: number; rgb: [number, number, number] }> = [
  { level: 17, rgb: [255, 214, 10] },
  { level: 240, rgb: [255, 40, 40] },
];

/**
 * Renders a slice: anatomy grey, voxels without signal hatched dark, the temperature in heat colours over it
 * (≥ 40 °C), and the 17 / 240 CEM43 contours along the edges between voxels on either side of each level.
 */
export function renderSlice(plane: SlicePlane, layers: SliceLayers): RgbaImage {
  const k = SLICE_SCALE;
  const W = plane.width * k;
  const H = plane.height * k;
  const rgba = new Uint8ClampedArray(W * H * 4);
  const c = [0, 0, 0];
  for (let v = 0; v < plane.height; v++)
    for (let h = 0; h < plane.width; h++) {
      const i = plane.voxel(h, v);
      const g = layers.anatomy[i];
      let r = g;
      let gg = g;
      let b = g;
      const measured = layers.valid ? layers.valid[i] === 1 : true;
      if (layers.temperature && measured && heatColor(layers.temperature[i], c)) {
        r = 0.25 * g + 0.75 * c[0];
        gg = 0.25 * g + 0.75 * c[1];
        b = 0.25 * g + 0.75 * c[2];
      }
      for (let y = 0; y < k; y++)
        for (let x = 0; x < k; x++) {
          const p = 4 * ((v * k + y) * W + h * k + x);
          const hatch = !measured && layers.temperature && (x + y) % 4 === 0;
          rgba[p] = hatch ? 20 : r;
          rgba[p + 1] = hatch ? 20 : gg;
          rgba[p + 2] = hatch ? 30 : b;
          rgba[p + 3] = 255;
        }
    }
  const dose = layers.dose;
  if (dose) {
    const paint = (x: number, y: number, rgb: [number, number, number]) => {
      if (x < 0 || y < 0 || x >= W || y >= H) return;
      const p = 4 * (y * W + x);
      rgba[p] = rgb[0];
      rgba[p + 1] = rgb[1];
      rgba[p + 2] = rgb[2];
    };
    for (const { level, rgb } of CONTOURS)
      for (let v = 0; v < plane.height; v++)
        for (let h = 0; h < plane.width; h++) {
          if (!(dose[plane.voxel(h, v)] >= level)) continue;
          // an edge of the region: the neighbour across it is below the level (or outside the slice)
          if (h === 0 || !(dose[plane.voxel(h - 1, v)] >= level)) for (let y = 0; y < k; y++) paint(h * k, v * k + y, rgb);
          if (h === plane.width - 1 || !(dose[plane.voxel(h + 1, v)] >= level))
            for (let y = 0; y < k; y++) paint(h * k + k - 1, v * k + y, rgb);
          if (v === 0 || !(dose[plane.voxel(h, v - 1)] >= level)) for (let x = 0; x < k; x++) paint(h * k + x, v * k, rgb);
          if (v === plane.height - 1 || !(dose[plane.voxel(h, v + 1)] >= level))
            for (let x = 0; x < k; x++) paint(h * k + x, v * k + k - 1, rgb);
        }
  }
  return { width: W, height: H, rgba };
}

/** Anatomy grey per label of a label volume (water and fluid dark, fat mid, muscle and fibroid grey, bright bone). */
export function anatomyGrey(labels: Uint8Array, greyOfLabel: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = greyOfLabel[labels[i]] ?? 0;
  return out;
}

const TISSUE_GREY: Readonly<Record<string, number>> = {
  water: 25,
  bladder: 35,
  skin: 120,
  fat: 170,
  muscle: 85,
  uterus: 105,
  endometrium: 140,
  fibroid: 70,
  bowel: 110,
  'bowel-gas': 10,
  bone: 210,
  'soft-tissue': 95,
};

/** A display grey (T2-like contrast) per label value of a case's structures. */
export function greyOfLabels(structures: ReadonlyArray<{ name: string; label: number; tissue: string }>): Uint8Array {
  const out = new Uint8Array(256);
  for (const s of structures) out[s.label] = TISSUE_GREY[s.name] ?? TISSUE_GREY[s.tissue] ?? 90;
  return out;
}
