import { describe, expect, it } from 'vitest';
import { generatePhantom, labelCentroid, nonPerfusedVolume, parsePlan, perpendicularBasis, simulatePlan } from '../../src/index.js';

// Grid convergence of the non-perfused volume (issue 11: the NPV ratio moves ≤ 2 percentage points when the fine
// grid is refined 1.5×; the demo itself is measured in the validation report, `npm run validate -- outcome-grid`). A
// small fibroid (16 mm) with four points 4.5 mm off its centre at the demo's sized shot (85 W × 3 s). Measured on
// 2026-12-07: NPV ratio 8.8 % at 0.5 mm and 9.1 % at 1/3 mm, volume +3.8 %. The ischaemic extension of enclosed tissue
// converges on its own in non-perfused-volume.test.ts (isolated lesions like these enclose none).
describe('non-perfused volume under grid refinement', () => {
  it('moves ≤ 2 percentage points (and ≤ 10 % of its volume) from 0.5 mm to 1/3 mm', async () => {
    const c = generatePhantom({ fibroids: [{ diameterMm: 16 }], voxelSizeMm: 2 });
    const target = c.structures.find((s) => s.name === c.target)!.label;
    const f = labelCentroid(c, target);
    const [u, v] = perpendicularBasis(c.couch.beamDirection);
    const sonications = [
      [0.9, 0],
      [-0.9, 0],
      [0, 0.9],
      [0, -0.9],
    ].map(([a, b]) => ({
      focus: [0, 1, 2].map((r) => f[r] + 0.005 * (a * u[r] + b * v[r])),
      power: 85,
      exposure: 3,
      cooling: 6,
      slice: 0,
    }));
    const plan = parsePlan({ format: 'openfuas-plan', version: 2, device: { preset: 'clinical-0.8mhz' }, sonications });
    const run = async (h: number) => {
      const r = await simulatePlan(c, plan, { fineSpacing: h, nearField: false, targetMargin: 0.004 });
      const vascular = nonPerfusedVolume({ grid: r.grid, labels: r.labels, dose: r.dose, targetLabel: target, ischaemia: false });
      return { ratio: r.outcome.npvRatio, volume: r.outcome.nonPerfusedTargetVolume, vascular: vascular.targetVolume };
    };
    const coarse = await run(0.5e-3);
    const fine = await run(0.5e-3 / 1.5);
    expect(coarse.vascular).toBeGreaterThan(0);
    expect(coarse.ratio).toBeGreaterThan(0.05); // a real volume to converge, not a rounding of zero
    expect(Math.abs(fine.ratio - coarse.ratio)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(fine.volume - coarse.volume) / fine.volume).toBeLessThanOrEqual(0.1);
  }, 180_000);
});
