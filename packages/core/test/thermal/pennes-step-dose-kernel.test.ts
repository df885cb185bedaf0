import { describe, expect, it } from 'vitest';
import { cem43Factor, pennesExplicitKernel, pennesStepDoseKernel, thermalDoseKernel } from '../../src/index.js';

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
