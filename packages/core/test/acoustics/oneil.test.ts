import { describe, expect, it } from 'vitest';
import { oneilAxial, oneilFocalPlane } from '../../src/acoustics/oneil.js';

// R = 0.1 m, a = 0.03 m, 1 MHz in c = 1500 m/s: k = 4188.79 rad/m, h = 4.6061e-3 m, ρ c u0 = 1 Pa.
const k = (2 * Math.PI * 1e6) / 1500;
const bowl = { radiusOfCurvature: 0.1, apertureRadius: 0.03, holeRadius: 0 };
const amp = (p: { re: Float64Array; im: Float64Array }, i: number) => Math.hypot(p.re[i], p.im[i]);

describe("O'Neil", () => {
  it('gives the focal gain k h at z = R and the hand-computed value at z = R/2', () => {
    const h = 0.1 - Math.sqrt(0.1 ** 2 - 0.03 ** 2);
    const p = oneilAxial(bowl, k, 1, [0.1, 0.05, 0.1 + 1e-7]);
    expect(amp(p, 0)).toBeCloseTo(k * h, 9); // 19.2941
    expect(k * h).toBeCloseTo(19.2941, 3);
    // z = 0.05 (by hand): B = sqrt((0.05 − h)² + a²) = 0.054412, k (B − z)/2 = 9.2395, |p| = 2/(1 − 0.5) |sin 9.2395| = 0.737
    const b = Math.sqrt((0.05 - h) ** 2 + 0.03 ** 2);
    expect(amp(p, 1)).toBeCloseTo(4 * Math.abs(Math.sin((k * (b - 0.05)) / 2)), 12);
    expect(amp(p, 1)).toBeCloseTo(0.737, 2);
    // continuity through the z = R limit
    expect(Math.abs(amp(p, 2) - amp(p, 0)) / amp(p, 0)).toBeLessThan(1e-4);
  });
  it('a bowl with a hole is the outer bowl minus the inner bowl (complex)', () => {
    const z = [0.03, 0.07, 0.1, 0.13];
    const holed = oneilAxial({ ...bowl, holeRadius: 0.01 }, k, 1, z);
    const outer = oneilAxial(bowl, k, 1, z);
    const inner = oneilAxial({ ...bowl, apertureRadius: 0.01 }, k, 1, z);
    for (let i = 0; i < z.length; i++) {
      expect(holed.re[i]).toBeCloseTo(outer.re[i] - inner.re[i], 12);
      expect(holed.im[i]).toBeCloseTo(outer.im[i] - inner.im[i], 12);
    }
  });
  it('focal plane: |p(0)| = k h ρ c u0 and half of it at r = 2.2152 R/(k a)', () => {
    const h = 0.1 - Math.sqrt(0.1 ** 2 - 0.03 ** 2);
    const r6 = (2.2152 * 0.1) / (k * 0.03);
    const p = oneilFocalPlane(bowl, k, 1, [0, r6]);
    expect(amp(p, 0)).toBeCloseTo(k * h, 9);
    expect(amp(p, 1) / amp(p, 0)).toBeCloseTo(0.5, 4);
    // phase agrees with the axial solution at z = R
    const a = oneilAxial(bowl, k, 1, [0.1]);
    expect(p.re[0]).toBeCloseTo(a.re[0], 9);
    expect(p.im[0]).toBeCloseTo(a.im[0], 9);
  });
});
