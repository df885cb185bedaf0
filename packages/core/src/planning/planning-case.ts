import { InputError } from '../errors.js';
import type { Grid3D, Vec3 } from '../grid/grid3d.js';

/**
 * What the planner needs of a patient case: a label map on a grid whose affine maps voxels to patient RAS mm,
 * the structure names of its labels, the target structure and the beam direction (RAS unit vector).
 */
export interface PlanningCase {
  name?: string;
  grid: Grid3D;
  labels: Uint8Array;
  /** structure name → label value (names as in the case model: "fibroid", "uterus", "bowel-gas", ...) */
  structures: Readonly<Record<string, number>>;
  /** structure name of the target (default "fibroid") */
  target?: string;
  /** beam direction in RAS (default [0, −1, 0]: prone patient, transducer below, anterior → posterior) */
  beamDirection?: Vec3;
}

/** Structures that make up the uterus body: the serosa is the outer surface of their union. */
export const UTERINE_STRUCTURES = ['uterus', 'fibroid', 'endometrium'] as const;

/** Label values of the named structures that the case has (unknown names are ignored). */
export function labelsOf(c: PlanningCase, names: readonly string[]): Set<number> {
  const out = new Set<number>();
  for (const n of names) if (c.structures[n] !== undefined) out.add(c.structures[n]);
  return out;
}

/** Checks a planning case's arrays and names; throws InputError naming what is wrong. */
export function validatePlanningCase(c: PlanningCase): void {
  const n = c.grid.shape[0] * c.grid.shape[1] * c.grid.shape[2];
  if (c.labels.length !== n) throw new InputError('case.labels', `has ${c.labels.length} voxels, the grid ${n}`);
  const target = c.target ?? 'fibroid';
  if (c.structures[target] === undefined) {
    throw new InputError('case.target', `structure "${target}" is not in the case (has: ${Object.keys(c.structures).join(', ')})`);
  }
}
