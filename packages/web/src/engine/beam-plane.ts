import { type Grid3D, type Vec3, rasMmToVoxel } from '@openfuas/core';

/**
 * Geometry of the transducer side view: a plane through the focus that contains the beam axis, with plane
 * coordinates (u across, w along the beam; mm, the focus at 0, 0; w < 0 towards the transducer). The view draws w
 * upwards (the patient lies prone above the water bath, the bowl below) and u to the right.
 */
export type SideViewPlane = 'sagittal' | 'transverse';

export interface BeamPlaneFrame {
  /** the focus, RAS mm */
  origin: Vec3;
  /** unit beam direction (RAS), drawn upwards */
  along: Vec3;
  /** unit lateral direction in the plane (RAS), drawn to the right */
  across: Vec3;
}

/**
 * The frame of a side view. Sagittal: the plane of the beam and the head–foot axis, drawn as a sagittal image turned
 * so that anterior is down (head left, feet right); transverse: the plane of the beam and the left–right axis in the
 * radiological convention (patient's right on the left).
 */
export function beamPlaneFrame(focusMm: Vec3, beam: Vec3, plane: SideViewPlane): BeamPlaneFrame {
  const along = unit(beam);
  // screen right: inferior (sagittal) or the patient's left (transverse), made perpendicular to the beam
  const candidates: Vec3[] =
    plane === 'sagittal'
      ? [
          [0, 0, -1],
          [-1, 0, 0],
        ]
      : [
          [-1, 0, 0],
          [0, 0, -1],
        ];
  for (const c of candidates) {
    const d = c[0] * along[0] + c[1] * along[1] + c[2] * along[2];
    const p: Vec3 = [c[0] - d * along[0], c[1] - d * along[1], c[2] - d * along[2]];
    if (Math.hypot(p[0], p[1], p[2]) > 0.2) return { origin: focusMm, along, across: unit(p) };
  }
  return { origin: focusMm, along, across: unit([along[1], -along[0], 0]) };
}

/** RAS mm of plane point (u, w). */
export function planeToRas(f: BeamPlaneFrame, u: number, w: number): Vec3 {
  return [
    f.origin[0] + u * f.across[0] + w * f.along[0],
    f.origin[1] + u * f.across[1] + w * f.along[1],
    f.origin[2] + u * f.across[2] + w * f.along[2],
  ];
}

/** Plane coordinates (u, w) of a RAS mm point, and its distance from the plane (mm, signed). */
export function rasToPlane(f: BeamPlaneFrame, p: Vec3): { u: number; w: number; off: number } {
  const d = [p[0] - f.origin[0], p[1] - f.origin[1], p[2] - f.origin[2]];
  const u = d[0] * f.across[0] + d[1] * f.across[1] + d[2] * f.across[2];
  const w = d[0] * f.along[0] + d[1] * f.along[1] + d[2] * f.along[2];
  const n = [
    f.across[1] * f.along[2] - f.across[2] * f.along[1],
    f.across[2] * f.along[0] - f.across[0] * f.along[2],
    f.across[0] * f.along[1] - f.across[1] * f.along[0],
  ];
  return { u, w, off: d[0] * n[0] + d[1] * n[1] + d[2] * n[2] };
}

/** A spherical bowl's section through its axis, in plane mm around its focus. */
export interface BowlSection {
  /** the two halves of the radiating surface, from the central hole's edge to the rim: [u, w] points */
  halves: Array<Array<[number, number]>>;
  /** rim points (left, right) */
  rim: [[number, number], [number, number]];
  /** edges of the central hole (left, right); equal to the apex without a hole */
  hole: [[number, number], [number, number]];
  /** apex of the cap (on the axis), where the imaging probe looks through the hole */
  apex: [number, number];
}

/**
 * The bowl's section: the arc of radius R (radius of curvature) around the focus, on the transducer side, between
 * the half-angles asin(h/2R) of the hole and asin(a/2R) of the aperture (a, h diameters). Metres in, mm out.
 */
