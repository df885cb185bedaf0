import { createGrid } from '@openfuas/core';
import { describe, expect, it } from 'vitest';
import { beamConeMask } from '../../src/engine/beam-cone.js';
import { DOSE_MASK, doseMask, maxOntoCaseGrid, regionOutline, sampleOntoCaseGrid } from '../../src/engine/resample-to-case.js';

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
