import type { Case } from '../case/case.js';
import { tissuesByLabel } from '../case/case-metrics.js';
import { type Grid3D, type Vec3, rasMmToVoxel } from '../grid/grid3d.js';

/**
 * Display echo level (dB relative to muscle) of each tissue on B-mode. These are not measurements: they reproduce
 * the textbook appearance (fluid anechoic; fat hypoechoic; fibroids hypo- to isoechoic; bowel wall and bone
 * surfaces bright, with an acoustic shadow behind gas and bone), enough for a training image.
 */
const ECHO_DB: Readonly<Record<string, number>> = {
  water: -60,
  bladder: -55,
  skin: 6,
  fat: -8,
  muscle: 0,
  uterus: -2,
  endometrium: 4,
  fibroid: -5,
  bowel: 6,
  'bowel-gas': 20,
  bone: 20,
  'soft-tissue': -2,
};

/** Tissues that stop the imaging beam (total reflection): nothing is seen behind them. */
const SHADOWING = new Set(['bowel-gas', 'bone', 'air']);

export interface BModeOptions {
  /** RAS m: the point the image is centred on laterally and in depth (the focus) */
  readonly focus: Vec3;
  /** unit RAS vector of the beam (the coaxial probe looks along it) */
  readonly beam: Vec3;
  /** m from the probe (at the bowl's apex) to the focus: the bowl's radius of curvature */
  readonly focalDistance: number;
  /** pixels across and in depth (default 128 × 192) */
  readonly width?: number;
  readonly height?: number;
  /** m imaged across (default 80 mm) and in depth from the probe (default focalDistance + 40 mm) */
  readonly fieldWidth?: number;
  readonly depth?: number;
  /** Hz, imaging frequency (default 3.5 MHz, the JC200's coaxial convex probe: devices-and-protocol.md) */
  readonly frequency?: number;
  /** m, displacement of the anatomy (target motion) */
  readonly displacement?: Vec3;
  /** speckle realisation (the tissue pattern) and frame (electronic noise) seeds */
  readonly seed?: number;
  readonly frame?: number;
  /**
   * Bubbles (hyperechoic greyscale change): level 0..1 per voxel of `grid`; the console passes the patient's boiling
   * greyscale (thermal/boiling.ts, issue 11: onset, growth, fading over minutes).
   */
  readonly bubbles?: { readonly grid: Grid3D; readonly fraction: ArrayLike<number> };
}

/** A greyscale image: `data[x + width·y]`, y = depth from the probe, 0..255 after log compression. */
export interface BModeImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
  /** m per pixel across and in depth */
  readonly pixelSize: [number, number];
}

