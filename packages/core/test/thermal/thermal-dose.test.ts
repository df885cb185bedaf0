import { describe, expect, it } from 'vitest';
import {
  ARRHENIUS_LIVER,
  GAS_CONSTANT,
  arrheniusLinearStep,
  cem43Factor,
  cem43LinearStep,
  cem43OfHistory,
  cem43Rate,
  cem43RampStep,
} from '../../src/index.js';

/** Composite Simpson quadrature of the CEM43 rate over a linear ramp (independent of the closed form). */
function simpsonRamp(t0: number, t1: number, dt: number, rate: (T: number) => number, n = 20000): number {
  let s = 0;
  for (let i = 0; i <= n; i++) {
    const w = i === 0 || i === n ? 1 : i % 2 ? 4 : 2;
    s += w * rate(t0 + ((t1 - t0) * i) / n);
  }
  return ((dt / n) * s) / 3;
}

describe('CEM43 (Sapareto & Dewey, R = 0.5 above 43 °C, 0.25 in [37, 43), none below 37 °C)', () => {
  it('gives 2^17/60 = 2184.53 min for 60 °C held 1 s', () => {
    expect(cem43LinearStep(60, 60, 1)).toBeCloseTo(2 ** 17 / 60, 8);
    expect(cem43OfHistory([0, 0.5, 1], [60, 60, 60])).toBeCloseTo(2184.533, 3);
  });

  it('gives 1 min for 43 °C held 60 s, and 0.25^6 min per minute at 37 °C, nothing below', () => {
    expect(cem43LinearStep(43, 43, 60)).toBeCloseTo(1, 12);
    expect(cem43Rate(37) * 60).toBeCloseTo(0.25 ** 6, 14);
    expect(cem43LinearStep(30, 36.9, 100)).toBe(0);
  });

  it.each([
    [38, 42],
    [40, 60],
    [60, 40],
    [30, 50],
    [90, 36],
    [43, 43.0000001],
    [44, 44.5],
  ])('integrates a ramp %d → %d °C exactly (Simpson on 20 000 intervals, rel. 1e-9)', (a, b) => {
    const exact = cem43LinearStep(a, b, 2);
    const ref = simpsonRamp(a, b, 2, cem43Rate);
    expect(Math.abs(exact / ref - 1)).toBeLessThan(1e-6); // Simpson across the 37 °C jump limits it
    if (a >= 37 && b >= 37) expect(Math.abs(exact / ref - 1)).toBeLessThan(1e-9);
  });

  it('is more accurate than end-point sampling for a 50 → 70 °C ramp', () => {
    const exact = simpsonRamp(50, 70, 1, cem43Rate);
    expect(Math.abs(cem43LinearStep(50, 70, 1) - exact) / exact).toBeLessThan(1e-9);
    expect(Math.abs(cem43Rate(70) - exact) / exact).toBeGreaterThan(1);
  });
});

describe('Arrhenius damage over a linear ramp', () => {
  it('matches fine quadrature within 1e-4 for a 5 K ramp (liver parameters)', () => {
    const lnA = Math.log(ARRHENIUS_LIVER.frequencyFactor);
    const eaR = ARRHENIUS_LIVER.activationEnergy / GAS_CONSTANT;
    const rate = (T: number) => Math.exp(lnA - eaR / (T + 273.15));
    const ref = simpsonRamp(60, 65, 0.5, rate);
    expect(Math.abs(arrheniusLinearStep(60, 65, 0.5, lnA, eaR) / ref - 1)).toBeLessThan(1e-4);
  });
});

describe('CEM43 with kept factors (cem43RampStep: few exponentials)', () => {
  it('follows random temperature histories like the exact ramp integral, dose and kept factor to 1e-11 relative', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    let worstDose = 0;
    let worstFactor = 0;
    for (let history = 0; history < 200; history++) {
      // a random walk with slow drifts, fast ramps and crossings of 37 and 43 °C
      let t = 33 + 30 * rand();
      const f = new Float64Array([cem43Factor(t)]);
      let exact = 0;
      let fast = 0;
      for (let n = 0; n < 500; n++) {
        const jump = [1e-9, 1e-4, 0.01, 0.3, 4][n % 5] * (rand() - 0.5) * 2;
        const next = Math.min(110, Math.max(30, t + jump));
        const dt = 0.05 + rand();
        exact += cem43LinearStep(t, next, dt);
        fast += cem43RampStep(t, next, f, 0, dt);
        t = next;
        const want = cem43Factor(t);
        if (want > 0) worstFactor = Math.max(worstFactor, Math.abs(f[0] / want - 1));
        else expect(f[0]).toBe(0);
      }
      if (exact > 0) worstDose = Math.max(worstDose, Math.abs(fast / exact - 1));
    }
    expect(worstDose).toBeLessThan(1e-11);
    expect(worstFactor).toBeLessThan(1e-11);
    // the factor is R^(43 − T): 1 at 43 °C, 2^17 at 60 °C, 4^-6 at 37 °C, 0 below
    expect(cem43Factor(43)).toBe(1);
    expect(cem43Factor(60)).toBeCloseTo(2 ** 17, 6);
    expect(cem43Factor(37)).toBeCloseTo(4 ** -6, 15);
    expect(cem43Factor(36.9)).toBe(0);
  });
});
