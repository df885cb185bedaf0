import { describe, expect, it } from 'vitest';
import { computeAxialPressure, computeLateralPressure } from '../../src/acoustics/field-solver.js';
import { radiusAtLevel } from '../../src/acoustics/focal-metrics.js';
import { oneilAxial } from '../../src/acoustics/oneil.js';
import { rayleighBowl } from '../../src/acoustics/rayleigh.js';
import { parseScenario } from '../../src/acoustics/scenario.js';
import { getKernel } from '../../src/parallel/kernel-registry.js';
import type { KernelArgs } from '../../src/parallel/kernel-registry.js';
import type { ParallelExecutor } from '../../src/parallel/parallel-executor.js';

const water = { density: 1000, soundSpeed: 1500, attenuation: 0, powerLawExponent: 2 };
const scenario = parseScenario({
  transducer: { frequency: 1e6, radiusOfCurvature: 0.1, aperture: 0.06, holeDiameter: 0.02, surfaceVelocity: 0.05 },
  medium: water,
});

/** Runs a kernel in several uneven blocks (what a worker pool does), to show block splitting changes nothing. */
class BlockExecutor implements ParallelExecutor {
  readonly threads = 1;
  async run(name: string, args: KernelArgs, count: number): Promise<void> {
    const cuts = [0, 1, Math.floor(count / 3), count - 2, count].filter((c, i, a) => c >= 0 && c <= count && (i === 0 || c > a[i - 1]));
    for (let i = 0; i + 1 < cuts.length; i++) getKernel(name)(args, cuts[i], cuts[i + 1]);
  }
  async dispose(): Promise<void> {}
}

describe('Rayleigh integral', () => {
  it("matches O'Neil on the axis in lossless water: max error <= 0.1 % of the peak over z in [0.2R, 1.5R] (bowl with hole)", async () => {
    const R = 0.1;
    const z = Array.from({ length: 261 }, (_, i) => 0.2 * R + (1.3 * R * i) / 260);
    const ray = await computeAxialPressure(scenario, 'rayleigh', z);
    const one = await computeAxialPressure(scenario, 'oneil', z);
    const peak = Math.max(...one.amplitude);
    let err = 0;
    for (let i = 0; i < z.length; i++) err = Math.max(err, Math.hypot(ray.re[i] - one.re[i], ray.im[i] - one.im[i]));
    expect(err / peak).toBeLessThan(1e-3);
  });
  it('focal-plane −6 dB diameter within 1 % of 2·2.2152·R/(k a) (no hole)', async () => {
    const sc = parseScenario({
      transducer: { frequency: 1e6, radiusOfCurvature: 0.1, aperture: 0.06, surfaceVelocity: 0.05 },
      medium: water,
    });
    const k = (2 * Math.PI * 1e6) / 1500;
    const expected = (2 * 2.2152 * 0.1) / (k * 0.03);
    const x = Array.from({ length: 121 }, (_, i) => (i * expected) / 80);
    const lat = await computeLateralPressure(sc, 'rayleigh', 0.1, x);
    const d = 2 * radiusAtLevel(x, lat.amplitude, 0.5);
    expect(Math.abs(d / expected - 1)).toBeLessThan(0.01);
  });
  it('gives the same result however the field points are split into blocks', async () => {
    const t = scenario.transducer;
    const pts = {
      x: Float64Array.from([0, 0.001, 0.002, 0.01, 0.02]),
      y: new Float64Array(5),
      z: Float64Array.from([0.1, 0.09, 0.1, 0.12, 0.05]),
    };
    const med = { density: 1000, soundSpeed: 1500, attenuationNpPerM: 3 };
    const a = await rayleighBowl(t, med, 0.05, 3000, pts);
    const b = await rayleighBowl(t, med, 0.05, 3000, pts, new BlockExecutor());
    expect(Array.from(b.re)).toEqual(Array.from(a.re));
    expect(Array.from(b.im)).toEqual(Array.from(a.im));
  });
  it('attenuation k → k − iα: in a lossy medium the focal pressure falls by about e^{−α R}', async () => {
    const t = scenario.transducer;
    const pts = { x: new Float64Array(1), y: new Float64Array(1), z: Float64Array.from([0.1]) };
    const lossless = await rayleighBowl(t, { density: 1000, soundSpeed: 1500, attenuationNpPerM: 0 }, 0.05, 20000, pts);
    const lossy = await rayleighBowl(t, { density: 1000, soundSpeed: 1500, attenuationNpPerM: 5 }, 0.05, 20000, pts);
    // every source point is exactly R from the focus
    expect(Math.hypot(lossy.re[0], lossy.im[0]) / Math.hypot(lossless.re[0], lossless.im[0])).toBeCloseTo(Math.exp(-5 * 0.1), 10);
  });
  it("agrees with O'Neil's focal value for the clinical preset (hole) to 0.1 %", async () => {
    const sc = parseScenario({ transducer: { preset: 'clinical-0.8mhz' }, medium: 'water' });
    const ray = await computeAxialPressure(sc, 'rayleigh', [0.15]);
    const k = (2 * Math.PI * 0.8e6) / sc.medium.layers[0].tissue.soundSpeed;
    const u0 = Math.sqrt((2 * 300) / (993 * 1524 * 0.0332));
    const one = oneilAxial({ radiusOfCurvature: 0.15, apertureRadius: 0.1, holeRadius: 0.03 }, k, 993 * 1524 * u0, [0.15]);
    expect(ray.amplitude[0] / Math.hypot(one.re[0], one.im[0])).toBeCloseTo(1, 1);
    const exact = await computeAxialPressure(sc, 'oneil', [0.15]);
    expect(Math.abs(ray.amplitude[0] / exact.amplitude[0] - 1)).toBeLessThan(1e-3);
  });
});
