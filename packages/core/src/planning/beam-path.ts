import type { Grid3D, Vec3 } from '../grid/grid3d.js';
import { rasMmToVoxel } from '../grid/grid3d.js';
import type { PlanningCase } from './planning-case.js';
import type { FocusProblem } from './treatment-sources.js';

/** What a beam cone crosses between the transducer and a focus. */
export interface BeamPathCheck {
  /** structures the cone crosses that forbid the sonication (gas reflects, bone absorbs and heats) */
  blocking: string[];
  /** structures the cone crosses that call for care (bowel wall, scar) */
  caution: string[];
}

/** Structures that block a beam path, and ones that are flagged. */
export const BLOCKING_STRUCTURES = ['bowel-gas', 'air', 'bone'] as const;
export const CAUTION_STRUCTURES = ['bowel', 'scar'] as const;

/**
 * Marches rays inside the cone from the focus back to the bowl (half-angle asin(a/R), a the aperture radius,
 * R the focal length, including the central axis even where a hole removes its energy: the imaging probe looks
 * through it) and reports the structures met. Rays: the axis plus `rings` rings of `azimuths` rays, stepped at
 * half the smallest voxel size until they leave the grid or reach the bowl.
 */
export function checkBeamPath(
  c: PlanningCase,
  focusRas: Vec3,
  beamDirection: Vec3,
  geometry: { radiusOfCurvature: number; aperture: number },
  options: { rings?: number; azimuths?: number } = {},
): BeamPathCheck {
  const rings = options.rings ?? 3;
  const azimuths = options.azimuths ?? 16;
  const grid: Grid3D = c.grid;
  const byLabel = new Map<number, string>();
  for (const [name, label] of Object.entries(c.structures)) byLabel.set(label, name);
  const watched = new Set<string>([...BLOCKING_STRUCTURES, ...CAUTION_STRUCTURES]);
  const found = new Set<string>();
  const R = geometry.radiusOfCurvature;
  const halfAngle = Math.asin(Math.min(1, geometry.aperture / 2 / R));
  const [u, v] = perpendicularBasis(beamDirection);
  const step = 0.5 * Math.min(grid.spacing[0], grid.spacing[1], grid.spacing[2]);
  const [nx, ny, nz] = grid.shape;
  const vox = [0, 0, 0];
  const rays: Vec3[] = [[-beamDirection[0], -beamDirection[1], -beamDirection[2]]];
  for (let r = 1; r <= rings; r++) {
    const theta = (halfAngle * r) / rings;
    for (let a = 0; a < azimuths; a++) {
      const phi = (2 * Math.PI * (a + (r % 2) * 0.5)) / azimuths;
      const cu = Math.sin(theta) * Math.cos(phi),
        cv = Math.sin(theta) * Math.sin(phi),
        cd = -Math.cos(theta);
      rays.push([
        cu * u[0] + cv * v[0] + cd * beamDirection[0],
        cu * u[1] + cv * v[1] + cd * beamDirection[1],
        cu * u[2] + cv * v[2] + cd * beamDirection[2],
      ]);
    }
  }
  for (const ray of rays) {
    for (let t = step; t < R; t += step) {
      const x = (focusRas[0] + t * ray[0]) * 1000,
        y = (focusRas[1] + t * ray[1]) * 1000,
        z = (focusRas[2] + t * ray[2]) * 1000;
      rasMmToVoxel(grid, x, y, z, vox);
      const i = Math.round(vox[0]),
        j = Math.round(vox[1]),
        k = Math.round(vox[2]);
      if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) break;
      const name = byLabel.get(c.labels[i + nx * (j + ny * k)]);
      if (name !== undefined && watched.has(name)) found.add(name);
    }
  }
  const blocking = BLOCKING_STRUCTURES.filter((s) => found.has(s));
  const caution = CAUTION_STRUCTURES.filter((s) => found.has(s));
  return { blocking, caution };
}

