import { InputError } from '../errors.js';
import type { Grid3D } from '../grid/grid3d.js';

/**
 * Thermal dose (CEM43 min) above which capillary blood flow stops. Local heating of rat rhabdomyosarcoma BA-1112 to
 * > 43 °C for 40 min (40 CEM43) "virtually eliminated" capillary blood flow, with vessel rupture and haemorrhage,
 * while 40–41 °C for 40 min (≤ 2.5 CEM43) reduced it by half, transiently ("Physiological effects of hyperthermia:
 * response of capillary blood flow and structure to local tumor heating", Radiat Res 1980; abstract at
 * https://scilit.net/publications/4d56e277011190ccc7a88169b6adf68e). The measured condition that stopped flow is
 * taken as the threshold; the review of Yarmolenko PS et al. (Int J Hyperthermia 2011;27:320) places vascular
 * damage thresholds of most tissues in the same tens of CEM43. Independent of any fibroid NPV measurement.
 */
export const VASCULAR_SHUTDOWN_DOSE = 40;

/** What the non-perfused-volume model returns (m³) and its mask. */
export interface NonPerfusedVolume {
  /** voxels where capillary flow stops (dose ≥ VASCULAR_SHUTDOWN_DOSE) or the supply is cut (ischaemic target) */
  mask: Uint8Array;
  /** all non-perfused tissue, m³ */
  volume: number;
  /** non-perfused target tissue, m³ */
  targetVolume: number;
  /** of which non-perfused because its feeding vessels crossed shut-down tissue (ischaemia), m³ */
  ischaemicTargetVolume: number;
}

/**
 * How target tissue beyond the shut-down region loses its supply:
 * - 'network' (default): fibroids are fed from a dense peripheral "vascular capsule" through irregular networks of
 *   vessels inside the tumour (corrosion casts: Walocha JA, Litwin JA, Miodoński AJ. Hum Reprod 2003;18:1088–1093).
 *   Through a network, blood reaches every point connected to the capsule by perfused tissue, around any lesion; a
 *   target voxel is ischaemic when shut-down tissue encloses it, i.e. no face-connected path of perfused voxels leads
 *   from it to perfused tissue outside the target. No parameter: a channel one voxel wide carries supply (vessel
 *   spacing in fibroids is 0.1–0.4 mm, Flake GP et al. Obstet Gynecol Int 2013:285103, below the 0.5 mm voxel).
 * - 'centripetal': the earlier rule, one straight supply path per voxel from the surface along the ray from the
 *   target's centroid, cut by any shut-down voxel on it (no collaterals); kept for comparison in the report: it
 *   over-predicts the non-perfused volume against McDannold et al. Radiology 2006 (validation, outcome-grid section).
 */
export type IschaemiaRule = 'network' | 'centripetal';

/**
 * The volume a contrast-enhanced MRI would show as non-perfused after a treatment:
 *
 * 1. vascular shutdown: tissue whose thermal dose reached VASCULAR_SHUTDOWN_DOSE;
 * 2. ischaemic extension in the target: target tissue whose supply from the fibroid's periphery is cut by shut-down
 *    tissue (IschaemiaRule; default 'network').
 *
 * `exclude` labels (coupling water, air) never count and carry no supply.
 */
