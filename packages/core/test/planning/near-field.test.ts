import { describe, expect, it } from 'vitest';
import {
  type Case,
  type Plan,
  generatePhantom,
  labelCentroid,
  parsePlan,
  simulateNearField,
  simulatePlan,
  treatmentDomains,
} from '../../src/index.js';
import { perpendicularBasis } from '../../src/planning/beam-path.js';
import { PROTECTED_STRUCTURES } from '../../src/planning/outcome.js';
import { type NearFieldResult, nearFieldRunFits, waitCauseSummary } from '../../src/planning/near-field.js';

/** A 4 × 4 lattice (5 mm pitch) 15 mm in front of the fibroid's centroid, the anterior slice that heats the wall most. */
function anteriorPlan(c: Case, power: number, cooling: number): Plan {
  const beam = c.couch.beamDirection;
  const f0 = labelCentroid(c, c.structures.find((s) => s.name === c.target)!.label);
  const f = [0, 1, 2].map((r) => f0[r] - 0.015 * beam[r]);
  const [u, v] = perpendicularBasis(beam);
  const sonications = [];
  for (const a of [-1.5, -0.5, 0.5, 1.5])
    for (const b of [-1.5, -0.5, 0.5, 1.5])
      sonications.push({ focus: [0, 1, 2].map((r) => f[r] + 0.005 * (a * u[r] + b * v[r])), power, exposure: 3, cooling, slice: 0 });
  return parsePlan({ format: 'openfuas-plan', version: 1, device: { preset: 'clinical-0.8mhz' }, sonications });
}

/** Highest temperature and dose of protected tissue outside the fine domain (what the rule watches). */
function protectedMaxima(c: Case, r: NearFieldResult, outside: Uint8Array): { temperature: number; dose: number } {
  const labels = new Set(PROTECTED_STRUCTURES.map((n) => c.structures.find((s) => s.name === n)?.label));
  let temperature = 0;
  let dose = 0;
  for (let i = 0; i < r.labels.length; i++) {
    if (!outside[i] || !labels.has(r.labels[i])) continue;
    temperature = Math.max(temperature, r.maxTemperature[i]);
    dose = Math.max(dose, r.dose[i]);
  }
  return { temperature, dose };
}

describe('simulateNearField: cooling fitted on the near field', () => {
  const c = generatePhantom();

  it('lengthens the pauses until protected tissue stays under the limit and its dose budget, and the fitted plan does', async () => {
    const plan = anteriorPlan(c, 150, 3);
    const domains = await treatmentDomains(c, plan);
    const { outsideMask } = await import('../../src/planning/case-grids.js');
    const plain = await simulateNearField(c, plan, domains.nearField);
    const outside = outsideMask(plain.grid, domains.fine);
    const before = protectedMaxima(c, plain, outside);
    // the short pauses overheat the wall
    expect(before.temperature).toBeGreaterThan(44);

    const fitted = await simulateNearField(c, plan, domains.nearField, { coolingRule: { limit: 43, doseBudget: 15, maxAdded: 600 } });
    expect(fitted.fitFindings.map((f) => f.code)).not.toContain('near-field-wait-capped');
    expect(fitted.fitFindings.map((f) => f.code)).not.toContain('near-field-single-shot');
    expect(fitted.addedCooling[0]).toBe(0); // from rest
    const added = Array.from(fitted.addedCooling).reduce((a, b) => a + b, 0);
    expect(added).toBeGreaterThan(0);
    // each wait names the protected voxel that asked for it; the summary adds the waits up by structure, in front of the focus
    for (let n = 0; n < fitted.addedCooling.length; n++)
      expect(fitted.waitCause.voxel[n] >= 0, `wait ${n}`).toBe(fitted.addedCooling[n] > 0);
    const cause = waitCauseSummary(c, plan, fitted);
    expect(cause).not.toBeNull();
    expect(cause!.waited).toBeCloseTo(added, 9);
    expect(Object.values(cause!.byStructure).reduce((a, b) => a + b, 0)).toBeCloseTo(added, 9);
    for (const name of Object.keys(cause!.byStructure)) expect(PROTECTED_STRUCTURES).toContain(name);
    expect(cause!.medianAhead).toBeGreaterThan(0.005); // the wall, not the fine domain around the focus
    expect(cause!.doseShare).toBeGreaterThanOrEqual(0);
    expect(cause!.doseShare).toBeLessThanOrEqual(1);
    const during = protectedMaxima(c, fitted, outsideMask(fitted.grid, domains.fine));
    // the prediction bounds the peak (adiabatic rise): the fit run itself stays at or under the limit
    expect(during.temperature).toBeLessThanOrEqual(43 + 1e-9);
    expect(during.dose).toBeLessThanOrEqual(15);

    // the plan with the waits as longer pauses, simulated on its own (other step splits): within 0.1 K, 1 CEM43
    const longer: Plan = {
      ...plan,
      sonications: plan.sonications.map((s, i) => ({ ...s, cooling: s.cooling + (fitted.addedCooling[i + 1] ?? 0) })),
    };
    // the fit's run stepped the longer plan's timeline, so its simulation may take it; not the original plan's
    expect(nearFieldRunFits(fitted, longer, true)).toBe(true);
    expect(nearFieldRunFits(fitted, longer, false)).toBe(false);
    expect(nearFieldRunFits(fitted, plan, true)).toBe(false);
    await expect(simulatePlan(c, plan, { domains, nearFieldRun: fitted })).rejects.toThrow(/nearFieldRun/);
    const after = protectedMaxima(c, await simulateNearField(c, longer, domains.nearField), outside);
    expect(after.temperature).toBeLessThanOrEqual(43.1);
    expect(after.dose).toBeLessThanOrEqual(16);
    console.log(
      `near-field fit, 16 sonications at 150 W × 3 s: protected max ${before.temperature.toFixed(1)} °C, ${before.dose.toFixed(1)} CEM43 with 3 s pauses; ` +
        `${after.temperature.toFixed(2)} °C, ${after.dose.toFixed(2)} CEM43 with ${added} s added`,
    );
  });

  it('adds nothing where the wall stays cool, says when a wait is capped, and muscle and fat perfusion rising with heat keeps the wall cooler', async () => {
    const gentle = anteriorPlan(c, 40, 9);
    const domains = await treatmentDomains(c, gentle);
    const fitted = await simulateNearField(c, gentle, domains.nearField, { coolingRule: { limit: 43 } });
    expect(Array.from(fitted.addedCooling).every((a) => a === 0)).toBe(true);
    expect(waitCauseSummary(c, gentle, fitted)).toBeNull();
    expect(Array.from(fitted.waitCause.voxel).every((v) => v === -1)).toBe(true);

    const hot = anteriorPlan(c, 150, 3);
    const d = await treatmentDomains(c, hot);
    // a wait too short to cool the wall is said, not hidden
    const capped = await simulateNearField(c, hot, d.nearField, { coolingRule: { limit: 43, maxAdded: 10 } });
    expect(capped.fitFindings.map((f) => f.code)).toContain('near-field-wait-capped');
    const { outsideMask } = await import('../../src/planning/case-grids.js');
    const regulated = await simulateNearField(c, hot, d.nearField);
    const resting = await simulateNearField(c, hot, d.nearField, { perfusionResponse: null });
    const outside = outsideMask(regulated.grid, d.fine);
    expect(protectedMaxima(c, regulated, outside).temperature).toBeLessThan(protectedMaxima(c, resting, outside).temperature - 0.5);
  });
});
