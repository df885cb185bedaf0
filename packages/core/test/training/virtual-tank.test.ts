// The virtual tank (exercise 1): water is not tissue. A 400 W shot (the one that left a lethal-dose column in the
// bath in front of the block: bubble reflection heats the water) gives no dose and no lesion in the water.
import { describe, expect, it } from 'vitest';
import { tankShot } from '../../src/training/virtual-tank.js';

describe('virtual tank', () => {
  it('a 400 W × 2 s shot: a lesion in the block, no dose in the bath in front of it', async () => {
    const depth = 0.025;
    const r = await tankShot({ power: 400, duration: 2, cooling: 0, depth });
    const { nx, nz, spacing, z0, dose, temperature } = r.plane;
    const surface = 0.15 - depth; // the block's face: R (0.15 m) − the focus depth, transducer frame
    let waterDose = 0;
    let waterHeated = 0;
    let blockLesion = 0;
    for (let k = 0; k < nz; k++) {
      const z = z0 + k * spacing;
      for (let i = 0; i < nx; i++) {
        const d = dose[i + nx * k];
        if (z < surface - 1e-9) {
          waterDose = Math.max(waterDose, d);
          waterHeated = Math.max(waterHeated, temperature[i + nx * k]);
        } else if (d >= 240) blockLesion++;
      }
    }
    expect(waterDose).toBe(0);
    expect(blockLesion).toBeGreaterThan(0);
    expect(r.lesion.length).toBeGreaterThan(0);
    // the lesion (240 CEM43) lies in the block: its near end no closer to the transducer than the block's face
    expect(r.lesion.centroidShift).not.toBeNull();
    expect(depth + (r.lesion.centroidShift as number) - r.lesion.length / 2).toBeGreaterThanOrEqual(-spacing);
    expect(waterHeated).toBeGreaterThan(20); // the bath still heats: only its dose is not a lesion
  }, 120_000);
});
