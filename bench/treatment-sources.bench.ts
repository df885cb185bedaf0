// The acoustic heat sources of a whole treatment (issue 6): the default phantom (55 mm anterior fibroid),
// the automatic plan (lesion 3 × 10 mm, clinical-0.8mhz), treatmentBeamSources with the default stack
// tolerance, serial and on 2 worker threads; plus one computeBeamSources (its own source plane).
import {
  type BeamSources,
  computeBeamSources,
  generatePhantom,
  planTreatment,
  structureLabels,
  treatmentBeamSources,
} from '@openfuas/core';
import { WorkerPoolExecutor } from '../packages/cli/src/parallel/worker-pool.ts';
import type { BenchFile, BenchResult } from '../scripts/bench-types.ts';

function summary(sources: BeamSources[]) {
  const err = sources.map((s) => Math.abs(s.powerBalance.relativeError));
  const ff = sources.map((s) => s.focalFraction);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  return {
    maxPowerBalanceError: Math.max(...err),
    meanPowerBalanceError: mean(err),
    meanTableSeconds: mean(sources.map((s) => s.tableSeconds)),
    meanPatchSeconds: mean(sources.map((s) => s.patchSeconds)),
    meanStackSeconds: mean(sources.map((s) => s.seconds)),
    focalFractionMin: Math.min(...ff),
    focalFractionMax: Math.max(...ff),
    focalShiftMinMm: Math.min(...sources.map((s) => s.metrics.focalShift)) * 1e3,
    focalShiftMaxMm: Math.max(...sources.map((s) => s.metrics.focalShift)) * 1e3,
    region20dBBeforeMaxMm: Math.max(...sources.map((s) => s.region20dB.before)) * 1e3,
    region20dBAfterMaxMm: Math.max(...sources.map((s) => s.region20dB.after)) * 1e3,
    region20dBHalfWidthMaxMm: Math.max(...sources.map((s) => s.region20dB.halfWidth)) * 1e3,
  };
}

const bench: BenchFile = {
  name: 'treatment-sources',
  async run(): Promise<BenchResult[]> {
    const c = generatePhantom();
    const device = { preset: 'clinical-0.8mhz' };
    const planned = planTreatment(
      {
        name: c.name,
        grid: c.grid,
        labels: c.labels,
        structures: structureLabels(c),
        target: c.target,
        beamDirection: c.couch.beamDirection,
      },
      { device, geometry: { radiusOfCurvature: 0.15, aperture: 0.2 }, lesionWidth: 0.003, lesionLength: 0.01 },
    );
    const plan = planned.plan;
    const results: BenchResult[] = [];
    const focus = plan.sonications[0].focus;
    const t0 = performance.now();
    const one = await computeBeamSources({ case: c, focus, beam: plan.placement.beamDirection, device });
    results.push({
      name: 'beam-sources-single',
      parameters: { case: 'default phantom', device: 'clinical-0.8mhz', depthMm: one.layers.depthBelowSkin * 1e3, threads: 1 },
      figures: {
        seconds: (performance.now() - t0) / 1000,
        tableSeconds: one.tableSeconds,
        patchSeconds: one.patchSeconds,
        focalVoxels: one.focal.source.q.length,
        pathVoxels: one.path.source.q.length,
        focalPowerPerW: one.focal.power,
        pathPowerPerW: one.path.power,
        absorbedPerW: one.powerBalance.absorbed,
        powerBalanceError: one.powerBalance.relativeError,
        focalFraction: one.focalFraction,
        peakPressureKPaPerSqrtW: one.metrics.pressure / 1e3,
        focalShiftMm: one.metrics.focalShift * 1e3,
        width6dBmm: one.metrics.width6dB * 1e3,
        length6dBmm: one.metrics.length6dB * 1e3,
      },
    });
    for (const [label, tolerance] of [
      ['default', {}],
      ['looser: 0.3 dB, 0.3 dB, 0.4 mm', { attenuationDb: 0.3, profileDb: 0.3, soundSpeedPath: 0.4e-3 }],
    ] as const) {
      for (const threads of [1, 2]) {
        const ex = threads > 1 ? new WorkerPoolExecutor(threads) : undefined;
        const t1 = performance.now();
        const all = await treatmentBeamSources(c, plan, { stackTolerance: tolerance }, ex);
        const seconds = (performance.now() - t1) / 1000;
        await ex?.dispose();
        results.push({
          name: 'treatment-beam-sources',
          parameters: { case: 'default phantom', sonications: plan.sonications.length, tolerance: label, threads },
          figures: {
            seconds,
            computations: all.computations,
            sourcePlaneSeconds: all.sourcePlaneSeconds,
            secondsPerComputation: (seconds - all.sourcePlaneSeconds) / all.computations,
            worstDepthMm: all.worstDifference.depth * 1e3,
            worstAttenuationDb: all.worstDifference.attenuationDb,
            worstProfileDb: all.worstDifference.profileDb,
            worstSoundSpeedPathMm: all.worstDifference.soundSpeedPath * 1e3,
            ...summary(all.sources),
          },
        });
      }
    }
    return results;
  },
};
export default bench;
