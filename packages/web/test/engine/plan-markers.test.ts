import { createGrid } from '@openfuas/core';
import { describe, expect, it } from 'vitest';
import { MARKER, planMarkers } from '../../src/engine/plan-markers.js';

describe('plan markers with the margin contour', () => {
  it('marks the contour voxels MARKER.margin under the points, which are drawn over it', () => {
    // 1 mm grid 11 × 11 × 1 around the origin; the contour: the whole column x = 0
    const grid = createGrid([11, 11, 1], [0.001, 0.001, 0.001], [0, 0, 0], [1, 0, 0, -5, 0, 1, 0, -5, 0, 0, 1, 0, 0, 0, 0, 1]);
    const margin = new Uint8Array(121);
    for (let j = 0; j < 11; j++) margin[5 + 11 * j] = 1;
    const m = planMarkers(grid, [{ focus: [0, 0, 0], slice: 0 }], [0, -1, 0], null, 0, 1, 2, margin);
    const at = (x: number, y: number) => m[x + 5 + 11 * (y + 5)];
    expect(at(0, 0)).toBe(MARKER.selected);
    expect(at(0, 2)).toBe(MARKER.selected); // 2 mm along the beam: the marker's end
    expect(at(0, 4)).toBe(MARKER.margin);
    expect(at(0, -5)).toBe(MARKER.margin);
    expect(at(3, 3)).toBe(0);
    // the order of drawing: margin below every point class
    expect(MARKER.margin).toBeLessThan(Math.min(MARKER.other, MARKER.slice, MARKER.selected));
    expect(planMarkers(grid, [], [0, -1, 0], null, null).some((v) => v !== 0)).toBe(false);
  });
});
