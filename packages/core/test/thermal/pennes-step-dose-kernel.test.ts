import { describe, expect, it } from 'vitest';
import { cem43Factor, coarseProjectionKernel, pennesExplicitKernel, pennesStepDoseKernel, thermalDoseKernel } from '../../src/index.js';
import { sameLabelVoxels } from '../../src/thermal/pennes-explicit-kernel.js';
import { enthalpyProjection } from '../../src/thermal/boiling.js';

/** The coarse level's arguments of both kernels on an n³ box of three materials, a hot spot cooling. */
function args(n: number) {
  const N = n ** 3;
  const L = 3;
  const labels = Uint8Array.from({ length: N }, (_, i) => ((i % n) + ((i / n) | 0)) % L);
  const T0 = Float64Array.from({ length: N }, (_, i) => {
    const x = (i % n) - n / 2;
    const y = (((i / n) | 0) % n) - n / 2;
    const z = ((i / (n * n)) | 0) - n / 2;
    return 90 * Math.exp(-(x * x + y * y + z * z) / 6);
  });
  const table = (size: number, v: number) => Float64Array.from({ length: size }, (_, k) => v * (1 + 0.1 * k));
  return {
    T0,
    T1: new Float64Array(N),
    labels,
    cx: table(L * L, 0.1),
    cy: table(L * L, 0.09),
    cz: table(L * L, 0.08),
    pc: table(L, 0.01),
    sc: table(L, 1e-7),
    ps: new Float32Array(N).fill(1),
    q: new Float32Array(1),
    qs: 0,
    nz: n,
    L,
    bc: 0,
    Ta: 0,
    Tb: 0,
    dose: Float64Array.from({ length: N }, (_, i) => (i % 5) * 60),
    boiled: new Uint8Array(N),
    zMax: new Float64Array(n),
    dt: 2.4,
    threshold: 240,
    shutdown: 0,
    Toff: 37,
    arr: false,
    lnA: 0,
    eaOverR: 0,
    omega: new Float64Array(1),
    hasBg: false,
    bg0: new Float64Array(1),
    bg1: new Float64Array(1),
    f0: 0,
    f1: 0,
    factor: Float64Array.from(T0, (u) => cem43Factor(37 + u)),
    tmax: new Float32Array(N).fill(Number.NEGATIVE_INFINITY),
    skip: Uint8Array.from({ length: N }, (_, i) => (i % 13 === 0 ? 1 : 0)),
    nx: n,
    ny: n,
  };
}

describe('fused explicit step + dose (the coarse level in a pause)', () => {
  it('is bit-identical to the step then the dose over the whole box, in any split into blocks of slices', () => {
    const n = 14;
    const ref = args(n);
    pennesExplicitKernel(ref, 0, n);
    thermalDoseKernel(ref, 0, n);
    for (const cuts of [
      [0, n],
      [0, 1, 5, 6, n],
      [0, 7, n],
    ]) {
      const fused = args(n);
      // blocks in reverse order: a block's dose must not reach another block's step
      for (let b = cuts.length - 2; b >= 0; b--) pennesStepDoseKernel(fused, cuts[b], cuts[b + 1]);
      for (const key of ['T1', 'dose', 'factor', 'ps', 'boiled', 'tmax', 'zMax'] as const)
        expect(Array.from(fused[key]), `${key} with blocks ${cuts}`).toEqual(Array.from(ref[key]));
    }
    // the case is not trivial: perfusion shut down somewhere, dose accrued, a voxel above 100 °C
    expect(ref.ps.some((p) => p === 0)).toBe(true);
    expect(ref.boiled.some((b) => b === 1)).toBe(true);
  });
});

