import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import {
  LC_CUSUM_DEFAULTS,
  adjustedRate,
  calibrateLcCusum,
  lcCusumChart,
  lcCusumWeights,
  riskAdjustedLcCusumChart,
  simulateLcCusumErrors,
} from '../../src/training/lc-cusum.js';

describe('LC-CUSUM (Biau et al. Br J Surg 2008)', () => {
  it('equals a chart computed by hand on a fixed sequence', () => {
    const p = { ...LC_CUSUM_DEFAULTS, p0: 0.3, p1: 0.1, h: 1 };
    // by hand: success +ln(0.9/0.7) = +0.251314, failure ln(0.1/0.3) = −1.098612
    const S = 0.251314428;
    const F = -1.098612289;
    const seq = [false, false, true, false, false, false, false, false, true, true];
    const hand: number[] = [];
    let s = 0;
    // written out: 0.2513, 0.5026, max(0, 0.5026 − 1.0986) = 0, 0.2513, 0.5026, 0.7540, 1.0053 (≥ 1: proficient at 7), ...
    const expected = [S, 2 * S, 0, S, 2 * S, 3 * S, 4 * S, 5 * S, Math.max(0, 5 * S + F), 0];
    for (const f of seq) {
      s = Math.max(0, s + (f ? F : S));
      hand.push(s);
    }
    expect(hand.map((v) => v.toFixed(6))).toEqual(expected.map((v) => v.toFixed(6)));
    const { chart, proficientAt } = lcCusumChart(seq, p);
    for (const [i, v] of chart.entries()) expect(v).toBeCloseTo(expected[i], 8);
    expect(proficientAt).toBe(7);
    expect(lcCusumWeights(0.3, 0.1).failure).toBeCloseTo(F, 8);
  });

  it('never declares proficiency without successes, and rejects bad parameters', () => {
    expect(lcCusumChart(Array(50).fill(true)).proficientAt).toBeNull();
    expect(lcCusumChart(Array(16).fill(false)).proficientAt).toBe(16); // 16 × 0.2513 = 4.02 ≥ 3.8
    expect(() => lcCusumChart([], { ...LC_CUSUM_DEFAULTS, p1: 0.4 })).toThrow(InputError);
    expect(() => lcCusumChart([], { ...LC_CUSUM_DEFAULTS, h: -1 })).toThrow(/params.h/);
  });

  it('the default h and horizon are what the seeded simulation of 20,000 trainees gives', () => {
    const c = calibrateLcCusum(LC_CUSUM_DEFAULTS.p0, LC_CUSUM_DEFAULTS.p1, LC_CUSUM_DEFAULTS.alpha, LC_CUSUM_DEFAULTS.beta);
    expect(c.h).toBe(LC_CUSUM_DEFAULTS.h);
    expect(c.horizon).toBe(LC_CUSUM_DEFAULTS.horizon);
    expect(c.simulated.alpha).toBeLessThanOrEqual(LC_CUSUM_DEFAULTS.alpha);
    expect(c.simulated.beta).toBeLessThanOrEqual(LC_CUSUM_DEFAULTS.beta);
  });

  it('h reproduces the stated error rates on an independent simulation of 20,000 + 20,000 trainees', () => {
    const m = 20_000;
    const e = simulateLcCusumErrors(LC_CUSUM_DEFAULTS, m, 987654);
    // tolerance: 3 binomial standard errors above the stated rate (alpha: 3·√(0.05·0.95/20000) = 0.0046)
    const se = (p: number) => Math.sqrt((p * (1 - p)) / m);
    expect(e.alpha).toBeLessThanOrEqual(LC_CUSUM_DEFAULTS.alpha + 3 * se(LC_CUSUM_DEFAULTS.alpha));
    expect(e.beta).toBeLessThanOrEqual(LC_CUSUM_DEFAULTS.beta + 3 * se(LC_CUSUM_DEFAULTS.beta));
    // and h is not needlessly conservative: the calibration's discrete step leaves alpha within 1.5 points of 5 %
    expect(e.alpha).toBeGreaterThan(LC_CUSUM_DEFAULTS.alpha - 0.015);
    // one step lower would break alpha: the decision limit is the lowest that holds it
    const lower = simulateLcCusumErrors({ ...LC_CUSUM_DEFAULTS, h: LC_CUSUM_DEFAULTS.h - 0.26 }, m, 987654);
    expect(lower.alpha).toBeGreaterThan(LC_CUSUM_DEFAULTS.alpha);
  });

  it('risk adjustment: equals the plain chart at difficulty 3; a failed hard case costs less', () => {
    const seq = [false, true, false, false, true, false];
    const plain = lcCusumChart(seq).chart;
    const ra3 = riskAdjustedLcCusumChart(seq.map((failed) => ({ failed, difficulty: 3 }))).chart;
    for (const [i, v] of ra3.entries()) expect(v).toBeCloseTo(plain[i], 12);
    const six = Array.from({ length: 6 }, () => ({ failed: false, difficulty: 3 }));
    const easyFail = riskAdjustedLcCusumChart([...six, { failed: true, difficulty: 1 }]);
    const hardFail = riskAdjustedLcCusumChart([...six, { failed: true, difficulty: 5 }]);
    expect(hardFail.chart[6]).toBeGreaterThan(easyFail.chart[6]);
    expect(easyFail.chart[6]).toBeGreaterThan(0);
    expect(adjustedRate(0.3, 3)).toBeCloseTo(0.3, 12);
    expect(() => riskAdjustedLcCusumChart([{ failed: false, difficulty: 7 }])).toThrow(/difficulty/);
  });
});