export function nonPerfusedVolume(input: {
  grid: Grid3D;
  labels: ArrayLike<number>;
  dose: ArrayLike<number>;
  targetLabel: number;
  exclude?: readonly number[];
  shutdownDose?: number;
  /** the ischaemic extension's rule (true: 'network'); false: vascular shutdown only */
  ischaemia?: boolean | IschaemiaRule;
}): NonPerfusedVolume {
  const { grid, labels, dose, targetLabel } = input;
  const [nx, ny, nz] = grid.shape;
  const n = nx * ny * nz;
  if (labels.length !== n || dose.length !== n) throw new InputError('nonPerfusedVolume', `labels and dose must have ${n} voxels`);
  const threshold = input.shutdownDose ?? VASCULAR_SHUTDOWN_DOSE;
  if (!(threshold > 0)) throw new InputError('shutdownDose', `must be > 0, got ${threshold}`);
  const rule = input.ischaemia === undefined || input.ischaemia === true ? 'network' : input.ischaemia;
  if (rule !== false && rule !== 'network' && rule !== 'centripetal')
    throw new InputError('ischaemia', `must be true, false, "network" or "centripetal", got ${JSON.stringify(rule)}`);
  const excluded = new Set(input.exclude ?? []);
  const mask = new Uint8Array(n);
  const shut = new Uint8Array(n);
  let cx = 0,
    cy = 0,
    cz = 0,
    targetCount = 0;
  for (let i = 0; i < n; i++) {
    if (excluded.has(labels[i])) continue;
    if (dose[i] >= threshold) {
      shut[i] = 1;
      mask[i] = 1;
    }
    if (labels[i] === targetLabel) {
      cx += i % nx;
      cy += Math.floor(i / nx) % ny;
      cz += Math.floor(i / (nx * ny));
      targetCount++;
    }
  }
  const [hx, hy, hz] = grid.spacing;
  const V = hx * hy * hz;
  let ischaemic = 0;
  if (targetCount > 0 && rule === 'network') ischaemic = networkIschaemia(grid, labels, shut, excluded, targetLabel, mask);
  if (targetCount > 0 && rule === 'centripetal') {
    cx /= targetCount;
    cy /= targetCount;
    cz /= targetCount;
    const step = 0.25 * Math.min(hx, hy, hz);
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i0 = 0; i0 < nx; i0++) {
          const i = i0 + nx * (j + ny * k);
          if (labels[i] !== targetLabel || shut[i]) continue;
          // direction outwards from the centroid, in metres
          let dx = (i0 - cx) * hx,
            dy = (j - cy) * hy,
            dz = (k - cz) * hz;
          const len = Math.hypot(dx, dy, dz);
          if (len < 1e-12) {
            dx = 1;
            dy = 0;
            dz = 0;
          } else {
            dx /= len;
            dy /= len;
            dz /= len;
          }
          for (let t = step; ; t += step) {
            const a = Math.round(i0 + (t * dx) / hx),
              b = Math.round(j + (t * dy) / hy),
              c = Math.round(k + (t * dz) / hz);
            if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz) break;
            const m = a + nx * (b + ny * c);
            if (shut[m]) {
              mask[i] = 1;
              ischaemic++;
              break;
            }
            if (labels[m] !== targetLabel) break;
          }
        }
  }
  let all = 0,
    target = 0;
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue;
    all++;
    if (labels[i] === targetLabel) target++;
  }
  return { mask, volume: all * V, targetVolume: target * V, ischaemicTargetVolume: ischaemic * V };
}

/**
 * Marks (in `mask`) the target voxels that no face-connected path of perfused, non-excluded voxels joins to perfused
 * tissue outside the target or to the grid's faces (tissue beyond the grid is taken as supplied); returns their count.
 */
function networkIschaemia(
  grid: Grid3D,
  labels: ArrayLike<number>,
  shut: Uint8Array,
  excluded: Set<number>,
  targetLabel: number,
  mask: Uint8Array,
): number {
  const [nx, ny, nz] = grid.shape;
  const n = nx * ny * nz;
  const supplied = new Uint8Array(n);
  const queue = new Int32Array(n);
  let head = 0,
    tail = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const v = i + nx * (j + ny * k);
        if (shut[v] || excluded.has(labels[v])) continue;
        const face = i === 0 || j === 0 || k === 0 || i === nx - 1 || j === ny - 1 || k === nz - 1;
        if (labels[v] !== targetLabel || face) {
          supplied[v] = 1;
          queue[tail++] = v;
        }
      }
  const sxy = nx * ny;
  while (head < tail) {
    const v = queue[head++];
    const i = v % nx,
      j = Math.floor(v / nx) % ny,
      k = Math.floor(v / sxy);
    const visit = (m: number) => {
      if (supplied[m] || shut[m] || excluded.has(labels[m])) return;
      supplied[m] = 1;
      queue[tail++] = m;
    };
    if (i > 0) visit(v - 1);
    if (i < nx - 1) visit(v + 1);
    if (j > 0) visit(v - nx);
    if (j < ny - 1) visit(v + nx);
    if (k > 0) visit(v - sxy);
    if (k < nz - 1) visit(v + sxy);
  }
  let count = 0;
  for (let v = 0; v < n; v++) {
    if (labels[v] !== targetLabel || shut[v] || supplied[v]) continue;
    mask[v] = 1;
    count++;
  }
  return count;
}
