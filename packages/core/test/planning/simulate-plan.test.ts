import { describe, expect, it } from 'vitest';
import { type Case, type Plan, generatePhantom, labelCentroid, parsePlan, planningCaseOf, simulatePlan } from '../../src/index.js';
import { perpendicularBasis } from '../../src/planning/beam-path.js';

/** The same small treatment for every case: a 3 × 3 lattice of 5 mm pitch on the target's centroid plane. */
function latticePlan(c: Case, power: number): Plan {
  const f = labelCentroid(c, c.structures.find((s) => s.name === c.target)!.label);
  const [u, v] = perpendicularBasis(c.couch.beamDirection);
  const sonications = [];
  for (const a of [-1, 0, 1])
    for (const b of [-1, 0, 1])
      sonications.push({
        focus: [0, 1, 2].map((r) => f[r] + 0.005 * (a * u[r] + b * v[r])),
        power,
        exposure: 3,
        cooling: 6,
        slice: 0,
      });
  return parsePlan({ format: 'openfuas-plan', version: 1, device: { preset: 'clinical-0.8mhz' }, sonications });
}

describe('simulatePlan(case, plan)', () => {
  // a 30 mm fibroid on 2 mm case voxels: every part of the pipeline at a fraction of the default phantom's cost (the
  // directions of the outcome between cases are tested in outcome-directions.test.ts)
  const base = generatePhantom({ fibroids: [{ diameterMm: 30 }], voxelSizeMm: 2 });

  it('predicts an outcome with the contract fields, from the physics', async () => {
    const plan = latticePlan(base, 80);
    const frames: Array<{ n: number; hottest: number; voxels: number; doses: number; maxDose: number }> = [];
    const r = await simulatePlan(base, plan, {
      frameIntervalMs: 0,
      onFrame: (f) =>
        frames.push({
          n: f.temperature.length,
          hottest: f.temperature.reduce((m, t) => Math.max(m, t), 0),
          voxels: f.grid.shape[0] * f.grid.shape[1] * f.grid.shape[2],
          doses: f.dose.length,
          maxDose: f.dose.reduce((m, d) => Math.max(m, d), 0),
        }),
    });
    const o = r.outcome;
    // live frames: one per sonication, on their own grid, warmer than the body
    expect(frames.length).toBe(9);
    for (const f of frames) expect(f.n).toBe(f.voxels);
    for (const f of frames) expect(f.doses).toBe(f.voxels);
    // the live dose reaches the lethal contour as lesions form, and never decreases
    expect(frames[frames.length - 1].maxDose).toBeGreaterThanOrEqual(240);
    for (let i = 1; i < frames.length; i++) expect(frames[i].maxDose).toBeGreaterThanOrEqual(frames[i - 1].maxDose);
    expect(Math.max(...frames.map((f) => f.hottest))).toBeGreaterThan(40);
    expect(Object.keys(o).sort()).toEqual(
      [
        'ablatedTargetVolume',
        'ablatedVolume',
        'eef',
        'energy',
        'findings',
        'nonPerfusedTargetVolume',
        'nonPerfusedVolume',
        'npvRatio',
        'peakTemperature',
        'sonicationTime',
        'sonications',
        'structures',
        'target',
        'treatmentTime',
      ].sort(),
    );
    expect(o.sonications).toBe(9);
    expect(o.energy).toBeCloseTo(9 * 80 * 3, 9);
    expect(o.sonicationTime).toBeCloseTo(27, 9);
    expect(o.treatmentTime).toBeCloseTo(81, 9);
    // 30 mm sphere: 14.1 cm³ (2 mm voxels: within 5 %)
    expect(o.target.volume * 1e6).toBeGreaterThan(13.4);
    expect(o.target.volume * 1e6).toBeLessThan(14.8);
    expect(o.npvRatio).toBeGreaterThan(0);
    expect(o.npvRatio).toBeLessThan(0.2);
    expect(o.ablatedVolume).toBeGreaterThanOrEqual(o.ablatedTargetVolume);
    // EEF on the non-perfused target volume, which holds the 240 CEM43 region and the tissue shut down around it
    expect(o.eef).toBeCloseTo((0.7 * o.energy) / (o.nonPerfusedTargetVolume * 1e9), 9);
    expect(o.nonPerfusedTargetVolume).toBeGreaterThanOrEqual(o.ablatedTargetVolume);
    expect(o.nonPerfusedVolume).toBeGreaterThanOrEqual(o.nonPerfusedTargetVolume);
    expect(o.npvRatio).toBeCloseTo(o.nonPerfusedTargetVolume / o.target.volume, 12);
    expect(o.peakTemperature).toBeGreaterThan(60);
    for (const name of ['skin', 'fat', 'muscle', 'uterus', 'fibroid', 'bladder', 'bone']) {
      expect(o.structures[name].maxTemperature).toBeGreaterThanOrEqual(37);
      expect(Number.isFinite(o.structures[name].maxDose)).toBe(true);
    }
    expect(o.structures.fibroid.maxTemperature).toBeCloseTo(o.peakTemperature, 6);
    expect(r.dose.every(Number.isFinite)).toBe(true);
    expect(r.maxTemperature.every((t) => Number.isFinite(t) && t >= 37 - 1e-3)).toBe(true);
    // near field: skin barely warms with 9 sonications at 80 W
    expect(o.structures.skin.maxTemperature).toBeLessThan(42);
    expect(r.timeline.t.length).toBe(r.timeline.energy.length);
    expect(r.timeline.energy[r.timeline.energy.length - 1]).toBeCloseTo(o.energy, 6);
  });

  it('holds the coupling water at the plan’s temperature: a colder bath keeps skin and fat cooler', async () => {
    const maxima = async (waterTemperature: number) => {
      const plan = latticePlan(base, 200);
      plan.placement.waterTemperature = waterTemperature;
      const r = await simulatePlan(base, plan);
      return r.outcome.structures;
    };
    const cold = await maxima(20);
    const warm = await maxima(37);
    expect(cold.water.maxTemperature).toBeCloseTo(20, 6);
    expect(warm.water.maxTemperature).toBeCloseTo(37, 6);
    expect(cold.skin.maxTemperature).toBeLessThan(warm.skin.maxTemperature - 0.1);
    expect(cold.fat.maxTemperature).toBeLessThan(warm.fat.maxTemperature);
    expect(cold.skin.maxDose).toBeLessThanOrEqual(warm.skin.maxDose);
  });

  it('refuses a plan beyond the device limits and cancels on request', async () => {
    const plan = latticePlan(base, 80);
    plan.sonications[0].power = 2000;
    await expect(simulatePlan(base, plan)).rejects.toThrow(/power/);
    await expect(simulatePlan(base, latticePlan(base, 80), { signal: { aborted: true } })).rejects.toThrow(/cancelled/);
  });

  it('exposes the planning view of a case', () => {
    const pc = planningCaseOf(base);
    expect(pc.structures.fibroid).toBeDefined();
    expect(pc.beamDirection).toEqual([0, -1, 0]);
  });
}, 180_000);
