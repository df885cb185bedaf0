import { type Vec3, createGrid, getTransducerPreset } from '@openfuas/core';
import { describe, expect, it } from 'vitest';
import {
  beamPlaneFrame,
  bowlSection,
  directionLetter,
  planeToRas,
  rasToPlane,
  samplePlane,
  sideViewExtent,
} from '../../src/engine/beam-plane.js';

const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

describe('transducer side view geometry', () => {
  it('beamPlaneFrame: the beam up, head left in the sagittal view, patient right left in the transverse one', () => {
    const sag = beamPlaneFrame([1, 2, 3], [0, -1, 0], 'sagittal');
    expect(sag.along).toEqual([0, -1, 0]);
    expect(sag.across).toEqual([0, 0, -1]);
    expect([directionLetter(sag.along), directionLetter(sag.across)]).toEqual(['P', 'I']);
    const tra = beamPlaneFrame([0, 0, 0], [0, -1, 0], 'transverse');
    expect(tra.across).toEqual([-1, 0, 0]);
    expect(directionLetter(tra.across)).toBe('L');
    // an oblique beam: the lateral axis stays a unit vector perpendicular to it
    const b = Math.SQRT1_2;
    const obl = beamPlaneFrame([0, 0, 0], [0, -b, b], 'sagittal');
    expect(dot(obl.across, obl.along)).toBeCloseTo(0, 12);
    expect(Math.hypot(...obl.across)).toBeCloseTo(1, 12);
    // plane coordinates and RAS round-trip; the normal offset of an off-plane point
    const p = planeToRas(sag, 12, -40);
    expect(p).toEqual([1, 42, -9]);
    const back = rasToPlane(sag, [p[0] + 2, p[1], p[2]]);
    expect(back.u).toBeCloseTo(12, 12);
    expect(back.w).toBeCloseTo(-40, 12);
    expect(Math.abs(back.off)).toBeCloseTo(2, 12);
  });

  it('bowlSection: the clinical bowl’s arc at R from the focus, rim at the aperture, hole at its diameter', () => {
    const bowl = getTransducerPreset('clinical-0.8mhz');
    const s = bowlSection(bowl);
    const R = bowl.radiusOfCurvature * 1000;
    for (const half of s.halves) for (const [u, w] of half) expect(Math.hypot(u, w)).toBeCloseTo(R, 9);
    // rim: ±a/2 across, √(R² − a²/4) towards the transducer (150 mm, 200 mm: 111.8 mm)
    expect(s.rim[1][0]).toBeCloseTo((bowl.aperture * 1000) / 2, 9);
    expect(s.rim[0][0]).toBeCloseTo((-bowl.aperture * 1000) / 2, 9);
    expect(s.rim[1][1]).toBeCloseTo(-Math.sqrt(R * R - ((bowl.aperture * 1000) / 2) ** 2), 9);
    expect(s.hole[1][0]).toBeCloseTo((bowl.holeDiameter * 1000) / 2, 9);
    expect(s.apex).toEqual([0, -R]);
    // without a hole the radiating surface reaches the axis
    expect(bowlSection({ radiusOfCurvature: 0.064, aperture: 0.064, holeDiameter: 0 }).halves[0][0][0]).toBeCloseTo(0, 12);
  });

  it('sideViewExtent and samplePlane: the bowl below, the case above, pixels on the focus voxel', () => {
    // 1 mm grid of 41³ voxels around the origin (voxel centres a quarter voxel off the pixel centres, so that no
    // sample falls on a voxel boundary); focus at the origin, beam −y
    const grid = createGrid(
      [41, 41, 41],
      [0.001, 0.001, 0.001],
      [0, 0, 0],
      [1, 0, 0, -20.25, 0, 1, 0, -20.25, 0, 0, 1, -20.25, 0, 0, 0, 1],
    );
    const f = beamPlaneFrame([0, 0, 0], [0, -1, 0], 'sagittal');
    const e = sideViewExtent(grid, f, 100, 150);
    expect(e.wMin).toBe(-162);
    expect(e.wMax).toBe(30); // the grid ends 20.75 mm beyond the focus: the view keeps at least 30 mm
    expect([e.uMin, e.uMax]).toEqual([-112, 112]);
    const width = 224;
    const height = 192;
    const idx = samplePlane(grid, f, e, width, height);
    // pixel centres every 1 mm, at half-millimetres: the pixel (0.5, 0.5) mm is in the voxel at (0, −0.5, −0.5) mm
    const pixelOf = (u: number, w: number) => Math.floor(u - e.uMin) + width * Math.floor(e.wMax - w);
    const centre = 20 + 41 * (20 + 41 * 20);
    expect(idx[pixelOf(0.2, 0.2)]).toBe(centre);
    // w = 10.5 mm along the beam (−y): voxel j = 10; u = 5.5 mm towards inferior: voxel k = 15
    expect(idx[pixelOf(5.2, 10.2)]).toBe(20 + 41 * (10 + 41 * 15));
    // the bowl region, 100 mm towards the transducer, is outside the grid
    expect(idx[pixelOf(0.2, -100)]).toBe(-1);
    const inside = idx.reduce((n, v) => n + (v >= 0 ? 1 : 0), 0);
    expect(inside).toBe(41 * 41);
  });
});
