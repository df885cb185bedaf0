import { describe, expect, it } from 'vitest';
import { distanceTransform } from '../../src/grid/distance-transform.js';
import { createGrid, linearIndex } from '../../src/index.js';

describe('distanceTransform(grid, inside)', () => {
  it('matches brute-force Euclidean distances on an anisotropic grid with random seeds', () => {
    const g = createGrid([13, 9, 7], [1e-3, 1.5e-3, 2.5e-3]);
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const seeds = new Set<number>();
    for (let s = 0; s < 6; s++) seeds.add(Math.floor(rand() * 13 * 9 * 7));
    const d = distanceTransform(g, (i) => seeds.has(i));
    let maxErr = 0;
    for (let k = 0; k < 7; k++)
      for (let j = 0; j < 9; j++)
        for (let i = 0; i < 13; i++) {
          let best = Number.POSITIVE_INFINITY;
          for (const s of seeds) {
            const si = s % 13,
              sj = Math.floor(s / 13) % 9,
              sk = Math.floor(s / 117);
            best = Math.min(best, Math.hypot((i - si) * 1e-3, (j - sj) * 1.5e-3, (k - sk) * 2.5e-3));
          }
          maxErr = Math.max(maxErr, Math.abs(d[linearIndex(g, i, j, k)] - best));
        }
    expect(maxErr).toBeLessThan(1e-9);
  });

  it('gives +∞ everywhere when no voxel is inside, 0 on inside voxels', () => {
    const g = createGrid([4, 4, 4], [1e-3, 1e-3, 1e-3]);
    expect(distanceTransform(g, () => false).every((v) => v === Number.POSITIVE_INFINITY)).toBe(true);
    expect(distanceTransform(g, () => true).every((v) => v === 0)).toBe(true);
  });
});
