import { createGrid, encodeNifti } from '@openfuas/core';
import { describe, expect, it } from 'vitest';
import { depthFromSkin, structureVolumes } from '../../src/engine/case-geometry.js';
import { caseFromNifti } from '../../src/engine/nifti-case.js';
import { MARKER, planMarkers } from '../../src/engine/plan-markers.js';
import type { WorkstationCase } from '../../src/engine/workstation-case.js';

// A 1 mm slab phantom along y: water for y ≥ 20 mm, then 10 mm of fat, then muscle (beam along −y).
function slabCase(): WorkstationCase {
  const grid = createGrid([5, 30, 4], [0.001, 0.001, 0.001], [0, 0, 0]);
  const labels = new Uint8Array(5 * 30 * 4);
  for (let k = 0; k < 4; k++)
    for (let j = 0; j < 30; j++) for (let i = 0; i < 5; i++) labels[i + 5 * (j + 30 * k)] = j >= 20 ? 1 : j >= 10 ? 3 : 4;
  return {
    name: 'slab',
    grid,
    image: new Float32Array(labels.length),
    labels,
    structures: { water: 1, fat: 3, muscle: 4 },
    target: 'muscle',
    beamDirection: [0, -1, 0],
    source: {},
    notes: [],
    core: null,
  };
}

describe('workstation engine', () => {
  it('depthFromSkin measures along the beam back to the water, to a quarter voxel', () => {
    const c = slabCase();
    // voxel j = 15 (y = 15 mm) lies 5 mm below the skin surface at y = 19.5 mm (voxel boundary)
    expect(depthFromSkin(c, [2, 15, 1])! * 1000).toBeCloseTo(4.5, 0);
    expect(depthFromSkin(c, [2, 5, 1])! * 1000).toBeCloseTo(14.5, 0);
    expect(depthFromSkin(c, [2, 25, 1])).toBeNull(); // in the water
  });

  it('structureVolumes counts voxels times voxel volume', () => {
    const v = structureVolumes(slabCase());
    expect(v.fat).toBeCloseTo(5 * 10 * 4 * 1e-9, 15);
    expect(v.water).toBeCloseTo(5 * 10 * 4 * 1e-9, 15);
  });

  it('planMarkers marks each focus with its class and leaves the rest empty', () => {
    const c = slabCase();
    const points = [
      { focus: [0.002, 0.005, 0.001] as [number, number, number], slice: 0 },
      { focus: [0.002, 0.015, 0.002] as [number, number, number], slice: 1 },
    ];
    const m = planMarkers(c.grid, points, c.beamDirection, 1, null, 0.6, 2);
    const at = (i: number, j: number, k: number) => m[i + 5 * (j + 30 * k)];
    expect(at(2, 5, 1)).toBe(MARKER.other);
    expect(at(2, 15, 2)).toBe(MARKER.slice);
    expect(at(2, 17, 2)).toBe(MARKER.slice); // 2 mm along the beam: inside the cigar
    expect(at(0, 15, 2)).toBe(0); // 2 mm across: outside
    expect(at(2, 25, 0)).toBe(0);
    const sel = planMarkers(c.grid, points, c.beamDirection, 1, 0, 0.6, 2);
    expect(sel[2 + 5 * (5 + 30 * 1)]).toBe(MARKER.selected);
  });

  it('caseFromNifti reads an image and a label map with a label-name file', () => {
    const grid = createGrid([4, 3, 2], [0.002, 0.002, 0.003], [0, 0, 0]);
    const image = new Float32Array(24).map((_, i) => i * 10);
    const labels = new Uint8Array(24).map((_, i) => (i < 12 ? 1 : 7));
    for (let i = 0; i < 24; i++) image[i] = 100 + i; // bright: no voxel is taken for air around the body
    const c = caseFromNifti(
      { name: 't2.nii', bytes: encodeNifti({ grid, data: image }) },
      { name: 'seg.nii.gz', bytes: encodeNifti({ grid, data: labels }, { gzip: true }) },
      { name: 'map.json', text: '{"1": "Water", "7": "fibroid"}' },
    );
    expect(c.name).toBe('t2');
    expect(c.grid.shape).toEqual([4, 3, 2]);
    expect(Array.from(c.image.slice(0, 3))).toEqual([100, 101, 102]);
    expect(c.structures.water).toBe(1);
    expect(c.structures.fibroid).toBe(7);
    expect(c.core?.target).toBe('fibroid');
    expect(c.target).toBe('fibroid');
  });

  it('caseFromNifti names the file when the label map does not match the image grid', () => {
    const a = createGrid([4, 3, 2], [0.001, 0.001, 0.001], [0, 0, 0]);
    const b = createGrid([4, 3, 3], [0.001, 0.001, 0.001], [0, 0, 0]);
    expect(() =>
      caseFromNifti(
        { name: 'img.nii', bytes: encodeNifti({ grid: a, data: new Float32Array(24) }) },
        { name: 'seg.nii', bytes: encodeNifti({ grid: b, data: new Uint8Array(36) }) },
      ),
    ).toThrow(/seg\.nii/);
  });
});
