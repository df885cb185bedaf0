import { describe, expect, it } from 'vitest';
import {
  BLOOD,
  LANG_1999_PERFUSION,
  ThermalSimulation,
  createGrid,
  fieldSource,
  getTissue,
  homogeneousThermalMedium,
} from '../../src/index.js';

// A uniformly heated block with insulated faces stays uniform, so the solver must follow the 0-D balance
// ρC dT/dt = Q − w·f(T)·ρ_b C_b (T − T_a): its steady state solves Q = w·f(T)·ρ_b C_b (T − T_a), found here by
// bisection, independently of the solver.
describe('perfusion that follows temperature (Lang et al. 1999)', () => {
  const muscle = getTissue('muscle');
  const w = muscle.perfusion * BLOOD.density * BLOOD.specificHeat; // W/m³/K at rest
  const grid = createGrid([4, 4, 4], [3e-3, 3e-3, 3e-3]);
  const response = LANG_1999_PERFUSION.muscle;

  function steadyState(q: number, factor: (t: number) => number): number {
    let lo = 37;
    let hi = 37 + q / (w * 0.9);
    for (let k = 0; k < 200; k++) {
      const mid = (lo + hi) / 2;
      if (q - w * factor(mid) * (mid - 37) > 0) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  }

  async function settle(q: number, regulated: boolean): Promise<number> {
    const source = fieldSource(grid, new Float32Array(64).fill(q));
    const sim = new ThermalSimulation(homogeneousThermalMedium(grid, muscle), [{ duration: 40_000, source }], {
      boundary: 'adiabatic',
      scheme: 'implicit',
      implicitDt: 20,
      // hours near 43 °C pass 240 CEM43: keep the flow on (no shutdown) to test the balance alone
      doseThreshold: 1e30,
      ...(regulated ? { perfusionResponse: LANG_1999_PERFUSION } : {}),
    });
    await sim.advance();
    return sim.temperature[0];
  }

  it('is 1 at 37 °C and rises ×8.6 in muscle, ×2 in fat at 45 °C', () => {
    expect(response.factor(37)).toBeCloseTo(1, 12);
    expect(response.factor(45)).toBeCloseTo(4 / (0.45 + 3.55 * Math.exp(-64 / 12)), 12);
    expect(response.factor(50)).toBe(response.maxFactor);
    expect(LANG_1999_PERFUSION.fat.factor(45)).toBeCloseTo(0.72 / (0.36 + 0.36 * Math.exp(-64 / 12)), 12);
  });

  it('settles where heating and the raised perfusion balance, within 0.02 K of the 0-D steady state', async () => {
    // Q giving +6 K at resting perfusion: the regulated block settles far lower
    const q = 6 * w;
    const regulated = await settle(q, true);
    const fixed = await settle(q, false);
    expect(Math.abs(fixed - steadyState(q, () => 1))).toBeLessThan(0.02);
    expect(Math.abs(regulated - steadyState(q, (t) => response.factor(t)))).toBeLessThan(0.02);
    expect(fixed - 37).toBeCloseTo(6, 1);
    expect(regulated - 37).toBeLessThan(3.5); // ~3.1 K: the flow about doubles by 40 °C
  });

  it('keeps the explicit scheme stable at the highest perfusion the response can reach', () => {
    const medium = homogeneousThermalMedium(grid, muscle);
    const plain = new ThermalSimulation(medium, [], {});
    const regulated = new ThermalSimulation(medium, [], { perfusionResponse: LANG_1999_PERFUSION });
    // ρC/(Σ k/h² + w·f_max ρ_b C_b): the step shrinks by the perfusion term's growth
    const rhoC = muscle.density * muscle.specificHeat;
    const faces = (6 * muscle.conductivity) / 9e-6;
    expect(regulated.explicitDt / plain.explicitDt).toBeCloseTo((faces + w) / (faces + w * response.maxFactor), 9);
    expect(regulated.explicitDt).toBeCloseTo(0.9 * (rhoC / (faces + w * response.maxFactor)), 9);
  });
});