describe('fused explicit step + boiling projection + dose (the coarse level in a pause near boiling)', () => {
  /** the projection's arguments: two of the three materials hold water, some cells start with vapour */
  function projected(n: number) {
    const a = args(n);
    const N = n ** 3;
    return {
      ...a,
      project: true,
      vapour: Float64Array.from({ length: N }, (_, i) => (i % 11 === 0 ? 0.3 : 0)),
      vapourCount: new Float64Array(n),
      rhoC: Float64Array.from([3.6e6, 3.8e6, 2e6]),
      latent: Float64Array.from([1.8e9, 1.9e9, 0]),
      boilT: 100,
    };
  }

  it('is bit-identical to the step, the projection written out cell by cell, then the dose, in any split', () => {
    const n = 14;
    const ref = projected(n);
    pennesExplicitKernel(ref, 0, n);
    // the projection as WindowBoiling.projectCoarse did it before it became a kernel: every cell in index order
    const next = new Float64Array(1);
    let cells = 0;
    for (let i = 0; i < n ** 3; i++) {
      const T = ref.Toff + ref.T1[i];
      if (T <= ref.boilT && ref.vapour[i] === 0) continue;
      const m = ref.labels[i];
      ref.T1[i] += enthalpyProjection(T, ref.vapour[i], ref.boilT, ref.rhoC[m], ref.latent[m], next) - T;
      ref.vapour[i] = next[0];
      if (ref.vapour[i] > 0) cells++;
    }
    thermalDoseKernel(ref, 0, n);
    for (const cuts of [
      [0, n],
      [0, 1, 5, 6, n],
      [0, 7, n],
    ]) {
      const fused = projected(n);
      for (let b = cuts.length - 2; b >= 0; b--) pennesStepDoseKernel(fused, cuts[b], cuts[b + 1]);
      for (const key of ['T1', 'vapour', 'dose', 'factor', 'ps', 'boiled', 'tmax', 'zMax'] as const)
        expect(Array.from(fused[key]), `${key} with blocks ${cuts}`).toEqual(Array.from(ref[key]));
      expect(fused.vapourCount.reduce((s, c) => s + c, 0)).toBe(cells);
    }
    // not trivial: cells boiled (vapour made), cells condensed (vapour given back), and the one-kernel projection agrees
    expect(ref.vapour.some((p, i) => p > 0 && i % 11 !== 0)).toBe(true);
    expect(ref.vapour.some((p, i) => p === 0 && i % 11 === 0)).toBe(true);
    const alone = projected(n);
    pennesExplicitKernel(alone, 0, n);
    coarseProjectionKernel(alone, 0, n);
    expect(Array.from(alone.T1)).toEqual(Array.from(ref.T1));
    expect(Array.from(alone.vapour)).toEqual(Array.from(ref.vapour));
  });
});

describe('explicit step with the same-label mask (voxels inside one material read one coefficient per axis)', () => {
  it('is bit-identical to the labelled sum, with and without a source, in any split', () => {
    const n = 14;
    for (const qs of [0, 3e5]) {
      const ref = { ...args(n), qs, q: Float32Array.from({ length: n ** 3 }, (_, i) => (i % 7) * 1e3) };
      // blocky labels (three materials in slabs and a cube), so most voxels are inside one material
      ref.labels = Uint8Array.from({ length: n ** 3 }, (_, i) => {
        const x = i % n;
        const y = ((i / n) | 0) % n;
        const z = (i / (n * n)) | 0;
        return x > 3 && x < 9 && y > 4 && y < 10 && z > 2 && z < 8 ? 2 : z < 6 ? 0 : 1;
      });
      pennesExplicitKernel(ref, 0, n);
      const same = sameLabelVoxels(ref.labels, [n, n, n]);
      const inside = same.reduce((s, v) => s + v, 0);
      expect(inside).toBeGreaterThan(n ** 3 / 3);
      expect(inside).toBeLessThan(n ** 3 - 1);
      for (const cuts of [
        [0, n],
        [0, 3, 9, n],
      ]) {
        const fast = { ...ref, T1: new Float64Array(n ** 3), same };
        for (let b = 0; b + 1 < cuts.length; b++) pennesExplicitKernel(fast, cuts[b], cuts[b + 1]);
        expect(Array.from(fast.T1), `qs ${qs}, blocks ${cuts}`).toEqual(Array.from(ref.T1));
      }
    }
  });
});
