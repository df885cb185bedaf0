import { describe, expect, it } from 'vitest';
import { VAPOUR_REFLECTION, createGrid, shieldedSource } from '../../src/index.js';

// A converging beam along +z on a 0.25 mm grid: intensity P/(π w²) e^{−r²/w²} with w(z) = max(w0, |z − zf| tan θ)
// (a cone of half-angle θ onto a focal spot of radius w0), heat q = 2αI in tissue of absorption α.
const n = 33;
const nz = 81;
const h = 0.25e-3;
const alpha = 5; // Np/m
const zf = 60; // focal plane index
const grid = createGrid([n, n, nz], [h, h, h]);
function beamHeat(): Float32Array {
  const q = new Float32Array(n * n * nz);
  const c = (n - 1) / 2;
  for (let k = 0; k < nz; k++) {
    const w = Math.max(0.5e-3, Math.abs(k - zf) * h * Math.tan((40 * Math.PI) / 180));
    for (let j = 0; j < n; j++)
      for (let i = 0; i < n; i++) {
        const r2 = ((i - c) * h) ** 2 + ((j - c) * h) ** 2;
        q[i + n * (j + n * k)] = (2 * alpha * 100 * Math.exp(-r2 / (w * w))) / (Math.PI * w * w);
      }
  }
  return q;
}
/** bubble voxels: a disc of `radius` voxels in plane k */
function disc(k: number, radius: number): number[] {
  const c = (n - 1) / 2;
  const out: number[] = [];
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) if ((i - c) ** 2 + (j - c) ** 2 <= radius * radius) out.push(i + n * (j + n * k));
  return out;
}
/** reflected power (W) in front of the disc, the power it intercepts (W, from q/(2α) in the plane before it), the peak reflected heat */
function balance(q: Float32Array, out: Float32Array, k: number, bubbles: number[]) {
  const V = h * h * h;
  let reflected = 0;
  let peak = 0;
  for (let i = 0; i < n * n * k; i++) {
    reflected += (out[i] - q[i]) * V;
    peak = Math.max(peak, out[i] - q[i]);
  }
  let intercepted = 0;
  for (const b of bubbles) intercepted += (q[b - n * n] / (2 * alpha)) * h * h;
  return { reflected, intercepted, peak };
}
const labels = new Uint8Array(n * n * nz);

describe('bubble shielding: reflection bounded by what the bubbles intercept', () => {
  it('a cloud over the focal spot reflects the beam back as its image, never more than it intercepts (energy)', () => {
    const q = beamHeat();
    const bubbles = disc(zf, 3);
    const out = shieldedSource(q, grid, [0, 0, 1], bubbles, undefined, undefined, { labels, absorption: [alpha] });
    const { reflected, intercepted, peak } = balance(q, out, zf, bubbles);
    expect(reflected).toBeLessThanOrEqual(VAPOUR_REFLECTION * intercepted * (1 + 1e-6));
    expect(peak).toBeGreaterThan(0);
    // the disc (radius 0.75 mm) intercepts 1 − e^{−(0.75/0.5)²} = 89 % of the focal spot's power: 2 voxels in front of
    // it, on the axis, the reflection is ≈ 0.89 R × the incident heat at the image point (1 voxel past the focal plane)
    const c = (n - 1) / 2;
    const gained = out[c + n * (c + n * (zf - 2))] - q[c + n * (c + n * (zf - 2))];
    const image = q[c + n * (c + n * (zf + 1))];
    expect(gained / image).toBeGreaterThan(0.7);
    expect(gained / image).toBeLessThanOrEqual(VAPOUR_REFLECTION);
    // shadow: nothing past the mirror in the disc's columns
    for (const b of bubbles) expect(out[b + n * n]).toBe(0);
  });

  it('a small bubble in the converging cone reflects a few per cent and makes no image of the focus', () => {
    const q = beamHeat();
    const k = zf - 16; // 4 mm before the focus, where the cone is ≈ 3.4 mm across
    const bubbles = disc(k, 1);
    const out = shieldedSource(q, grid, [0, 0, 1], bubbles, undefined, undefined, { labels, absorption: [alpha] });
    const { reflected, intercepted, peak } = balance(q, out, k, bubbles);
    expect(reflected).toBeLessThanOrEqual(VAPOUR_REFLECTION * intercepted * (1 + 1e-6));
    // the method of images alone would put the focal heat (q at the focus) 4 mm in front of it
    const focal = q[(n - 1) / 2 + n * ((n - 1) / 2 + n * zf)];
    expect(peak).toBeLessThan(0.05 * focal);
  });

  it('water in front (no absorption) takes no reflected heat; without absorption data bubbles shadow only', () => {
    const q = beamHeat();
    const layered = new Uint8Array(n * n * nz);
    layered.fill(1, 0, n * n * (zf - 4)); // label 1 = water before 3 voxels in front of the focal plane
    const bubbles = disc(zf, 3);
    const out = shieldedSource(q, grid, [0, 0, 1], bubbles, undefined, undefined, { labels: layered, absorption: [alpha, 0] });
    for (let i = 0; i < n * n * (zf - 4); i++) expect(out[i]).toBe(q[i]);
    let gained = 0;
    for (let i = n * n * (zf - 4); i < n * n * zf; i++) gained += out[i] - q[i];
    expect(gained).toBeGreaterThan(0);
    const plain = shieldedSource(q, grid, [0, 0, 1], bubbles);
    for (let i = 0; i < n * n * zf; i++) expect(plain[i]).toBe(q[i]);
  });
});
