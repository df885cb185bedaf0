import { describe, expect, it } from 'vitest';
import { computeAxialPressure } from '../../src/acoustics/field-solver.js';
import { computeNonlinearBeam } from '../../src/acoustics/nonlinear-axisymmetric.js';
import { nonlinearFocus, nonlinearHeatVolume, sampleNonlinearAxis } from '../../src/acoustics/nonlinear-field.js';
import { parseScenario } from '../../src/acoustics/scenario.js';
import { createGrid } from '../../src/grid/grid3d.js';
import hitu from './fixtures/hitu-f1.5-1mhz.json';

// An F-number 1.5 bowl (1 MHz, R = 60 mm, aperture 40 mm) in water: where the KZK reference is valid.
const bowl = (power: number, medium: unknown = 'water') =>
  parseScenario({ transducer: { frequency: 1e6, radiusOfCurvature: 0.06, aperture: 0.04, power }, medium });
// The 30 W water beam with the default options is used by two tests: solved once (memoised by power and medium).
const beams = new Map<string, ReturnType<typeof computeNonlinearBeam>>();
const defaultBeam = (power: number, medium: unknown = 'water') => {
  const key = JSON.stringify([power, medium]);
  if (!beams.has(key)) beams.set(key, computeNonlinearBeam(bowl(power, medium), { harmonics: 32, zMax: 0.075 }));
  return beams.get(key)!;
};

describe('nonlinear axisymmetric beam', () => {
  it('equals the linear angular-spectrum solution at low amplitude within 0.5 % of the peak (axis 0.5R–1.15R)', async () => {
    const sc = bowl(0.01);
    const beam = await computeNonlinearBeam(sc, { harmonics: 16, zMax: 0.07 });
    const lin = await computeAxialPressure(sc, 'asm', beam.z);
    let peak = 0;
    for (const v of lin.amplitude) peak = Math.max(peak, v);
    let err = 0;
    for (let i = 0; i < beam.z.length; i++) {
      if (beam.z[i] < 0.03) continue;
      err = Math.max(err, Math.abs(beam.axisHarmonics[i * 16] - lin.amplitude[i]));
    }
    expect(err / peak).toBeLessThan(0.005);
    // and stays sinusoidal: p+ = −p− = |p1| within 0.5 %
    const f = nonlinearFocus(beam, sc, 0.057, peak);
    expect(Math.abs(f.peakPositivePressure / peak - 1)).toBeLessThan(0.005);
    expect(Math.abs(-f.peakNegativePressure / peak - 1)).toBeLessThan(0.005);
    expect(Math.abs(f.heatingRatio - 1)).toBeLessThan(0.01);
    expect(f.shockZ).toBeNull();
  });

  it('steepens at 30 W: p+ > |p−|, harmonics grow, heating ratio > 1; converged in step size and harmonic count (p± within 1 %)', async () => {
    const sc = bowl(30);
    const base = await defaultBeam(30);
    const fine = await computeNonlinearBeam(sc, { harmonics: 32, zMax: 0.075, maxStep: 0.5e-3, stepFraction: 0.025 });
    const more = await computeNonlinearBeam(sc, { harmonics: 32, zMax: 0.075, harmonicTolerance: 1e-6 });
    const lin = await computeAxialPressure(sc, 'asm', Float64Array.of(0.0565));
    const fb = nonlinearFocus(base, sc, 0.0565, lin.amplitude[0]);
    for (const other of [fine, more]) {
      const fo = nonlinearFocus(other, sc, 0.0565, lin.amplitude[0]);
      expect(Math.abs(fo.peakPositivePressure / fb.peakPositivePressure - 1)).toBeLessThan(0.01);
      expect(Math.abs(fo.peakNegativePressure / fb.peakNegativePressure - 1)).toBeLessThan(0.01);
    }
    expect(fb.peakPositivePressure).toBeGreaterThan(1.3 * -fb.peakNegativePressure);
    expect(fb.heatingRatio).toBeGreaterThan(1.05);
  });

  it('agrees with the FDA HITU Simulator (wide-angle KZK, fixture) at 10 and 30 W in water and 60 W through 2 cm of liver on p+, p− and the axial maxima of harmonics 1–2', async () => {
    for (const ref of hitu.runs.filter((r) => (r.layers === 'water' && r.power <= 30) || r.layers !== 'water')) {
      const medium = ref.layers === 'water' ? 'water' : { layers: [{ tissue: 'water', thickness: 0.04 }, { tissue: 'liver' }] };
      const sc = bowl(ref.power, medium);
      const beam = await defaultBeam(ref.power, medium);
      const f = nonlinearFocus(beam, sc, 0.057, 1);
      expect(Math.abs(f.peakPositivePressure / ref.peakPositive - 1)).toBeLessThan(hitu.tolerance.peaks);
      expect(Math.abs(f.peakNegativePressure / ref.peakNegative - 1)).toBeLessThan(hitu.tolerance.peaks);
      for (let n = 1; n <= hitu.tolerance.harmonics.length; n++) {
        let m = 0;
        for (let i = 0; i < beam.z.length; i++) m = Math.max(m, beam.axisHarmonics[i * 32 + n - 1]);
        expect(Math.abs(m / ref.harmonicMaxima[n - 1] - 1)).toBeLessThan(hitu.tolerance.harmonics[n - 1]);
      }
    }
  });

  it('maps its heat source onto a 3D grid (axisymmetric: equal at equal radius) and samples the axis', async () => {
    const sc = bowl(10);
    const beam = await computeNonlinearBeam(sc, { harmonics: 8, zMax: 0.065, tableRadius: 3e-3, tableStep: 1e-4 });
    const grid = createGrid([9, 9, 5], [0.5e-3, 0.5e-3, 1e-3], [-2e-3, -2e-3, 0.054]);
    const q = nonlinearHeatVolume(beam, grid);
    const at = (i: number, j: number, k: number) => q[i + 9 * (j + 9 * k)];
    expect(at(4, 4, 2)).toBeGreaterThan(0);
    expect(Math.abs(at(6, 4, 2) / at(4, 6, 2) - 1)).toBeLessThan(1e-6);
    expect(at(4, 4, 2)).toBeGreaterThan(at(8, 4, 2));
    const z = Float64Array.of(0.01, 0.056);
    const axis = sampleNonlinearAxis(beam, z, Float64Array.of(1234, 0), sc);
    expect(axis.amplitudes[0]).toBe(1234); // before the start plane: the linear value given
    expect(axis.peakPositive[1]).toBeGreaterThan(0);
  });

  it('refuses bad options and tissues without B/A with typed errors', async () => {
    await expect(computeNonlinearBeam(bowl(1), { harmonics: 0 })).rejects.toThrow(/harmonics/);
    await expect(computeNonlinearBeam(bowl(1), { stepFraction: -1 })).rejects.toThrow(/stepFraction/);
    await expect(computeNonlinearBeam(bowl(1), { maxRadialNodes: 1.5 })).rejects.toThrow(/maxRadialNodes/);
    await expect(computeNonlinearBeam(bowl(1), { maxRadialNodes: 16 })).rejects.toThrow(/radial nodes exceed 16/);
    const gas = bowl(1, { layers: [{ tissue: 'water', thickness: 0.03 }, { tissue: 'bone' }] });
    await expect(computeNonlinearBeam(gas, { zMax: 0.07 })).rejects.toThrow(/nonlinearity/);
  });
});