/** Two unit vectors u, v completing the unit vector d to a right-handed orthonormal basis (u × v = d). */
export function perpendicularBasis(d: Vec3): [Vec3, Vec3] {
  const helper: Vec3 = Math.abs(d[2]) < 0.9 ? [0, 0, 1] : [1, 0, 0];
  let u: Vec3 = [helper[1] * d[2] - helper[2] * d[1], helper[2] * d[0] - helper[0] * d[2], helper[0] * d[1] - helper[1] * d[0]];
  const nu = Math.hypot(u[0], u[1], u[2]);
  u = [u[0] / nu, u[1] / nu, u[2] / nu];
  const v: Vec3 = [d[1] * u[2] - d[2] * u[1], d[2] * u[0] - d[0] * u[2], d[0] * u[1] - d[1] * u[0]];
  return [u, v];
}

/** Where a focus's beam cone crosses the couch window's plane (m; see couchWindowClearance). */
export interface CouchWindowClearance {
  /** distance of the focus from the window's axis (through membraneCenter along the beam) */
  offset: number;
  /** radius of the cone (aperture rim → focus) where it crosses the window's plane */
  coneRadius: number;
  /** the window's radius */
  windowRadius: number;
  /** windowRadius − offset − coneRadius: negative where part of the cone misses the window */
  margin: number;
}

/**
 * How the geometric beam cone of a focus (half-angle asin(a/R), a the aperture radius: every ray from the bowl's
 * rim to the focus) crosses the couch's acoustic window, a disc of radius windowRadius around membraneCenter
 * normal to the beam. The cone crosses the window's plane `h` before the focus (h = (focus − membraneCenter)·beam)
 * as a disc of radius h·tan(half-angle) around the focus's foot on the plane, so it passes through the window
 * when offset + h·tan(half-angle) ≤ windowRadius. A focus on the water side of the plane (h ≤ 0) counts its offset
 * only (other rules refuse a focus outside the body).
 */
export function couchWindowClearance(
  focusRas: Vec3,
  couch: { beamDirection: Vec3; membraneCenter: Vec3; windowRadius: number },
  geometry: { radiusOfCurvature: number; aperture: number },
): CouchWindowClearance {
  const b = couch.beamDirection;
  const m = couch.membraneCenter;
  const d = [focusRas[0] - m[0], focusRas[1] - m[1], focusRas[2] - m[2]];
  const h = d[0] * b[0] + d[1] * b[1] + d[2] * b[2];
  const offset = Math.hypot(d[0] - h * b[0], d[1] - h * b[1], d[2] - h * b[2]);
  const halfAngle = Math.asin(Math.min(1, geometry.aperture / 2 / geometry.radiusOfCurvature));
  const coneRadius = Math.max(0, h) * Math.tan(halfAngle);
  return { offset, coneRadius, windowRadius: couch.windowRadius, margin: couch.windowRadius - offset - coneRadius };
}

/**
 * The window rule as a focus problem (reason "outside-window", values in m), or null where the cone passes.
 * No published dimension of the JC200 couch opening was found (Haifu device papers, FDA/NMPA descriptions searched);
 * the cases' 0.1 m window radius equals the aperture radius of the 200 mm JC200-class bowl
 * (shared/reference/devices-and-protocol.md): the smallest opening that passes a centred bowl's whole cone at every
 * depth it reaches (there the cone is narrower than the aperture). A measured window belongs in the case's couch.
 */
export function couchWindowProblem(
  focusRas: Vec3,
  couch: { beamDirection: Vec3; membraneCenter: Vec3; windowRadius: number },
  geometry: { radiusOfCurvature: number; aperture: number },
): FocusProblem | null {
  const w = couchWindowClearance(focusRas, couch, geometry);
  if (w.margin >= 0) return null;
  const mm = (x: number) => (x * 1000).toFixed(1);
  return {
    reason: 'outside-window',
    params: { offset: w.offset, coneRadius: w.coneRadius, windowRadius: w.windowRadius },
    message: `the beam cone to the focus (${focusRas.map(mm).join(', ')}) mm misses the couch window: it reaches ${mm(w.offset + w.coneRadius)} mm from the window's centre (${mm(w.offset)} mm off its axis, cone radius ${mm(w.coneRadius)} mm there), the window's radius is ${mm(w.windowRadius)} mm`,
  };
}
