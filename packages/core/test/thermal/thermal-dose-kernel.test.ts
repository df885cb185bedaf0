import { describe, expect, it } from 'vitest';
import { cem43Factor, thermalDoseKernel } from '../../src/index.js';

/** One dose-kernel call's arguments over an n³ box (T0, T1 are rises when `Toff` = 37). */
function args(n: number, T0: Float64Array, T1: Float64Array, withFactor: boolean, bg: Float64Array | null, skip: Uint8Array | null) {
  const N = n ** 3;
  const bg1 = bg ? bg.map((g) => g * 1.01) : new Float64Array(1);
  // the kept factor must hold cem43Factor of each voxel's start temperature (background at f0 = 0.25)
  const factor = new Float64Array(N);
  for (let i = 0; i < N; i++) factor[i] = cem43Factor(37 + T0[i] + (bg ? bg[i] + 0.25 * (bg1[i] - bg[i]) : 0));
  return {
    T0,
    T1,
    dose: new Float64Array(N),
    ps: new Float32Array(N).fill(1),
    boiled: new Uint8Array(N),
    zMax: new Float64Array(n),
    dt: 1.7,
    threshold: 240,
    shutdown: 0,
    Toff: 37,
    arr: false,
    lnA: 0,
    eaOverR: 0,
    omega: new Float64Array(1),
    hasBg: bg !== null,
    bg0: bg ?? new Float64Array(1),
    // a background rising within the step (f from 0.25 to 0.5 of the rise bg1 − bg0)
    bg1,
    f0: 0.25,
    f1: 0.5,
    ...(withFactor ? { factor } : {}),
    tmax: new Float32Array(N).fill(Number.NEGATIVE_INFINITY),
    ...(skip ? { skip } : {}),
    nx: n,
    ny: n,
  };
}

describe('dose kernel: the kept-factor loop against the generic loop (exact ramp integral per voxel)', () => {
  it('gives the same dose, shutdown, boiling flags, peaks and maxima, with and without background and skipped cells', () => {
    const n = 12;
    const N = n ** 3;
    let seed = 11;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (const withBg of [false, true]) {
      // rises from −3 to 70 K: cold voxels, slow and fast ramps in [37, 43), above 43, crossings, boiling
      const T0 = new Float64Array(N);
      const T1 = new Float64Array(N);
      for (let i = 0; i < N; i++) {
        T0[i] = [0, -3, 1e-7, 2, 5.99, 6.01, 20, 62][i % 8] + rand() * [0, 1e-3, 1][i % 3];
        T1[i] = T0[i] + [0, 1e-6, 0.01, 0.3, 4, -2, 70][i % 7] * (rand() - 0.3);
      }
      const bg = withBg ? Float64Array.from({ length: N }, () => rand()) : null;
      const skip = withBg ? null : Uint8Array.from({ length: N }, (_, i) => (i % 11 === 0 ? 1 : 0));
      const fast = args(n, T0, T1, true, bg, skip);
      const generic = args(n, T0, T1, false, bg, skip);
      // two steps: T0 → T1, then T1 → T1 + its change again, from the factors the first kept (background at f = 0.5)
      thermalDoseKernel(fast, 0, n);
      thermalDoseKernel(generic, 0, n);
      const T2 = T1.map((t, i) => t + 0.5 * (T1[i] - T0[i]));
      for (const a of [fast, generic]) Object.assign(a, { T0: T1, T1: T2, f0: 0.5, f1: 0.75 });
      thermalDoseKernel(fast, 0, n);
      thermalDoseKernel(generic, 0, n);
      let worst = 0;
      let dosed = 0;
      for (let i = 0; i < N; i++) {
        const g = generic.dose[i];
        if (g > 0) dosed++;
        worst = Math.max(worst, g === 0 ? fast.dose[i] : Math.abs(fast.dose[i] / g - 1));
      }
      expect(dosed).toBeGreaterThan(N / 3);
      expect(worst).toBeLessThan(1e-11);
      expect(Array.from(fast.ps)).toEqual(Array.from(generic.ps));
      expect(Array.from(fast.boiled)).toEqual(Array.from(generic.boiled));
      expect(fast.boiled.some((b) => b === 1)).toBe(true);
      expect(Array.from(fast.zMax)).toEqual(Array.from(generic.zMax));
      expect(Array.from(fast.tmax)).toEqual(Array.from(generic.tmax));
      if (skip) for (let i = 0; i < N; i++) if (skip[i]) expect(fast.dose[i]).toBe(0);
      // the kept factor holds cem43Factor of the end temperature
      let worstFactor = 0;
      const kept = fast.factor as Float64Array;
      for (let i = 0; i < N; i++) {
        if (skip?.[i]) continue;
        const want = cem43Factor(37 + T2[i] + (bg ? bg[i] + 0.75 * (generic.bg1[i] - bg[i]) : 0));
        if (want === 0) expect(kept[i]).toBe(0);
        else worstFactor = Math.max(worstFactor, Math.abs(kept[i] / want - 1));
      }
      expect(worstFactor).toBeLessThan(1e-11);
    }
  });
});
