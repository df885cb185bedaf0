// Nonlinear axisymmetric field of clinical-0.8mhz at 400 W through the default abdominal wall (issue 16: target
// < 10 s on 2 cores), as `fuas field --nonlinear` runs it (the Rayleigh start on a 2-thread worker pool, the march on
// the main thread), with its convergence: the default run (N 32, ε 0.05, Δz ≤ 1 mm, a harmonic band added when the
// highest exceeds 1e-4 of the fundamental) against N 64, the tolerance 1e-5 and the step halved, as relative
// differences of p+, p− and the focal heating ratio. The first run is cold (module JIT, worker start-up).
// `npm run bench -- nonlinear`.
// Wall seconds and CPU seconds (this process, all threads) are both given: on a loaded shared machine the wall time
// measures the load, the CPU time the work.
import { WorkerPoolExecutor } from '../packages/cli/src/parallel/worker-pool.ts';
import {
  type NonlinearBeamOptions,
  computeAxialPressure,
  computeNonlinearBeam,
  focusFromAxis,
  nonlinearFocus,
  parseScenario,
} from '../packages/core/src/index.ts';
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
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const bench: BenchFile = {
  name: 'nonlinear',
  async run(): Promise<BenchResult[]> {
    const out: BenchResult[] = [];
    const sc = parseScenario({ transducer: { preset: 'clinical-0.8mhz', power: 400 }, medium: wall });
    const z = Float64Array.from({ length: 201 }, (_, i) => 0.13 + i * 1e-4);
    const linFocus = await focusFromAxis(sc, 'asm', await computeAxialPressure(sc, 'asm', z));
    const executor = new WorkerPoolExecutor(2);
    let reference: { pp: number; pn: number; hr: number } | null = null;
    try {
      for (const [label, opts] of [
        ['default', {}],
        ['N 64', { harmonics: 64 }],
        ['harmonic tolerance 1e-5', { harmonicTolerance: 1e-5 }],
        ['step halved', { stepFraction: 0.025, maxStep: 0.5e-3 }],
      ] as Array<[string, NonlinearBeamOptions]>) {
        const t0 = performance.now();
        const c0 = cpu();
        const beam = await computeNonlinearBeam(sc, { harmonics: 32, zMax: 0.17, ...opts }, executor);
        const seconds = (performance.now() - t0) / 1000;
        const cpuSeconds = cpu() - c0;
        const f = nonlinearFocus(beam, sc, linFocus.position[2], linFocus.pressure);
        let used = 0;
        for (const n of beam.harmonicsInUse) used = Math.max(used, n);
        const now = { pp: f.peakPositivePressure, pn: f.peakNegativePressure, hr: f.heatingRatio };
        reference ??= now;
        out.push({
          name: 'nonlinear-axisymmetric-wall-400W',
          parameters: { transducer: 'clinical-0.8mhz', power: 400, medium: 'default wall', run: label, threads: 2, ...opts },
          figures: {
            seconds,
            cpuSeconds,
            steps: beam.steps,
            harmonicsUsed: used,
            radialNodes: beam.maxRadialNodes,
            peakPositivePressure: now.pp,
            peakNegativePressure: now.pn,
            heatingRatio: now.hr,
            shockZ: f.shockZ ?? -1,
            peakPositiveChangeFromDefault: now.pp / reference.pp - 1,
            peakNegativeChangeFromDefault: now.pn / reference.pn - 1,
            heatingRatioChangeFromDefault: now.hr / reference.hr - 1,
          },
        });
      }
    } finally {
      await executor.dispose();
    }
    return out;
  },
};
export default bench;
