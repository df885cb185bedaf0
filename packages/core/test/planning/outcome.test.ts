import { describe, expect, it } from 'vitest';
import { createGrid } from '../../src/index.js';
import { computeOutcome, planTotals } from '../../src/planning/outcome.js';
import { parsePlan } from '../../src/planning/plan.js';

const plan = parsePlan({
  format: 'openfuas-plan',
  version: 1,
  device: { preset: 'clinical-0.8mhz' },
  sonications: [
    { focus: [0, 0, 0], power: 400, exposure: 3, cooling: 6, slice: 0 },
    { focus: [0.003, 0, 0], power: 300, exposure: 2, cooling: 4, slice: 0 },
  ],
});

describe('computeOutcome', () => {
  const grid = createGrid([10, 10, 10], [1e-3, 1e-3, 1e-3]);
  const structures = { fibroid: 1, skin: 2, muscle: 3 };
  const labels = new Uint8Array(1000).fill(3);
  for (let i = 0; i < 400; i++) labels[i] = 1; // 400 mm³ of fibroid
  labels[999] = 2;
  const maxTemperature = new Float32Array(1000).fill(40);
  const dose = new Float32Array(1000);
  for (let i = 0; i < 300; i++) dose[i] = 500; // 300 mm³ ablated, all in fibroid
  dose[500] = 300; // 1 mm³ of muscle ablated
  maxTemperature[10] = 85;
  maxTemperature[999] = 45;

  const out = computeOutcome({ plan, grid, labels, structures, target: 'fibroid', maxTemperature, dose });

  it('computes volumes, NPV ratio, energy, times and EEF from their definitions', () => {
    expect(planTotals(plan)).toEqual({ energy: 400 * 3 + 300 * 2, sonicationTime: 5, treatmentTime: 15 });
    expect(out.target.volume).toBeCloseTo(400e-9, 15);
    expect(out.ablatedTargetVolume).toBeCloseTo(300e-9, 15);
    expect(out.ablatedVolume).toBeCloseTo(301e-9, 15);
    expect(out.npvRatio).toBeCloseTo(0.75, 12);
    expect(out.eef).toBeCloseTo((0.7 * 1800) / 300, 12);
    expect(out.sonications).toBe(2);
    expect(out.peakTemperature).toBe(85);
  });

  it('reports per-structure maxima and findings for protected tissue', () => {
    expect(out.structures.skin).toEqual({ maxTemperature: 45, maxDose: 0, simulated: true });
    expect(out.structures.muscle.maxDose).toBe(300);
    const codes = out.findings.map((f) => f.code);
    expect(codes).toContain('muscle-ablated');
    expect(codes).toContain('skin-temperature');
    expect(codes).not.toContain('low-npv-ratio');
  });

  it('marks a structure with no voxel in the simulated domains as not simulated (37 °C assumed, not computed)', () => {
    const withBone = computeOutcome({
      plan,
      grid,
      labels,
      structures: { ...structures, bone: 9 },
      target: 'fibroid',
      maxTemperature,
      dose,
    });
    expect(withBone.structures.bone).toEqual({ maxTemperature: 37, maxDose: 0, simulated: false });
    expect(withBone.structures.muscle.simulated).toBe(true);
    // a near-field maximum counts as simulated
    const near = computeOutcome({
      plan,
      grid,
      labels,
      structures: { ...structures, bone: 9 },
      target: 'fibroid',
      maxTemperature,
      dose,
      otherMaxima: { bone: { maxTemperature: 38, maxDose: 0 } },
    });
    expect(near.structures.bone).toEqual({ maxTemperature: 38, maxDose: 0, simulated: true });
  });

  it('refuses maps of the wrong size or with NaN', () => {
    expect(() => computeOutcome({ plan, grid, labels, structures, target: 'fibroid', maxTemperature: new Float32Array(5), dose })).toThrow(
      /1000 voxels/,
    );
    const bad = maxTemperature.slice();
    bad[3] = Number.NaN;
    expect(() => computeOutcome({ plan, grid, labels, structures, target: 'fibroid', maxTemperature: bad, dose })).toThrow(/non-finite/);
  });
});