function hash(a: number, b: number, c: number, seed: number): number {
  let h = (Math.imul(a, 0x27d4eb2d) ^ Math.imul(b, 0x165667b1) ^ Math.imul(c, 0x9e3779b1) ^ seed) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/**
 * A B-mode-like image in the plane of the coaxial imaging probe (beam axis and the patient's left-right axis, or
 * another axis if the beam runs along it): each pixel's tissue from the case labels, its echo level (ECHO_DB),
 * fully developed speckle (Rayleigh amplitude, Burckhardt CB, IEEE Trans Sonics Ultrason 1978;25:1–6) fixed to
 * the anatomy (moves with it), two-way attenuation at the imaging frequency through the tissues above the pixel
 * (tissue table α0·f^y) compensated by a time-gain control of 0.5 dB/cm/MHz, shadows behind gas and bone, bubbles
 * bright (+25 dB at fraction 1), then 60 dB log compression to 8 bits.
 */
export function renderBMode(c: Case, o: BModeOptions): BModeImage {
  const W = o.width ?? 128;
  const H = o.height ?? 192;
  const fieldWidth = o.fieldWidth ?? 0.08;
  const depth = o.depth ?? o.focalDistance + 0.04;
  const f = (o.frequency ?? 3.5e6) / 1e6;
  const b = o.beam;
  const ref: Vec3 = Math.abs(b[0]) < 0.9 ? [1, 0, 0] : [0, 0, 1];
  const dot = ref[0] * b[0] + ref[1] * b[1] + ref[2] * b[2];
  const lat0 = [ref[0] - dot * b[0], ref[1] - dot * b[1], ref[2] - dot * b[2]];
  const ln = Math.hypot(lat0[0], lat0[1], lat0[2]);
  const lat = [lat0[0] / ln, lat0[1] / ln, lat0[2] / ln];
  const probe = [o.focus[0] - b[0] * o.focalDistance, o.focus[1] - b[1] * o.focalDistance, o.focus[2] - b[2] * o.focalDistance];
  const disp = o.displacement ?? [0, 0, 0];
  const tissues = tissuesByLabel(c);
  const [cx, cy, cz] = c.grid.shape;
  const water = c.structures.find((s) => s.name === 'water')?.label ?? 0;
  const dz = depth / H;
  const dx = fieldWidth / W;
  const seed = o.seed ?? 1;
  const frame = o.frame ?? 0;
  const data = new Uint8Array(W * H);
  const v = [0, 0, 0];
  const bv = [0, 0, 0];
  const amp = new Float64Array(H);
  for (let x = 0; x < W; x++) {
    const s = (x + 0.5) * dx - fieldWidth / 2;
    let lossDb = 0;
    let shadow = false;
    for (let y = 0; y < H; y++) {
      const d = (y + 0.5) * dz;
      // the anatomy moved by disp: the pixel sees the anatomy point p − disp
      const p = [
        probe[0] + b[0] * d + lat[0] * s - disp[0],
        probe[1] + b[1] * d + lat[1] * s - disp[1],
        probe[2] + b[2] * d + lat[2] * s - disp[2],
      ];
      rasMmToVoxel(c.grid, p[0] * 1000, p[1] * 1000, p[2] * 1000, v);
      const a = Math.round(v[0]);
      const bb = Math.round(v[1]);
      const e = Math.round(v[2]);
      const label = a >= 0 && bb >= 0 && e >= 0 && a < cx && bb < cy && e < cz ? c.labels[a + cx * (bb + cy * e)] : water;
      const t = tissues[label];
      const name = t?.name ?? 'water';
      let level = ECHO_DB[name] ?? 0;
      if (o.bubbles) {
        rasMmToVoxel(o.bubbles.grid, p[0] * 1000, p[1] * 1000, p[2] * 1000, bv);
        const [gx, gy, gz] = o.bubbles.grid.shape;
        const i = Math.round(bv[0]);
        const j = Math.round(bv[1]);
        const k = Math.round(bv[2]);
        if (i >= 0 && j >= 0 && k >= 0 && i < gx && j < gy && k < gz) level += 25 * Math.min(1, o.bubbles.fraction[i + gx * (j + gy * k)]);
      }
      // speckle fixed to the anatomy: seeded by the anatomical position on a 0.3 mm lattice
      const u = 1 - hash(Math.round(p[0] / 3e-4), Math.round(p[1] / 3e-4), Math.round(p[2] / 3e-4), seed);
      const rayleigh = Math.sqrt(-2 * Math.log(u)) / Math.SQRT2;
      const electronic = 0.02 * hash(x, y, frame, seed ^ 0x5bd1e995);
      const alpha = t ? t.attenuationDbPerCmMHz * f ** t.powerLawExponent : 0;
      const tgc = 0.5 * f * 2 * d * 100;
      amp[y] = shadow ? electronic : 10 ** ((level - lossDb + tgc) / 20) * rayleigh + electronic;
      lossDb += Math.min(2 * alpha * dz * 100, 200);
      if (SHADOWING.has(name) || t?.reflector) shadow = true;
    }
    for (let y = 0; y < H; y++) {
      const db = 20 * Math.log10(Math.max(amp[y], 1e-6));
      data[x + W * y] = Math.max(0, Math.min(255, Math.round(((db + 40) / 60) * 255)));
    }
  }
  return { width: W, height: H, data, pixelSize: [dx, dz] };
}

/** Mean grey (0..255) in a box of the image around the focus depth: the operator's greyscale-change reading. */
export function focalGrey(img: BModeImage, focalDistance: number, halfWidth = 3e-3, halfDepth = 5e-3): number {
  const [dx, dz] = img.pixelSize;
  const x0 = Math.max(0, Math.floor(img.width / 2 - halfWidth / dx));
  const x1 = Math.min(img.width, Math.ceil(img.width / 2 + halfWidth / dx));
  const y0 = Math.max(0, Math.floor((focalDistance - halfDepth) / dz));
  const y1 = Math.min(img.height, Math.ceil((focalDistance + halfDepth) / dz));
  let s = 0;
  let n = 0;
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      s += img.data[x + img.width * y];
      n++;
    }
  return n > 0 ? s / n : 0;
}
