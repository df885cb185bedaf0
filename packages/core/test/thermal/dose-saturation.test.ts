// CEM43 saturates at DOSE_SATURATION_TEMPERATURE instead of overflowing Float64 above ~1067 °C (issue 17: a
// 6000 W sonication printed "maxDose": null, and a hotter uniform source gave a smaller lesion).
import { describe, expect, it } from 'vitest';
import {
  DOSE_SATURATION_TEMPERATURE,
  cem43Factor,
  cem43LinearStep,
  cem43RampStep,
  cem43Rate,
  createGrid,
  fieldSource,
  getTissue,
  homogeneousThermalMedium,
  simulateHeating,
} from '../../src/index.js';

describe('CEM43 without overflow', () => {
  it('every dose function is finite and non-decreasing in temperature up to 10^6 °C', () => {
    let prev = { rate: 0, step: 0, factor: 0, ramp: 0 };
    for (let T = 30; T < 1e6; T = T < 1200 ? T + 7 : T * 1.5) {
      const f = new Float64Array([cem43Factor(T - 1)]);
      const cur = {
        rate: cem43Rate(T),
        step: cem43LinearStep(T - 1, T, 1),
        factor: cem43Factor(T),
        ramp: cem43RampStep(T - 1, T, f, 0, 1),
      };
      for (const k of Object.keys(cur) as (keyof typeof cur)[]) {
        expect(Number.isFinite(cur[k]), `${k} at ${T} °C`).toBe(true);
        expect(cur[k], `${k} at ${T} °C`).toBeGreaterThanOrEqual(prev[k]);
      }
      prev = cur;
    }
    // below the saturation the Sapareto–Dewey rate is unchanged: R = 0.5 above 43 °C, 1 min/min at 43 °C
    expect(cem43Rate(43) * 60).toBeCloseTo(1, 12);
    expect(cem43Rate(53) / cem43Rate(43)).toBeCloseTo(1024, 9);
    expect(cem43Rate(DOSE_SATURATION_TEMPERATURE + 500)).toBe(cem43Rate(DOSE_SATURATION_TEMPERATURE));
  });

  it('a hotter uniform source never gives a smaller lesion, and maxDose stays finite (2e9 → 6e9 W/m³)', async () => {
    const grid = createGrid([11, 11, 11], [0.001, 0.001, 0.001]);
    const medium = homogeneousThermalMedium(grid, getTissue('muscle'));
    const q = new Float32Array(11 ** 3);
    // a 5 mm cube of source in the middle
    for (let z = 3; z < 8; z++) for (let y = 3; y < 8; y++) for (let x = 3; x < 8; x++) q[x + 11 * (y + 11 * z)] = 1;
    const results = [];
    for (const density of [2e9, 4e9, 6e9]) {
      const source = fieldSource(
        grid,
        Float32Array.from(q, (v) => v * density),
      );
      results.push(await simulateHeating({ medium, source, duration: 3, cooling: 2 }));
    }
    for (let i = 0; i < results.length; i++) {
      expect(Number.isFinite(results[i].maxDose)).toBe(true);
      expect(results[i].dose.every(Number.isFinite)).toBe(true);
      if (i > 0) expect(results[i].lesionVolume).toBeGreaterThanOrEqual(results[i - 1].lesionVolume);
    }
    // the hottest run passes the old overflow temperature
    expect(results[2].peakTemperature).toBeGreaterThan(1067);
  });
});
