// The 3D nonlinear angular-spectrum march (issue 16): convergence in harmonic count and step size on a small
// F-number 1.25 bowl (1 MHz, R = 50 mm, aperture 40 mm, 30 W, water then liver), its agreement with the
// axisymmetric solver on the axis, and the cost of clinical-0.8mhz at 400 W through the default wall (focal region).
// `npm run bench -- nonlinear-3d`.
import { buildAngularSpectrum, computeNonlinearBeam, parseScenario } from '@openfuas/core';
import { nonlinearField3D } from '../packages/core/src/acoustics/nonlinear-angular-spectrum.ts';
import type { BenchFile, BenchResult } from '../scripts/bench-types.ts';

function axisPeak(z: Float64Array, q: Float64Array): { z: number; q: number; i: number } {
  let i = 0;
  for (let j = 1; j < q.length; j++) if (q[j] > q[i]) i = j;
  return { z: z[i], q: q[i], i };
}

const bench: BenchFile = {
  name: 'nonlinear-3d',
  async run(): Promise<BenchResult[]> {
    const out: BenchResult[] = [];
    const sc = parseScenario({
      transducer: { frequency: 1e6, radiusOfCurvature: 0.05, aperture: 0.04, power: 30 },
      medium: { layers: [{ tissue: 'water', thickness: 0.035 }, { tissue: 'liver' }] },
    });
    const asm = await buildAngularSpectrum(sc, { zMin: 0.02, zMax: 0.065 });
    const dl = (asm.nx * asm.dx) / 1024;
    const nl = 2 * Math.ceil(2e-3 / dl) + 1;
    const ref = await computeNonlinearBeam(sc, { harmonics: 64, zMax: 0.06 });
    const refPeak = axisPeak(ref.z, ref.axisHeat);
    for (const [harmonics, stepFraction] of [
      [4, 0.2],
      [8, 0.2],
      [16, 0.2],
      [8, 0.1],
      [8, 0.05],
    ]) {
      const t0 = performance.now();
      const f = await nonlinearField3D(asm, sc.medium, sc.transducer, {
        zEnd: 0.06,
        marginWavelengths: 8,
        harmonics,
        stepFraction,
        output: { x0: -((nl - 1) / 2) * dl, dl, nl, zFrom: 0.045, dz: 0.5e-3 },
      });
      const seconds = (performance.now() - t0) / 1000;
      const p = axisPeak(f.axisZ, f.axisHeat);
      out.push({
        name: 'nonlinear-3d-small-bowl-30W',
        parameters: { harmonics, stepFraction, marginWavelengths: 8 },
        figures: {
          seconds,
          steps: f.steps,
          harmonicsUsed: f.harmonicsUsed,
          maxGrid: f.maxGrid,
          focalHeat: p.q,
          focalHeatOverAxisymmetric64: p.q / refPeak.q,
          peakPositivePressure: Math.max(...f.axisPeakPositive),
          peakNegativePressure: Math.min(...f.axisPeakNegative),
          axisymmetricPeakPositive: Math.max(...ref.peakPositive),
          axisymmetricPeakNegative: Math.min(...ref.peakNegative),
        },
      });
    }
    // clinical-0.8mhz at 400 W through the default wall, focal region ±3 mm × [R − 8, R + 8] mm
    const wall = parseScenario({
      transducer: { preset: 'clinical-0.8mhz', power: 400 },
      medium: {
        layers: [
          { tissue: 'water', thickness: 0.088 },
          { tissue: 'skin', thickness: 0.002 },
          { tissue: 'fat', thickness: 0.016 },
          { tissue: 'muscle', thickness: 0.0091 },
          { tissue: 'fibroid' },
        ],
      },
    });
    const a2 = await buildAngularSpectrum(wall, { zMin: 0.083, zMax: 0.16 });
    const P = a2.nx * a2.dx;
    const d2 = P / 2 ** Math.ceil(Math.log2(P / 0.25e-3));
    const n2 = 2 * Math.ceil(3e-3 / d2) + 1;
    const t0 = performance.now();
    const f = await nonlinearField3D(a2, wall.medium, wall.transducer, {
      zEnd: 0.158,
      harmonics: 8,
      output: { x0: -((n2 - 1) / 2) * d2, dl: d2, nl: n2, zFrom: 0.142, dz: 0.5e-3 },
    });
    const seconds = (performance.now() - t0) / 1000;
    const axi = await computeNonlinearBeam(wall, { harmonics: 32, zMax: 0.158 });
    out.push({
      name: 'nonlinear-3d-clinical-400W-wall',
      parameters: { harmonics: 8, stepFraction: 0.1, focalRegion: '±3 mm, 142–158 mm' },
      figures: {
        seconds,
        steps: f.steps,
        maxGrid: f.maxGrid,
        focalHeatOverAxisymmetric32: axisPeak(f.axisZ, f.axisHeat).q / axisPeak(axi.z, axi.axisHeat).q,
        peakPositivePressure: Math.max(...f.axisPeakPositive),
        peakNegativePressure: Math.min(...f.axisPeakNegative),
        axisymmetricPeakPositive: Math.max(...axi.peakPositive),
        axisymmetricPeakNegative: Math.min(...axi.peakNegative),
      },
    });
    return out;
  },
};
export default bench;
