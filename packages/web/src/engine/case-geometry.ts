import { type Vec3, labelCentroidVoxel, rasMmToVoxel, voxelToRasMm, voxelVolume } from '@openfuas/core';
import type { WorkstationCase } from './workstation-case.js';

/** Structures outside the patient: a ray that reaches one of these has left the body through the skin. */
const OUTSIDE = new Set(['air', 'background', 'water']);

function outsideLabels(c: WorkstationCase): Set<number> {
  const out = new Set<number>();
  for (const [name, label] of Object.entries(c.structures)) if (OUTSIDE.has(name)) out.add(label);
  return out;
}

/**
 * Depth of a voxel below the skin along the beam, in metres: the distance from the voxel back towards the
 * transducer (against the beam direction) to the first voxel outside the body (air or water), marched in steps
 * of a quarter of the smallest voxel size. Null when the voxel itself is outside, there is no label map, or
 * the ray leaves the grid without meeting the skin.
 */
export function depthFromSkin(c: WorkstationCase, voxel: Vec3): number | null {
  if (!c.labels) return null;
  const outside = outsideLabels(c);
  const g = c.grid;
  const [nx, ny, nz] = g.shape;
  const at = (i: number, j: number, k: number) => c.labels![i + nx * (j + ny * k)];
  if (outside.has(at(voxel[0], voxel[1], voxel[2]))) return null;
  const startMm = voxelToRasMm(g, voxel[0], voxel[1], voxel[2]);
  const stepMm = (Math.min(g.spacing[0], g.spacing[1], g.spacing[2]) * 1000) / 4;
  const d = c.beamDirection;
  const v = [0, 0, 0];
  for (let s = 1; s < 100000; s++) {
    const dist = s * stepMm;
    rasMmToVoxel(g, startMm[0] - d[0] * dist, startMm[1] - d[1] * dist, startMm[2] - d[2] * dist, v);
    const i = Math.round(v[0]);
    const j = Math.round(v[1]);
    const k = Math.round(v[2]);
    if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) return null;
    if (outside.has(at(i, j, k))) return (dist - stepMm / 2) / 1000;
  }
  return null;
}

/** Volume (m³) of every structure of the case, by name. */
export function structureVolumes(c: WorkstationCase): Record<string, number> {
  const out: Record<string, number> = {};
  if (!c.labels) return out;
  const counts = new Float64Array(256);
  for (let i = 0; i < c.labels.length; i++) counts[c.labels[i]]++;
  const dv = voxelVolume(c.grid);
  for (const [name, label] of Object.entries(c.structures)) out[name] = counts[label] * dv;
  return out;
}

/** Centroid of a structure in RAS mm, or null when it has no voxel. */
export function structureCentroidMm(c: WorkstationCase, name: string): Vec3 | null {
  const label = c.structures[name];
  if (!c.labels || label === undefined) return null;
  const v = labelCentroidVoxel(c.labels, c.grid, label);
  if (!v) return null;
  const mm = voxelToRasMm(c.grid, v[0], v[1], v[2]);
  return [mm[0], mm[1], mm[2]];
}
