import { describe, expect, it } from 'vitest';
import { VASCULAR_SHUTDOWN_DOSE, createGrid, nonPerfusedVolume } from '../../src/index.js';

/** A 41³ grid at 1 mm holding a target sphere of radius 15 mm (label 2) in tissue (label 1), water at x = 0 (label 0). */
function sphere() {
  const n = 41;
  const grid = createGrid([n, n, n], [1e-3, 1e-3, 1e-3]);
  const labels = new Uint8Array(n ** 3);
  const dose = new Float32Array(n ** 3);
  const r = (i: number) => {
    const x = i % n,
      y = Math.floor(i / n) % n,
      z = Math.floor(i / (n * n));
    return Math.hypot(x - 20, y - 20, z - 20);
  };
  for (let i = 0; i < labels.length; i++) labels[i] = i % n === 0 ? 0 : r(i) <= 15 ? 2 : 1;
  let target = 0;
  for (const l of labels) if (l === 2) target++;
  return { n, grid, labels, dose, r, target };
}

describe('nonPerfusedVolume (vascular shutdown + ischaemia of enclosed target tissue)', () => {
  it('counts tissue at or above the shutdown dose (40 CEM43) and nothing below it, never the coupling water', () => {
    const s = sphere();
    for (let i = 0; i < s.dose.length; i++) if (s.r(i) <= 3) s.dose[i] = VASCULAR_SHUTDOWN_DOSE;
    s.dose[0] = 1e6; // water voxel (x = 0)
    s.dose[1] = VASCULAR_SHUTDOWN_DOSE * 0.99; // tissue below the threshold
    const v = nonPerfusedVolume({ grid: s.grid, labels: s.labels, dose: s.dose, targetLabel: 2, exclude: [0] });
    let core = 0;
    for (let i = 0; i < s.dose.length; i++) if (s.r(i) <= 3) core++;
    // a central lesion cuts no one's supply: every path outwards starts outside it
    expect(v.targetVolume).toBeCloseTo(core * 1e-9, 15);
    expect(v.ischaemicTargetVolume).toBe(0);
    expect(v.volume).toBeCloseTo(core * 1e-9, 15);
  });

  it('makes the whole inside of a shut-down capsule ischaemic (peripheral supply of fibroids)', () => {
    const s = sphere();
    for (let i = 0; i < s.dose.length; i++) if (s.r(i) > 13 && s.r(i) <= 16) s.dose[i] = 1000;
    const v = nonPerfusedVolume({ grid: s.grid, labels: s.labels, dose: s.dose, targetLabel: 2, exclude: [0] });
    expect(v.targetVolume).toBeCloseTo(s.target * 1e-9, 15);
    expect(v.ischaemicTargetVolume).toBeGreaterThan(0.5 * v.targetVolume);
    const none = nonPerfusedVolume({ grid: s.grid, labels: s.labels, dose: s.dose, targetLabel: 2, exclude: [0], ischaemia: false });
    expect(none.targetVolume).toBeLessThan(0.5 * v.targetVolume);
  });

  it('network rule (default): supply flows around an isolated lesion; the centripetal rule shades what is behind it', () => {
    const s = sphere();
    const at = (x: number, y: number, z: number) => x + s.n * (y + s.n * z);
    // a 3 mm cube lesion at +10 mm along x from the centre
    for (let z = 19; z <= 21; z++) for (let y = 19; y <= 21; y++) for (let x = 29; x <= 31; x++) s.dose[at(x, y, z)] = 500;
    const v = nonPerfusedVolume({ grid: s.grid, labels: s.labels, dose: s.dose, targetLabel: 2, exclude: [0] });
    expect(v.ischaemicTargetVolume).toBe(0);
    expect(v.targetVolume).toBeCloseTo(27e-9, 15);
    const ray = nonPerfusedVolume({ grid: s.grid, labels: s.labels, dose: s.dose, targetLabel: 2, exclude: [0], ischaemia: 'centripetal' });
    expect(ray.mask[at(25, 20, 20)]).toBe(1); // between the centroid and the lesion
    expect(ray.mask[at(33, 20, 20)]).toBe(0); // between the lesion and the capsule
    expect(ray.mask[at(15, 20, 20)]).toBe(0); // the other side
    expect(() => nonPerfusedVolume({ grid: s.grid, labels: s.labels, dose: s.dose, targetLabel: 2, ischaemia: 'ray' as never })).toThrow(
      /ischaemia/,
    );
  });

  it('network rule: a shell with one open channel keeps its inside perfused; closed, the inside converges to the sphere', () => {
    // a shut-down shell 8 ≤ r ≤ 10 mm around the centre of a 15 mm target, at 1 mm and at 2/3 mm
    const inside = (h: number, open: boolean) => {
      const n = Math.round(40 / h) + 1;
      const grid = createGrid([n, n, n], [h * 1e-3, h * 1e-3, h * 1e-3]);
      const labels = new Uint8Array(n ** 3);
      const dose = new Float32Array(n ** 3);
      const c = (n - 1) / 2;
      for (let i = 0; i < labels.length; i++) {
        const x = (i % n) - c,
          y = (Math.floor(i / n) % n) - c,
          z = Math.floor(i / (n * n)) - c;
        const r = Math.hypot(x, y, z) * h;
        labels[i] = r <= 15 ? 2 : 1;
        // the channel: a 2 mm square bore along +x through the shell
        const bore = open && x > 0 && Math.abs(y * h) < 1 && Math.abs(z * h) < 1;
        if (r >= 8 && r <= 10 && !bore) dose[i] = 1000;
      }
      return nonPerfusedVolume({ grid, labels, dose, targetLabel: 2 }).ischaemicTargetVolume;
    };
    expect(inside(1, true)).toBe(0);
    expect(inside(2 / 3, true)).toBe(0);
    const sphere8 = ((4 * Math.PI) / 3) * 8e-3 ** 3;
    const coarse = inside(1, false);
    const fine = inside(2 / 3, false);
    // voxelised spheres: within 10 % of the analytic inside, and closer to it on the finer grid
    expect(Math.abs(coarse - sphere8) / sphere8).toBeLessThan(0.1);
    expect(Math.abs(fine - sphere8)).toBeLessThanOrEqual(Math.abs(coarse - sphere8) + 1e-12);
  });

  it('refuses fields of the wrong size', () => {
    const s = sphere();
    expect(() => nonPerfusedVolume({ grid: s.grid, labels: s.labels, dose: new Float32Array(3), targetLabel: 2 })).toThrow(
      /labels and dose/,
    );
  });
});
