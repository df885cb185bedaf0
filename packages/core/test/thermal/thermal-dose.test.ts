import { describe, expect, it } from 'vitest';
import { ARRHENIUS_LIVER, GAS_CONSTANT, arrheniusLinearStep, cem43LinearStep, cem43OfHistory, cem43Rate } from '../../src/index.js';

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
