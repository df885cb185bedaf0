import { InputError } from '../errors.js';
import type { Vec3 } from '../grid/grid3d.js';
import { rasMmToVoxel } from '../grid/grid3d.js';
import type { PlanningCase } from './planning-case.js';

/** Structures that are outside the patient: the beam crosses them before the skin. */
const COUPLING_STRUCTURES = new Set(['water']);

/** The tissue layers met along the beam axis from the skin to a focus (planar-layer model of the path). */
export interface BeamAxisLayers {
  /** distance from the skin to the focus along the beam, m */
  depthBelowSkin: number;
  /** runs of structures from the skin inward, each with its thickness along the axis (m); the last one holds the focus */
  layers: Array<{ structure: string; thickness: number }>;
}

/**
 * Walks the beam axis back from the focus towards the transducer (steps of a quarter voxel) until it leaves
 * the body (a coupling-water voxel or the grid's edge) and returns the runs of structures in order from the
 * skin inward. Runs thinner than `minThickness` (0.5 mm) are merged into their neighbour: partial-volume
 * staircase artefacts of the label map are not tissue layers.
 */
export function beamAxisLayers(c: PlanningCase, focus: Vec3, beam: Vec3, minThickness = 0.5e-3): BeamAxisLayers {
  const byLabel = new Map<number, string>();
  for (const [name, label] of Object.entries(c.structures)) byLabel.set(label, name);
  const grid = c.grid;
  const [nx, ny, nz] = grid.shape;
  const step = 0.25 * Math.min(grid.spacing[0], grid.spacing[1], grid.spacing[2]);
  const v = [0, 0, 0];
  const names: string[] = [];
  let t = 0;
  for (;; t += step) {
    rasMmToVoxel(grid, (focus[0] - t * beam[0]) * 1000, (focus[1] - t * beam[1]) * 1000, (focus[2] - t * beam[2]) * 1000, v);
    const i = Math.round(v[0]), j = Math.round(v[1]), k = Math.round(v[2]);
    if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) break;
    const name = byLabel.get(c.labels[i + nx * (j + ny * k)]) ?? 'soft-tissue';
    if (COUPLING_STRUCTURES.has(name)) break;
    names.push(name);
  }
  if (names.length === 0) throw new InputError('focus', `focus at (${focus.map((x) => (x * 1000).toFixed(1)).join(', ')}) mm is not inside the patient`);
  // names[0] is at the focus; reverse to go from the skin inward, then run-length encode.
  names.reverse();
  const runs: Array<{ structure: string; thickness: number }> = [];
  for (const n of names) {
    const last = runs[runs.length - 1];
    if (last && last.structure === n) last.thickness += step;
    else runs.push({ structure: n, thickness: step });
  }
  // Merge slivers into the previous run (or the next one at the start).
  const merged: typeof runs = [];
  for (const r of runs) {
    const last = merged[merged.length - 1];
    if (last && (r.thickness < minThickness || last.structure === r.structure)) last.thickness += r.thickness;
    else merged.push({ ...r });
  }
  if (merged.length > 1 && merged[0].thickness < minThickness) {
    merged[1].thickness += merged[0].thickness;
    merged.shift();
  }
  return { depthBelowSkin: names.length * step, layers: merged };
}
