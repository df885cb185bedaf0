import { createGrid } from '@openfuas/core';
import { describe, expect, it } from 'vitest';
import { SLICE_SCALE, heatColor, renderSlice, slicePlane } from '../../src/screens/treat/console-images.js';

/** A 20 × 30 × 10 grid of 1 mm voxels at the origin (RAS: x right, y anterior, z superior). */
const grid = createGrid([20, 30, 10], [1e-3, 1e-3, 1e-3]);
const idx = (i: number, j: number, k: number) => i + 20 * (j + 30 * k);

describe('console images (Treat and Review screens)', () => {
  it('slices the plane holding the beam with the transducer side on top, through the point', () => {
    // beam from anterior to posterior (−y): rows run along y, the top row is the most anterior voxel
    const plane = slicePlane(grid, [0.005, 0.012, 0.004], [0, -1, 0]);
    expect(plane.width).toBe(20);
    expect(plane.height).toBe(30);
    expect(plane.voxel(0, 0)).toBe(idx(0, 29, 4));
    expect(plane.voxel(3, 29)).toBe(idx(3, 0, 4));
    const p = plane.project([0.005, 0.012, 0.004]);
    expect(p.h).toBeCloseTo(5, 9);
    expect(p.v).toBeCloseTo(29 - 12, 9);
    expect(p.off).toBeCloseTo(0, 9);
    // the opposite beam keeps its source on top too
    expect(slicePlane(grid, [0, 0, 0], [0, 1, 0]).voxel(0, 0)).toBe(idx(0, 0, 0));
  });

  it('draws the 240 CEM43 contour on the edge of the region only, and no temperature colour where there is no signal', () => {
    const n = 20 * 30 * 10;
    const dose = new Float64Array(n);
    const temperature = new Float64Array(n).fill(37);
    const valid = new Uint8Array(n).fill(1);
    // a 4 × 4 voxel lesion at 300 CEM43 (≥ 17 and ≥ 240) at 70 °C; one hot voxel without signal (fat)
    for (let i = 8; i < 12; i++)
      for (let j = 10; j < 14; j++) {
        dose[idx(i, j, 4)] = 300;
        temperature[idx(i, j, 4)] = 70;
      }
    temperature[idx(2, 2, 4)] = 90;
    valid[idx(2, 2, 4)] = 0;
    const plane = slicePlane(grid, [0, 0, 0.004], [0, 1, 0]);
    const img = renderSlice(plane, { anatomy: new Uint8Array(n).fill(100), temperature, valid, dose });
    const k = SLICE_SCALE;
    expect(img.width).toBe(20 * k);
    const px = (x: number, y: number) => Array.from(img.rgba.subarray(4 * (y * img.width + x), 4 * (y * img.width + x) + 3));
    // the left edge of voxel (8, 10) is red (240 drawn after 17), its centre heat-coloured, not red
    expect(px(8 * k, 10 * k + 1)).toEqual([255, 40, 40]);
    const centre = px(9 * k + 1, 11 * k + 1);
    expect(centre).not.toEqual([255, 40, 40]);
    expect(centre[0]).toBeGreaterThan(centre[2]);
    // a voxel outside the lesion: anatomy grey
    expect(px(15 * k + 1, 20 * k + 1)).toEqual([100, 100, 100]);
    // no signal: never coloured by its (unmeasured) temperature
    const fat = px(2 * k + 1, 2 * k + 2);
    expect(fat[0]).toBe(fat[1]);
  });

  it('colours temperatures from 40 °C, hotter brighter', () => {
    const c = [0, 0, 0];
    expect(heatColor(39.9, c)).toBe(false);
    expect(heatColor(Number.NaN, c)).toBe(false);
    expect(heatColor(60, c)).toBe(true);
    const warm = [...c];
    heatColor(100, c);
    expect(c[0] + c[1] + c[2]).toBeGreaterThan(warm[0] + warm[1] + warm[2]);
  });
});
