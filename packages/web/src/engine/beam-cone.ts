import type { Grid3D, Vec3 } from '@openfuas/core';

/**
 * The geometric beam of a spherically focused bowl converging on `focus` (RAS m), as a mask on the case grid:
 * voxels between the transducer and the focus that lie inside the cone from the bowl's rim to the focus and
 * outside the inner cone of its central opening (where the imaging probe sits). Half-angles: asin(a/R) for the
 * aperture radius a and asin(h/R) for the hole radius h, R the radius of curvature (geometry only, no
 * diffraction: the focal region itself is narrower than a voxel in this picture).
 */
export function beamConeMask(
  grid: Grid3D,
  focus: Vec3,
  beam: Vec3,
  bowl: { radiusOfCurvature: number; aperture: number; holeDiameter: number },
): Uint8Array {
  const [nx, ny, nz] = grid.shape;
  const out = new Uint8Array(nx * ny * nz);
  const R = bowl.radiusOfCurvature * 1000;
  const tanOuter = Math.tan(Math.asin(Math.min(1, bowl.aperture / 2 / bowl.radiusOfCurvature)));
  const tanInner = Math.tan(Math.asin(Math.min(1, bowl.holeDiameter / 2 / bowl.radiusOfCurvature)));
  const m = grid.affine;
  const fx = focus[0] * 1000;
  const fy = focus[1] * 1000;
  const fz = focus[2] * 1000;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const dx = m[0] * i + m[1] * j + m[2] * k + m[3] - fx;
        const dy = m[4] * i + m[5] * j + m[6] * k + m[7] - fy;
        const dz = m[8] * i + m[9] * j + m[10] * k + m[11] - fz;
        // distance from the focus back towards the transducer (against the beam)
        const back = -(dx * beam[0] + dy * beam[1] + dz * beam[2]);
        if (back <= 0 || back > R) continue;
        const radial = Math.sqrt(Math.max(0, dx * dx + dy * dy + dz * dz - back * back));
        if (radial <= back * tanOuter && radial >= back * tanInner) out[i + nx * (j + ny * k)] = 1;
      }
    }
  }
  return out;
}
