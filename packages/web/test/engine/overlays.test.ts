import { createGrid } from '@openfuas/core';
import { describe, expect, it } from 'vitest';
import { beamConeMask } from '../../src/engine/beam-cone.js';
import { LIVE_COLOR, levelTemperature, liveColors, makeLiveFrame } from '../../src/engine/live-frame.js';
import {
  DOSE_MASK,
  caseBoxOf,
  doseMask,
  maxOntoCaseGrid,
  regionOutline,
  sampleOntoCaseBox,
  sampleOntoCaseGrid,
} from '../../src/engine/resample-to-case.js';
import { TEMPERATURE_OVERLAY } from '../../src/viewer/temperature-overlay.js';

describe('viewer overlays on the case grid', () => {
  it('beamConeMask fills the cone between the rim and the focus, minus the central opening', () => {
    // 1 mm grid, focus at y = 0 mm, beam along −y: the transducer side is +y
    const grid = createGrid([41, 41, 1], [0.001, 0.001, 0.001], [0, 0, 0], [1, 0, 0, -20, 0, 1, 0, -20, 0, 0, 1, 0, 0, 0, 0, 1]);
    const bowl = { radiusOfCurvature: 0.15, aperture: 0.2, holeDiameter: 0.06 };
    const m = beamConeMask(grid, [0, 0, 0], [0, -1, 0], bowl);
    const at = (x: number, y: number) => m[x + 20 + 41 * (y + 20)];
    // half-angles: asin(100/150) = 41.8°, asin(30/150) = 11.5°; at 15 mm before the focus the beam spans 3–13.4 mm off axis
    expect(at(8, 15)).toBe(1);
    expect(at(-8, 15)).toBe(1);
    expect(at(0, 15)).toBe(0); // on the axis: the imaging probe's opening
    expect(at(16, 15)).toBe(0); // outside the rim's cone
    expect(at(8, -15)).toBe(0); // beyond the focus
  });

  it('maxOntoCaseGrid keeps the maximum of the fine voxels in each coarse voxel and fills the rest', () => {
    const coarse = createGrid([3, 1, 1], [0.003, 0.001, 0.001], [0, 0, 0]);
    const fine = createGrid([6, 1, 1], [0.001, 0.001, 0.001], [0, 0, 0], [1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    // fine voxel centres at x = 1..6 mm; coarse centres at 0, 3, 6 mm (nearest: 1→0, 2,3,4→3, 5,6→6)
    const out = maxOntoCaseGrid(fine, [5, 1, 9, 2, 4, 7], coarse, -1);
    expect(Array.from(out)).toEqual([5, 9, 7]);
    const far = maxOntoCaseGrid(
      fine,
      [1, 1, 1, 1, 1, 1],
      createGrid([2, 1, 1], [0.001, 0.001, 0.001], [0, 0, 0], [1, 0, 0, 100, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]),
      37,
    );
    expect(Array.from(far)).toEqual([37, 37]);
  });

  it('sampleOntoCaseGrid interpolates a coarser grid onto every case voxel it spans and keeps the peaks of a finer one', () => {
    // coarse source: 3 mm voxels, centres at x = 0, 3, 6 mm (extent −1.5..7.5 mm); case: 1 mm voxels at x = −2..8 mm
    const coarse = createGrid([3, 1, 1], [0.003, 0.001, 0.001], [0, 0, 0], [3, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    const caseGrid = createGrid([11, 1, 1], [0.001, 0.001, 0.001], [0, 0, 0], [1, 0, 0, -2, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    const up = sampleOntoCaseGrid(coarse, [40, 70, 40], caseGrid, 37);
    // linear between centres, nearest on the outer half voxel, fill beyond (x = −2 and 8 mm are 2 mm from the end centres)
    const expected = [37, 40, 40, 50, 60, 70, 60, 50, 40, 40, 37];
    for (let i = 0; i < 11; i++) expect(up[i], `x = ${i - 2} mm`).toBeCloseTo(expected[i], 4);
    // a finer source: the same as maxOntoCaseGrid where the max is higher, interpolation where the source covers alone
    const fine = createGrid([6, 1, 1], [0.001, 0.001, 0.001], [0, 0, 0], [1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    const down = sampleOntoCaseGrid(fine, [5, 1, 9, 2, 4, 7], createGrid([3, 1, 1], [0.003, 0.001, 0.001], [0, 0, 0]), -1);
    expect(Array.from(down)).toEqual([5, 9, 7]);
    // axes swapped between the grids: source x runs along case y
    const swapped = createGrid([3, 1, 1], [0.003, 0.001, 0.001], [0, 0, 0], [0, 1, 0, 0, 3, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    const plane = createGrid([1, 7, 1], [0.001, 0.001, 0.001], [0, 0, 0]);
    expect(Array.from(sampleOntoCaseGrid(swapped, [40, 70, 100], plane, 37))).toEqual([40, 50, 60, 70, 80, 90, 100]);
  });

  it('regionOutline marks the thresholded voxels that touch the outside', () => {
    const g = createGrid([5, 5, 1], [0.001, 0.001, 0.001], [0, 0, 0]);
    const v = new Float32Array(25);
    for (let j = 1; j <= 3; j++) for (let i = 1; i <= 3; i++) v[i + 5 * j] = 300;
    const o = regionOutline(g, v, 240);
    // with one z-slice every voxel touches the outside along z: the whole 3×3 region is outline
    expect(o.reduce((a, b) => a + b, 0)).toBe(9);
    expect(o[0]).toBe(0);
  });

  it('doseMask fills the inside of the region and marks its outline', () => {
    const g = createGrid([5, 5, 3], [0.001, 0.001, 0.001], [0, 0, 0]);
    const v = new Float32Array(75);
    for (let k = 0; k < 3; k++) for (let j = 1; j <= 3; j++) for (let i = 1; i <= 3; i++) v[i + 5 * (j + 5 * k)] = 300;
    const m = doseMask(g, v, 240);
    // the middle voxel of the middle slice is surrounded on all six sides: inside; the rest of the 3×3×3 block is outline
    expect(m[2 + 5 * (2 + 5 * 1)]).toBe(DOSE_MASK.inside);
    expect(m.filter((x) => x === DOSE_MASK.outline).length).toBe(26);
    expect(m[0]).toBe(0);
  });
});

describe('live frames on the case grid', () => {
  // coarse frame grid: 3 mm voxels, 4 × 3 × 2, origin at (10, 20, 30) mm; case: 1.5 mm voxels, 40 × 40 × 40 at 0 mm
  const frameGrid = createGrid([4, 3, 2], [0.003, 0.003, 0.003], [0, 0, 0], [3, 0, 0, 10, 0, 3, 0, 20, 0, 0, 3, 30, 0, 0, 0, 1]);
  const caseGrid = createGrid([40, 40, 40], [0.0015, 0.0015, 0.0015], [0, 0, 0], [1.5, 0, 0, 0, 0, 1.5, 0, 0, 0, 0, 1.5, 0, 0, 0, 0, 1]);

  it('caseBoxOf is the case voxels whose centres lie in the frame grid extent, clipped to the case', () => {
    // x extent 8.5..20.5 mm: case centres 9, 10.5, …, 19.5 mm → i = 6..13; y 18.5..27.5 → j = 13..18; z 28.5..34.5 → k = 19..23
    expect(caseBoxOf(frameGrid, caseGrid)).toEqual({ origin: [6, 13, 19], shape: [8, 6, 5] });
    const beyond = createGrid([4, 3, 2], [0.003, 0.003, 0.003], [0, 0, 0], [3, 0, 0, 55, 0, 3, 0, 20, 0, 0, 3, 30, 0, 0, 0, 1]);
    // x 53.5..65.5 mm: only case centres up to 58.5 mm (i = 39) exist
    expect(caseBoxOf(beyond, caseGrid)).toEqual({ origin: [36, 13, 19], shape: [4, 6, 5] });
    const outside = createGrid([2, 2, 2], [0.003, 0.003, 0.003], [0, 0, 0], [3, 0, 0, 500, 0, 3, 0, 0, 0, 0, 3, 0, 0, 0, 0, 1]);
    expect(caseBoxOf(outside, caseGrid)).toBeNull();
  });

  it('sampleOntoCaseBox equals sampleOntoCaseGrid on the box', () => {
    const values = Float32Array.from({ length: 24 }, (_, i) => 37 + ((i * 7) % 24));
    const whole = sampleOntoCaseGrid(frameGrid, values, caseGrid, 37);
    const box = caseBoxOf(frameGrid, caseGrid)!;
    const part = sampleOntoCaseBox(frameGrid, values, caseGrid, box, 37);
    const [bx, by, bz] = box.shape;
    expect(part.length).toBe(bx * by * bz);
    let differences = 0;
    for (let k = 0; k < bz; k++)
      for (let j = 0; j < by; j++)
        for (let i = 0; i < bx; i++) {
          const w = whole[box.origin[0] + i + 40 * (box.origin[1] + j + 40 * (box.origin[2] + k))];
          if (Math.abs(part[i + bx * (j + by * k)] - w) > 1e-5) differences++;
        }
    expect(differences).toBe(0);
    // and the whole grid holds nothing but fill outside the box
    let outsideHot = 0;
    for (let k = 0; k < 40; k++)
      for (let j = 0; j < 40; j++)
        for (let i = 0; i < 40; i++) {
          const inBox = i >= 6 && i < 14 && j >= 13 && j < 19 && k >= 19 && k < 24;
          if (!inBox && whole[i + 40 * (j + 40 * k)] !== 37) outsideHot++;
        }
    expect(outsideHot).toBe(0);
  });

  it('liveColors gives temperature levels, the dose region and its outline, transparent at or below 43 °C', () => {
    const [lo, hi] = TEMPERATURE_OVERLAY.range;
    const shape: [number, number, number] = [5, 5, 3];
    const t = new Float32Array(75).fill(37);
    t[0] = lo;
    t[1] = lo + 0.01;
    t[2] = (lo + hi) / 2;
    t[3] = hi + 20;
    t[4] = Number.NaN;
    const dose = new Float32Array(75);
    for (let k = 0; k < 3; k++) for (let j = 1; j <= 3; j++) for (let i = 1; i <= 3; i++) dose[i + 5 * (j + 5 * k)] = 300;
    const noDose = liveColors(shape, t, null, 240);
    // the one voxel inside the region (not on its outline), hot: its temperature level under the dose fill
    const middle = 2 + 5 * (2 + 5 * 1);
    t[middle] = 60;
    const c = liveColors(shape, t, dose, 240);
    const hot = liveColors(shape, t, null, 240)[middle];
    expect(hot).toBeGreaterThan(LIVE_COLOR.firstLevel);
    expect(c[middle]).toBe(hot - LIVE_COLOR.firstLevel + LIVE_COLOR.firstDoseLevel);
    expect(Array.from(c.slice(0, 5))).toEqual(Array.from(noDose.slice(0, 5)));
    t[middle] = 37;
    expect(liveColors(shape, t, dose, 240)[middle]).toBe(LIVE_COLOR.doseInside);
    expect(c[0]).toBe(LIVE_COLOR.none);
    expect(c[1]).toBe(LIVE_COLOR.firstLevel);
    expect(c[3]).toBe(LIVE_COLOR.firstLevel + LIVE_COLOR.levels - 1);
    expect(c[4]).toBe(LIVE_COLOR.none);
    // the middle of the range falls in the middle level, whose temperature is within one level of it
    expect(Math.abs(levelTemperature(c[2]) - (lo + hi) / 2)).toBeLessThanOrEqual((hi - lo) / LIVE_COLOR.levels);
    expect(c.filter((x) => x === LIVE_COLOR.doseOutline).length).toBe(26);
    expect(c[24]).toBe(LIVE_COLOR.none); // 37 °C, no dose
  });

  it('makeLiveFrame colours the frame on its box and counts the voxels at lesion dose', () => {
    const temperature = new Float32Array(24).fill(37);
    const dose = new Float32Array(24);
    // one hot coarse cell (x = 1, y = 1, z = 0: centre at 13, 23, 30 mm) at lesion dose
    temperature[1 + 4 * 1] = 70;
    dose[1 + 4 * 1] = 1000;
    const f = makeLiveFrame(frameGrid, temperature, dose, caseGrid, 240, 37)!;
    expect(f.origin).toEqual([6, 13, 19]);
    expect(f.colors.length).toBe(8 * 6 * 5);
    expect(f.doseVoxels).toBeGreaterThan(0);
    expect(f.doseVoxels).toBe(f.colors.filter((x) => x >= LIVE_COLOR.firstDoseLevel).length);
    // the case voxel at the hot cell's centre (13, 23, 30 mm → i ≈ 8.7, j ≈ 15.3, k = 20) is in the dose region
    const at = (i: number, j: number, k: number) => f.colors[i - 6 + 8 * (j - 13 + 6 * (k - 19))];
    expect(at(9, 15, 20)).toBeGreaterThanOrEqual(LIVE_COLOR.firstDoseLevel);
    expect(f.temperature[9 - 6 + 8 * (15 - 13 + 6 * (20 - 19))]).toBeGreaterThan(60);
    // far from it: body temperature, transparent
    expect(at(13, 18, 23)).toBe(LIVE_COLOR.none);
    expect(makeLiveFrame(frameGrid, temperature, null, caseGrid, 240, 37)!.doseVoxels).toBe(0);
  });
});
