import type { Case } from '../../src/case/case.js';
import { LABEL, STANDARD_STRUCTURES } from '../../src/case/structures.js';
import { createGrid } from '../../src/grid/grid3d.js';

/**
 * A laterally uniform slab "patient" for beam tests, 1 mm voxels, RAS: water for y > 0 mm, then skin 2 mm, fat
 * 12 mm, muscle 8 mm, uterus 18 mm, fibroid down to the grid's end (y = −110 mm); x and z span ±30 mm.
 * Voxel centres sit on whole millimetres, interfaces half-way between them (y = 0.5, −1.5, −13.5, −21.5, −39.5 mm).
 * Optional blobs (spheres of `radius` mm at `centre` mm) of another structure, e.g. bowel gas or bone on the axis.
 */
export function slabCase(
  blobs: Array<{ label: number; centre: [number, number, number]; radius: number }> = [],
  withWater = true,
): Pick<Case, 'grid' | 'labels' | 'structures' | 'tissueOverrides'> {
  const shape: [number, number, number] = [61, 121, 61];
  const grid = createGrid(shape, [0.001, 0.001, 0.001], [-0.03, -0.11, -0.03]);
  const labels = new Uint8Array(shape[0] * shape[1] * shape[2]);
  for (let k = 0; k < shape[2]; k++)
    for (let j = 0; j < shape[1]; j++)
      for (let i = 0; i < shape[0]; i++) {
        const x = i - 30;
        const y = j - 110;
        const z = k - 30;
        let l: number;
        if (y > 0) l = withWater ? LABEL.water : LABEL.fat;
        else if (y > -2) l = LABEL.skin;
        else if (y > -14) l = LABEL.fat;
        else if (y > -22) l = LABEL.muscle;
        else if (y > -40) l = LABEL.uterus;
        else l = LABEL.fibroid;
        for (const b of blobs) if (Math.hypot(x - b.centre[0], y - b.centre[1], z - b.centre[2]) <= b.radius) l = b.label;
        labels[i + shape[0] * (j + shape[1] * k)] = l;
      }
  return { grid, labels, structures: [...STANDARD_STRUCTURES], tissueOverrides: {} };
}
