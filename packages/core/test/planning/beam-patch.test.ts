import { describe, expect, it } from 'vitest';
import type { RadialFieldTable } from '../../src/acoustics/axisymmetric-field.js';
import type { Vec3 } from '../../src/grid/grid3d.js';
import { beamBox, radialBeamPatch, uniformSum } from '../../src/planning/beam-patch.js';

const I: [Vec3, Vec3, Vec3] = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
];

/** A table of constant |p|² = 1 on [z0, z1], r < rMax, split into layers at `cuts`. */
function uniformTable(z0: number, z1: number, cuts: number[], rMax = 0.05): RadialFieldTable {
  const ends = [z0, ...cuts, z1];
  const nr = Math.ceil(rMax / 1e-4) + 2;
  const nSeg = ends.length - 1;
  return {
    dr: 1e-4,
    nr,
    z: new Float64Array(2 * nSeg),
    planeLayer: Int32Array.from({ length: 2 * nSeg }, (_, i) => Math.floor(i / 2)),
    segStart: Float64Array.from(ends.slice(0, -1)),
    segEnd: Float64Array.from(ends.slice(1)),
    segFirst: Int32Array.from({ length: nSeg }, (_, i) => 2 * i),
    segIntervals: new Int32Array(nSeg).fill(1),
    segLayer: Int32Array.from({ length: nSeg }, (_, i) => i),
    p2: new Float32Array(2 * nSeg * nr).fill(1),
    power: new Float64Array(2 * nSeg),
  };
}

describe('uniformSum(h0, h1, h2): the distribution of a sum of three uniforms', () => {
  it('runs from 0 to 1, is symmetric, and matches a direct numerical convolution to 1e-4', () => {
    const u = uniformSum(0.3, 0.2, 0.05);
    expect(u.cdf(-0.55)).toBe(0);
    expect(u.cdf(0.55)).toBe(1);
    expect(u.cdf(0)).toBeCloseTo(0.5, 12);
    for (const t of [-0.4, -0.1, 0.07, 0.33]) expect(u.cdf(t) + u.cdf(-t)).toBeCloseTo(1, 12);
    const n = 200;
    for (const t of [-0.4, -0.12, 0.05, 0.26, 0.44]) {
      let below = 0;
      for (let a = 0; a < n; a++)
        for (let b = 0; b < n; b++)
          for (let c = 0; c < 20; c++) {
            const x = -0.3 + (0.6 * (a + 0.5)) / n + (-0.2 + (0.4 * (b + 0.5)) / n) + (-0.05 + (0.1 * (c + 0.5)) / 20);
            if (x <= t) below++;
          }
      expect(Math.abs(u.cdf(t) - below / (n * n * 20))).toBeLessThan(1e-2 / 2);
    }
  });
  it('degenerates to a uniform (one axis) and a step (none)', () => {
    const u = uniformSum(0, 0.5, 0);
    expect(u.cdf(0.25)).toBeCloseTo(0.75, 12);
    expect(uniformSum(0, 0, 0).cdf(1e-9)).toBe(1);
  });
});

describe('radialBeamPatch(beam, direction, box, subsamples)', () => {
  it('deposits exactly heat × volume of box ∩ slab for a uniform field when the slab ends and an interface cut voxels (axis-aligned beam)', async () => {
    // Beam along −y; slab from 3.3 mm in front of the focus to 4.7 mm beyond, interface 0.9 mm beyond the focus.
    const R = 0.1;
    const table = uniformTable(R - 0.0033, R + 0.0047, [R + 0.0009]);
    const heatPerP2 = Float64Array.from([2, 5]);
    const box = { axes: I, spacing: [1e-3, 1e-3, 1e-3] as Vec3, lo: [-3, -6, -3] as Vec3, hi: [3, 6, 3] as Vec3 };
    const p = await radialBeamPatch({ table, heatPerP2, zFocus: R }, [0, -1, 0], box, [2, 2, 2]);
    const area = 7e-3 * 7e-3;
    expect(p.power).toBeCloseTo(area * (2 * 0.0042 + 5 * 0.0038), 12);
    // z = R − y: the interface (0.9 mm beyond the focus) lies at y = −0.9 mm, inside voxel y = −1 mm
    const { q, shape, centre } = p;
    const at = (j: number) => q[centre[0] + shape[0] * (centre[1] + j + shape[1] * centre[2])];
    expect(at(-1)).toBeCloseTo(2 * 0.4 + 5 * 0.6, 5); // voxel −1.5..−0.5 mm: 0.4 mm of layer 0, 0.6 mm of layer 1
    expect(at(3)).toBeCloseTo(2 * 0.8, 5); // voxel 2.5..3.5 mm in front: the slab starts 3.3 mm in front, 0.8 mm of it inside
  });
  it('deposits heat × volume of box ∩ slab for an oblique beam within 0.2 % (volume by 40³ points per voxel)', async () => {
    const R = 0.1;
    const table = uniformTable(R - 0.004, R + 0.003, [R - 0.001]);
    const heatPerP2 = Float64Array.from([1, 3]);
    const n = Math.hypot(0.3, -1, 0.2);
    const dir: Vec3 = [0.3 / n, -1 / n, 0.2 / n];
    const box = beamBox(dir, I, [2e-3, 2e-3, 2e-3], 0.006, 0.006, 0.003, 0.003);
    const p = await radialBeamPatch({ table, heatPerP2, zFocus: R }, dir, box, [2, 2, 2]);
    const m = 40;
    let ref = 0;
    for (let a = box.lo[0]; a <= box.hi[0]; a++)
      for (let b = box.lo[1]; b <= box.hi[1]; b++)
        for (let c = box.lo[2]; c <= box.hi[2]; c++)
          for (let i = 0; i < m; i++)
            for (let j = 0; j < m; j++)
              for (let k = 0; k < m; k++) {
                const x = (a + (i + 0.5) / m - 0.5) * 2e-3;
                const y = (b + (j + 0.5) / m - 0.5) * 2e-3;
                const z = (c + (k + 0.5) / m - 0.5) * 2e-3;
                const w = R + x * dir[0] + y * dir[1] + z * dir[2];
                if (w >= R - 0.004 && w <= R + 0.003) ref += w < R - 0.001 ? 1 : 3;
              }
    ref *= 8e-9 / (m * m * m);
    expect(Math.abs(p.power / ref - 1)).toBeLessThan(2e-3);
  });
  it('bounds the beam frustum: a box from 30 mm in front to 10 mm beyond holds both end discs', () => {
    const box = beamBox([0, -1, 0], I, [2e-3, 2e-3, 2e-3], 0.03, 0.01, 0.02, 0.005);
    expect(box.lo[1]).toBe(-5); // 10 mm beyond the focus is −y
    expect(box.hi[1]).toBe(15);
    expect(box.lo[0]).toBe(-10);
    expect(box.hi[2]).toBe(10);
  });
});
