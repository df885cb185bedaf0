// A small synthetic pelvis for planner tests: spheres on a 1 mm grid, RAS axes aligned, beam along −A.
import { createGrid } from '../../src/index.js';
import type { PlanningCase } from '../../src/planning/planning-case.js';

export const LABELS = {
  water: 1,
  skin: 2,
  fat: 3,
  muscle: 4,
  uterus: 5,
  endometrium: 6,
  fibroid: 7,
  bowel: 8,
  'bowel-gas': 9,
  bone: 10,
} as const;

export interface SyntheticOptions {
  /** put a gas-filled bowel loop between the skin and the fibroid */
  bowelInPath?: boolean;
  /** fibroid radius, mm */
  fibroidRadiusMm?: number;
}

/** 120 × 120 × 120 mm at 1 mm; the anterior wall at y > 40 mm, uterus centred at y = 0. */
export function syntheticCase(options: SyntheticOptions = {}): PlanningCase {
  const n = 120;
  const grid = createGrid([n, n, n], [1e-3, 1e-3, 1e-3], [-0.06, -0.06, -0.06]);
  const labels = new Uint8Array(n * n * n);
  const fr = options.fibroidRadiusMm ?? 25;
  for (let k = 0; k < n; k++)
    for (let j = 0; j < n; j++)
      for (let i = 0; i < n; i++) {
        const x = i - 60,
          y = j - 60,
          z = k - 60; // mm, RAS
        let l: number = LABELS.muscle;
        if (y > 55) l = LABELS.water;
        else if (y > 53) l = LABELS.skin;
        else if (y > 40) l = LABELS.fat;
        else if (y > 32) l = LABELS.muscle;
        if (Math.hypot(x, y, z) < 35) l = LABELS.uterus;
        if (Math.hypot(x / 25, (y + 22) / 4, z / 12) < 1) l = LABELS.endometrium;
        if (Math.hypot(x, y - 5, z) < fr) l = LABELS.fibroid;
        if (y < -45) l = LABELS.bone;
        if (options.bowelInPath && Math.hypot(x - 5, y - 36, z) < 4) l = LABELS['bowel-gas'];
        else if (options.bowelInPath && Math.hypot(x - 5, y - 36, z) < 6) l = LABELS.bowel;
        labels[i + n * (j + n * k)] = l;
      }
  return { name: 'synthetic', grid, labels, structures: { ...LABELS }, target: 'fibroid', beamDirection: [0, -1, 0] };
}
