import type { WorkstationCase } from '../engine/workstation-case.js';
import { labelColorTable } from './label-colors.js';

/**
 * A 2D-canvas preview of the case: the three orthogonal slices through a point, drawn on the CPU in the same
 * places and orientation as the WebGL viewer (coronal top left, sagittal top right, axial bottom left;
 * radiological convention: patient right on the screen's left, anterior up in the axial view). It shows the case
 * as soon as its arrays arrive, before WebGL has started, and stands in when WebGL2 is unavailable.
 * Assumes an axis-aligned RAS grid (as the phantom's and most MR volumes' are after reorientation).
 */
export function drawSlicePreview(
  canvas: HTMLCanvasElement,
  c: WorkstationCase,
  centreVoxel: [number, number, number],
  labelAlpha = 0.35,
): void {
  const rect = canvas.getBoundingClientRect();
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.max(1, Math.round(rect.width * dpr));
  canvas.height = Math.max(1, Math.round(rect.height * dpr));
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.fillStyle = 'rgb(10, 13, 15)';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const [nx, ny, nz] = c.grid.shape;
  const [dx, dy, dz] = c.grid.spacing;
  const [ci, cj, ck] = centreVoxel;
  // window: 1st–99.5th percentile of a sample
  const sample: number[] = [];
  const step = Math.max(1, Math.floor(c.image.length / 20000));
  for (let i = 0; i < c.image.length; i += step) sample.push(c.image[i]);
  sample.sort((a, b) => a - b);
  const lo = sample[Math.floor(0.01 * (sample.length - 1))] ?? 0;
  const hi = sample[Math.floor(0.995 * (sample.length - 1))] ?? 1;
  const scale = 255 / (hi - lo || 1);
  const lut = new Float32Array(256 * 4);
  for (const e of labelColorTable(c.structures)) {
    lut.set([e.rgb[0], e.rgb[1], e.rgb[2], (e.alpha / 255) * labelAlpha], e.label * 4);
  }
  const slice = (w: number, hgt: number, index: (col: number, row: number) => number): HTMLCanvasElement => {
    const off = document.createElement('canvas');
    off.width = w;
    off.height = hgt;
    const octx = off.getContext('2d')!;
    const img = octx.createImageData(w, hgt);
    for (let row = 0; row < hgt; row++) {
      for (let col = 0; col < w; col++) {
        const idx = index(col, row);
        let g = (c.image[idx] - lo) * scale;
        g = g < 0 ? 0 : g > 255 ? 255 : g;
        let r = g;
        let gg = g;
        let b = g;
        if (c.labels) {
          const l = c.labels[idx] * 4;
          const a = lut[l + 3];
          if (a > 0) {
            r = r * (1 - a) + lut[l] * a;
            gg = gg * (1 - a) + lut[l + 1] * a;
            b = b * (1 - a) + lut[l + 2] * a;
          }
        }
        const o = (row * w + col) * 4;
        img.data[o] = r;
        img.data[o + 1] = gg;
        img.data[o + 2] = b;
        img.data[o + 3] = 255;
      }
    }
    octx.putImageData(img, 0, 0);
    return off;
  };
  const flipX = c.grid.affine[0] > 0; // +i is towards patient Right → drawn leftwards... radiological: R on the left
  const col = (i: number) => (flipX ? nx - 1 - i : i);
  const coronal = slice(nx, nz, (u, v) => col(u) + nx * (cj + ny * (nz - 1 - v)));
  const sagittal = slice(ny, nz, (u, v) => ci + nx * (u + ny * (nz - 1 - v)));
  const axial = slice(nx, ny, (u, v) => col(u) + nx * (ny - 1 - v + ny * ck));
  // layout as NiiVue's 2×2 multiplanar: cells of one size, each slice fitted with its physical aspect
  const W = canvas.width;
  const H = canvas.height;
  const pad = 4 * dpr;
  const wx = nx * dx;
  const wy = ny * dy;
  const wz = nz * dz;
  const s = Math.min((W - pad) / (wx + wy), (H - pad) / (wz + wy));
  const x0 = (W - (wx + wy) * s - pad) / 2;
  const y0 = (H - (wz + wy) * s - pad) / 2;
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(coronal, x0, y0, wx * s, wz * s);
  ctx.drawImage(sagittal, x0 + wx * s + pad, y0, wy * s, wz * s);
  ctx.drawImage(axial, x0, y0 + wz * s + pad, wx * s, wy * s);
}
