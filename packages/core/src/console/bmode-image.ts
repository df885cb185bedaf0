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
 * What a B-mode frame's pixels keep from frame to frame while the focus, the beam and the anatomy's displacement
 * stay: each pixel's tissue echo, speckle, attenuation and time-gain (its amplitude without bubbles), whether it
 * lies in a shadow, and the bubble voxel it sees. Only the bubbles and the electronic noise change per frame.
 */
interface BModeLayer {
  readonly key: string;
  readonly c: Case;
  readonly bubbleGrid: Grid3D | null;
  readonly width: number;
  readonly height: number;
  readonly pixelSize: [number, number];
  /** per pixel (x + W·y): echo level (dB) before bubbles, two-way loss above the pixel (dB), speckle amplitude */
  readonly level: Float64Array;
  readonly loss: Float64Array;
  readonly rayleigh: Float64Array;
  /** per pixel: the amplitude without bubbles; 1 where the pixel is in a shadow; bubble voxel index or −1 */
  readonly base: Float64Array;
  readonly shadow: Uint8Array;
  readonly bubbleVoxel: Int32Array;
  /** per row: time-gain compensation (dB) */
  readonly tgc: Float64Array;
  readonly seed: number;
}

function layerKey(o: BModeOptions): string {
  const d = o.displacement ?? [0, 0, 0];
  return [
    ...o.focus,
    ...o.beam,
    o.focalDistance,
    o.width ?? 128,
    o.height ?? 192,
    o.fieldWidth ?? 0.08,
    o.depth ?? o.focalDistance + 0.04,
    o.frequency ?? 3.5e6,
    ...d,
    o.seed ?? 1,
  ].join(',');
}

function buildLayer(c: Case, o: BModeOptions): BModeLayer {
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
  const n = W * H;
  const level = new Float64Array(n);
  const loss = new Float64Array(n);
  const rayleighOf = new Float64Array(n);
  const base = new Float64Array(n);
  const shadowOf = new Uint8Array(n);
  const bubbleVoxel = new Int32Array(n).fill(-1);
  const tgcOf = new Float64Array(H);
  const bg = o.bubbles?.grid ?? null;
  const v = [0, 0, 0];
  const bv = [0, 0, 0];
  for (let y = 0; y < H; y++) tgcOf[y] = 0.5 * f * 2 * ((y + 0.5) * dz) * 100;
  for (let x = 0; x < W; x++) {
    const s = (x + 0.5) * dx - fieldWidth / 2;
    let lossDb = 0;
    let shadow = false;
    for (let y = 0; y < H; y++) {
      const i = x + W * y;
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
      level[i] = ECHO_DB[name] ?? 0;
      if (bg) {
        rasMmToVoxel(bg, p[0] * 1000, p[1] * 1000, p[2] * 1000, bv);
        const [gx, gy, gz] = bg.shape;
        const gi = Math.round(bv[0]);
        const gj = Math.round(bv[1]);
        const gk = Math.round(bv[2]);
        if (gi >= 0 && gj >= 0 && gk >= 0 && gi < gx && gj < gy && gk < gz) bubbleVoxel[i] = gi + gx * (gj + gy * gk);
      }
      // speckle fixed to the anatomy: seeded by the anatomical position on a 0.3 mm lattice
      const u = 1 - hash(Math.round(p[0] / 3e-4), Math.round(p[1] / 3e-4), Math.round(p[2] / 3e-4), seed);
      rayleighOf[i] = Math.sqrt(-2 * Math.log(u)) / Math.SQRT2;
      loss[i] = lossDb;
      shadowOf[i] = shadow ? 1 : 0;
      base[i] = 10 ** ((level[i] - lossDb + tgcOf[y]) / 20) * rayleighOf[i];
      const alpha = t ? t.attenuationDbPerCmMHz * f ** t.powerLawExponent : 0;
      lossDb += Math.min(2 * alpha * dz * 100, 200);
      if (SHADOWING.has(name) || t?.reflector) shadow = true;
    }
  }
  return {
    key: layerKey(o),
    c,
    bubbleGrid: bg,
    width: W,
    height: H,
    pixelSize: [dx, dz],
    level,
    loss,
    rayleigh: rayleighOf,
    base,
    shadow: shadowOf,
    bubbleVoxel,
    tgc: tgcOf,
    seed,
  };
}

/** One frame from a layer: bubbles (+25 dB at fraction 1) and electronic noise, then 60 dB log compression. */
function frameOf(layer: BModeLayer, o: BModeOptions): BModeImage {
  const { width: W, height: H } = layer;
  const frame = o.frame ?? 0;
  const seed = layer.seed;
  const fraction = o.bubbles?.fraction ?? null;
  const data = new Uint8Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = x + W * y;
      const electronic = 0.02 * hash(x, y, frame, seed ^ 0x5bd1e995);
      let amp: number;
      if (layer.shadow[i] === 1) amp = electronic;
      else {
        const bi = layer.bubbleVoxel[i];
        const bubble = fraction && bi >= 0 ? 25 * Math.min(1, fraction[bi]) : 0;
        amp =
          bubble === 0
            ? layer.base[i] + electronic
            : 10 ** ((layer.level[i] + bubble - layer.loss[i] + layer.tgc[y]) / 20) * layer.rayleigh[i] + electronic;
      }
      const db = 20 * Math.log10(Math.max(amp, 1e-6));
      data[i] = Math.max(0, Math.min(255, Math.round(((db + 40) / 60) * 255)));
    }
  return { width: W, height: H, data, pixelSize: layer.pixelSize };
}

/**
 * A B-mode-like image in the plane of the coaxial imaging probe (beam axis and the patient's left-right axis, or
 * another axis if the beam runs along it): each pixel's tissue from the case labels, its echo level (ECHO_DB),
 * fully developed speckle (Rayleigh amplitude, Burckhardt CB, IEEE Trans Sonics Ultrason 1978;25:1–6) fixed to
 * the anatomy (moves with it), two-way attenuation at the imaging frequency through the tissues above the pixel
 * (tissue table α0·f^y) compensated by a time-gain control of 0.5 dB/cm/MHz, shadows behind gas and bone, bubbles
 * bright (+25 dB at fraction 1), then 60 dB log compression to 8 bits. (A BModeRenderer draws the same frames
 * and keeps what does not change between them.)
 */
export function renderBMode(c: Case, o: BModeOptions): BModeImage {
  return frameOf(buildLayer(c, o), o);
}

/**
 * Draws B-mode frames (renderBMode's, number for number) keeping the per-pixel anatomy, speckle and attenuation
 * of the last focus, beam and displacement: a frame then costs its bubbles, noise and log compression only (the
 * console draws ten a second at one focus).
 */
export class BModeRenderer {
  private layer: BModeLayer | null = null;

  render(c: Case, o: BModeOptions): BModeImage {
    const key = layerKey(o);
    const l = this.layer;
    const grid = o.bubbles?.grid ?? null;
    if (!l || l.key !== key || l.c !== c || (grid !== null && l.bubbleGrid !== grid)) this.layer = buildLayer(c, o);
    return frameOf(this.layer as BModeLayer, o);
  }
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
