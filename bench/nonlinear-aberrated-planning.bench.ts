// The nonlinear heat source of a plan's beams through an aberrating wall (issue 16: it must not more than double
// planning time). The clinical plan lattice of the default phantom (planTreatment with the clinical shot: 400 W,
// lesion 3.9 × 20.9 mm, deeper-covered points skipped), every FUAS_BENCH_STRIDE-th sonication (default 40), with the
// case's wall at strength 1 and, for comparison, flat: the planning acoustics (treatmentBeamSources with
// treatmentDomains' patch options, the linear sources every plan computes) and the nonlinear sources added on top
// (nonlinearTreatmentSources). Planning also runs the thermal model, so (acoustics + nonlinear) / acoustics bounds
// the planning-time ratio from above. `npm run bench -- nonlinear-aberrated-planning` (FUAS_BENCH_THREADS: pool, 2).
import {
  generatePhantom,
  nonlinearTreatmentSources,
  planTreatment,
  planningCaseOf,
  treatmentBeamSources,
  withWallAberration,
} from '@openfuas/core';
import { WorkerPoolExecutor } from '../packages/cli/src/parallel/worker-pool.ts';
import type { BenchFile, BenchResult } from '../scripts/bench-types.ts';

const bench: BenchFile = {
  name: 'nonlinear-aberrated-planning',
  async run(): Promise<BenchResult[]> {
    const threads = Number(process.env.FUAS_BENCH_THREADS ?? 2);
    const stride = Number(process.env.FUAS_BENCH_STRIDE ?? 40);
    const executor = new WorkerPoolExecutor(threads);
    const out: BenchResult[] = [];
    try {
      const phantom = generatePhantom();
      const device = { preset: 'clinical-0.8mhz' as const };
      const planned = planTreatment(planningCaseOf(phantom), {
        device,
        geometry: { radiusOfCurvature: 0.15, aperture: 0.2 },
        power: 400,
        exposure: 2,
        lesionWidth: 3.9e-3,
        lesionLength: 20.9e-3,
        skipCovered: true,
      });
      const plan = { ...planned.plan, sonications: planned.plan.sonications.filter((_, i) => i % stride === 0) };
      const options = {
        focalHalfWidth: 3e-3,
        focalHalfLength: 8e-3,
        focalSpacing: 0.5e-3,
        pathSpacing: 1.5e-3,
        pathOutsideFocal: true,
      };
      for (const strength of [1, 0]) {
        const c = withWallAberration(phantom, strength);
        const t0 = performance.now();
        const sources = await treatmentBeamSources(c, plan, options, executor);
        const linear = (performance.now() - t0) / 1000;
        const t1 = performance.now();
        const nl = await nonlinearTreatmentSources(sources, plan, {}, executor);
        const nonlinear = (performance.now() - t1) / 1000;
        const eq = nl.beams.filter((b) => b.equivalentBeam);
        out.push({
          name: `planning-acoustics-${strength > 0 ? 'wall-aberration' : 'flat'}`,
          parameters: { case: 'default phantom', strength, power: 400, stride, sonications: plan.sonications.length, threads },
          figures: {
            beamGroups: sources.computations,
            linearSourcesSeconds: linear,
            nonlinearSourcesSeconds: nonlinear,
            ratioUpperBound: (linear + nonlinear) / linear,
            nonlinearBeams: nl.beams.filter((b) => b.nonlinear).length,
            heatingRatioMin: Math.min(...nl.beams.map((b) => b.heatingRatio)),
            heatingRatioMax: Math.max(...nl.beams.map((b) => b.heatingRatio)),
            apertureScaleMin: eq.length ? Math.min(...eq.map((b) => b.equivalentBeam!.apertureScale)) : Number.NaN,
            areaRatioMax: eq.length ? Math.max(...eq.map((b) => b.equivalentBeam!.areaRatio)) : Number.NaN,
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