export function bowlSection(bowl: { radiusOfCurvature: number; aperture: number; holeDiameter: number }, steps = 48): BowlSection {
  const R = bowl.radiusOfCurvature * 1000;
  const outer = Math.asin(Math.min(1, bowl.aperture / 2 / bowl.radiusOfCurvature));
  const inner = Math.asin(Math.min(1, Math.max(0, bowl.holeDiameter) / 2 / bowl.radiusOfCurvature));
  const at = (theta: number, side: number): [number, number] => [side * R * Math.sin(theta), -R * Math.cos(theta)];
  const halves = [-1, 1].map((side) => {
    const pts: Array<[number, number]> = [];
    for (let s = 0; s <= steps; s++) pts.push(at(inner + ((outer - inner) * s) / steps, side));
    return pts;
  });
  return { halves, rim: [at(outer, -1), at(outer, 1)], hole: [at(inner, -1), at(inner, 1)], apex: [0, -R] };
}

/** The rectangle of plane mm a side view shows. */
export interface PlaneExtent {
  uMin: number;
  uMax: number;
  wMin: number;
  wMax: number;
}

/**
 * What a side view shows: the bowl (with `margin` mm around it) and the case image beyond the focus, up to its far
 * side along the beam (at most `farMax` mm).
 */
export function sideViewExtent(
  grid: Grid3D,
  f: BeamPlaneFrame,
  halfWidthMm: number,
  bowlDepthMm: number,
  margin = 12,
  farMax = 160,
): PlaneExtent {
  let far = 30;
  const m = grid.affine;
  for (const i of [-0.5, grid.shape[0] - 0.5])
    for (const j of [-0.5, grid.shape[1] - 0.5])
      for (const k of [-0.5, grid.shape[2] - 0.5]) {
        const p: Vec3 = [
          m[0] * i + m[1] * j + m[2] * k + m[3],
          m[4] * i + m[5] * j + m[6] * k + m[7],
          m[8] * i + m[9] * j + m[10] * k + m[11],
        ];
        far = Math.max(far, rasToPlane(f, p).w);
      }
  return { uMin: -halfWidthMm - margin, uMax: halfWidthMm + margin, wMin: -bowlDepthMm - margin, wMax: Math.min(far, farMax) };
}

/**
 * Case voxel under each pixel of a width × height raster of the extent (row 0 at the top = deepest w), or −1
 * outside the grid: the side view draws the image, labels and margin region through it.
 */
export function samplePlane(grid: Grid3D, f: BeamPlaneFrame, e: PlaneExtent, width: number, height: number): Int32Array {
  const out = new Int32Array(width * height);
  const [nx, ny, nz] = grid.shape;
  const v = [0, 0, 0];
  for (let y = 0; y < height; y++) {
    const w = e.wMax - ((y + 0.5) / height) * (e.wMax - e.wMin);
    for (let x = 0; x < width; x++) {
      const u = e.uMin + ((x + 0.5) / width) * (e.uMax - e.uMin);
      const p = planeToRas(f, u, w);
      rasMmToVoxel(grid, p[0], p[1], p[2], v);
      const i = Math.round(v[0]);
      const j = Math.round(v[1]);
      const k = Math.round(v[2]);
      out[x + width * y] = i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz ? -1 : i + nx * (j + ny * k);
    }
  }
  return out;
}

/** The patient-direction letter of a RAS direction (its largest component): R/L, A/P, S/I. */
export function directionLetter(d: Vec3): string {
  const a = [Math.abs(d[0]), Math.abs(d[1]), Math.abs(d[2])];
  const axis = a[0] >= a[1] && a[0] >= a[2] ? 0 : a[1] >= a[2] ? 1 : 2;
  return (d[axis] >= 0 ? 'RAS' : 'LPI')[axis];
}

function unit(d: Vec3): Vec3 {
  const n = Math.hypot(d[0], d[1], d[2]);
  return [d[0] / n, d[1] / n, d[2] / n];
}
