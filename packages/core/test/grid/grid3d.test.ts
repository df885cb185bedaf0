import { describe, expect, it } from 'vitest';
import {
  InputError,
  LimitError,
  axisCoordinates,
  createGrid,
  linearIndex,
  positionToVoxel,
  rasMmToVoxel,
  voxelCount,
  voxelOf,
  voxelToPosition,
  voxelToRasMm,
  voxelVolume,
} from '../../src/index.js';

describe('Grid3D', () => {
  const g = createGrid([4, 5, 6], [0.001, 0.002, 0.0005], [-0.01, 0.02, 0.1]);

  it('indexes x fastest and inverts linearIndex', () => {
    expect(voxelCount(g)).toBe(120);
    expect(linearIndex(g, 1, 0, 0)).toBe(1);
    expect(linearIndex(g, 0, 1, 0)).toBe(4);
    expect(linearIndex(g, 0, 0, 1)).toBe(20);
    for (let i = 0; i < 120; i++) {
      const [x, y, z] = voxelOf(g, i);
      expect(linearIndex(g, x, y, z)).toBe(i);
    }
  });

  it('maps voxels to positions and back', () => {
    const p = voxelToPosition(g, 2, 3, 4);
    expect(p[0]).toBeCloseTo(-0.008, 12);
    expect(p[1]).toBeCloseTo(0.026, 12);
    expect(p[2]).toBeCloseTo(0.102, 12);
    const v = positionToVoxel(g, p[0], p[1], p[2]);
    expect(v.map((x) => Math.round(x * 1e9) / 1e9)).toEqual([2, 3, 4]);
    expect(voxelVolume(g)).toBeCloseTo(1e-9, 20);
    expect(Array.from(axisCoordinates(g, 0))).toEqual([-0.01, -0.009, -0.008, -0.007].map((_x, i) => -0.01 + i * 0.001));
  });

  it('maps voxels to RAS millimetres through a rotated affine and inverts it', () => {
    // 90° rotation about z plus translation: i → A (y), j → −R (x).
    const affine = [0, -2, 0, 10, 1.5, 0, 0, -20, 0, 0, 3, 5, 0, 0, 0, 1];
    const r = createGrid([8, 8, 8], [0.0015, 0.002, 0.003], [0, 0, 0], affine);
    const mm = voxelToRasMm(r, 1, 2, 3);
    expect(mm).toEqual([10 - 4, -20 + 1.5, 5 + 9]);
    const back = rasMmToVoxel(r, mm[0], mm[1], mm[2]);
    for (let i = 0; i < 3; i++) expect(back[i]).toBeCloseTo([1, 2, 3][i], 12);
  });

  it('rejects impossible shapes and spacings with a message naming the field', () => {
    expect(() => createGrid([0, 4, 4], [1e-3, 1e-3, 1e-3])).toThrow(/grid\.shape\[x\]/);
    expect(() => createGrid([4, 4, 4], [1e-3, -1, 1e-3])).toThrow(InputError);
    expect(() => createGrid([4, 4, 4], [1e-3, 1e-3, Number.NaN])).toThrow(/grid\.spacing\[z\]/);
    expect(() => createGrid([4096, 4096, 4096], [1e-3, 1e-3, 1e-3])).toThrow(LimitError);
  });
});
