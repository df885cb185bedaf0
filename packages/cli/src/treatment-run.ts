import { join } from 'node:path';
import {
  type Case,
  type ParallelExecutor,
  type Plan,
  type PlanSimulationResult,
  SerialExecutor,
  type SimulationOutcome,
  type NearFieldResult,
  type TreatmentDomains,
  type Provenance,
  encodeNifti,
  provenanceTag,
  renderReportHtml,
  simulatePlan,
  treatmentReportData,
} from '@openfuas/core';
import { writeFileBytes, writeFolder } from './io.js';
import { WorkerPoolExecutor } from './parallel/worker-pool.js';
import type { ProgressBar } from './progress-bar.js';

/** The executor for `--threads N`: the serial reference for 1, a worker pool otherwise. */
export function executorFor(threads: number): ParallelExecutor {
  return threads > 1 ? new WorkerPoolExecutor(threads) : new SerialExecutor();
}

const PHASE_LABEL: Record<string, string> = {
  acoustics: 'acoustics',
  'near-field': 'near field',
  treatment: 'treatment',
  outcome: 'outcome',
};

/** Simulates a plan with progress bars on stderr. */
export async function simulateWithProgress(
  c: Case,
  plan: Plan,
  executor: ParallelExecutor,
  bar: ProgressBar,
  nearField = true,
  fromPlanner: { domains?: TreatmentDomains; nearField?: NearFieldResult } = {},
  linear = false,
): Promise<PlanSimulationResult> {
  const result = await simulatePlan(c, plan, {
    executor,
    linear,
    // the treatment's coarse level (the whole fine domain at 3× the spacing) runs on the pool, its fine window on
    // this thread alongside (TreatmentSimulation)
    treatmentExecutor: executor,
    nearField,
    domains: fromPlanner.domains,
    // the planner's cooling fit stepped this plan's near field already (same timeline, same domains)
    nearFieldRun: nearField && fromPlanner.domains ? fromPlanner.nearField : undefined,
    onProgress: (p) => {
      const detail = p.peakTemperature !== undefined ? `peak ${p.peakTemperature.toFixed(0)} °C` : '';
      bar.update(PHASE_LABEL[p.phase] ?? p.phase, p.fraction, detail);
    },
  });
  bar.note(heatSourceNote(result));
  return result;
}

/** One line on the heat source used: linear, or nonlinear (harmonics and shocks) for which beams and why. */
export function heatSourceNote(result: Pick<PlanSimulationResult, 'nonlinear'>): string {
  const nl = result.nonlinear;
  if (!nl) return 'heat source: linear (--linear)';
  const used = nl.beams.filter((b) => b.nonlinear).length;
  const ratios = nl.beams.map((b) => b.heatingRatio).filter((r) => Number.isFinite(r));
  const range = ratios.length ? `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}` : 'not computed';
  return `heat source: nonlinear for ${used} of ${nl.beams.length} beam(s) (focal heating ratio ${range}; nonlinear above 1.1)`;
}

/** The JSON contract of `fuas simulate --json` / `fuas demo --json` (exactly these keys, SI units). */
export function outcomeJson(o: SimulationOutcome): SimulationOutcome {
  return {
    target: { volume: o.target.volume },
    ablatedTargetVolume: o.ablatedTargetVolume,
    ablatedVolume: o.ablatedVolume,
    nonPerfusedVolume: o.nonPerfusedVolume,
    nonPerfusedTargetVolume: o.nonPerfusedTargetVolume,
    npvRatio: o.npvRatio,
    eef: o.eef,
    energy: o.energy,
    sonicationTime: o.sonicationTime,
    treatmentTime: o.treatmentTime,
    sonications: o.sonications,
    peakTemperature: o.peakTemperature,
    structures: o.structures,
    findings: o.findings,
  };
}

/** The files of `simulate --out` (an existing folder holding only these may be replaced). */
export const RESULT_VOLUME_FILES = ['temperature-max.nii.gz', 'dose-cem43.nii.gz', 'provenance.json'];

/**
 * The result volumes (temperature-max and dose NIfTI on the fine grid, their descrip naming the software
 * version and the inputs' hash) and provenance.json, by file name.
 */
export function resultVolumeFiles(result: PlanSimulationResult, from: Provenance): Record<string, Uint8Array | string> {
  const tag = provenanceTag(from);
  const nifti = (data: Float32Array, what: string, intent: string) =>
    encodeNifti({ grid: result.grid, data }, { gzip: true, description: `${tag} ${what}`.slice(0, 79), intent });
  return {
    'temperature-max.nii.gz': nifti(result.maxTemperature, 'maximum temperature (degC)', 'temperature'),
    'dose-cem43.nii.gz': nifti(result.dose, 'thermal dose (CEM43 min)', 'CEM43 min'),
    'provenance.json': `${JSON.stringify(from, null, 1)}\n`,
  };
}

/** Writes the result volumes to a folder as a whole (a fresh sibling, then renamed); returns the paths. */
export async function writeResultVolumes(result: PlanSimulationResult, dir: string, from: Provenance): Promise<string[]> {
  const files = resultVolumeFiles(result, from);
  await writeFolder(dir, files);
  return Object.keys(files).map((name) => join(dir, name));
}

/** The self-contained HTML report. */
export function reportHtml(c: Case, plan: Plan, result: PlanSimulationResult): string {
  return renderReportHtml(treatmentReportData(c, plan, result));
}

/** Writes the self-contained HTML report. */
export async function writeReport(c: Case, plan: Plan, result: PlanSimulationResult, path: string): Promise<void> {
  await writeFileBytes(path, reportHtml(c, plan, result));
}

/** A one-screen summary of an outcome for people. */
export function outcomeSummary(o: SimulationOutcome, extra: string[] = []): string {
  const lines = [
    `Predicted outcome (${o.sonications} sonications)`,
    `  NPV ratio            ${(o.npvRatio * 100).toFixed(1)} %   (ablated ${(o.ablatedTargetVolume * 1e6).toFixed(1)} of ${(o.target.volume * 1e6).toFixed(1)} cm³ of target)`,
    `  Ablated volume       ${(o.ablatedVolume * 1e6).toFixed(1)} cm³ (all tissue, CEM43 ≥ 240)`,
    `  EEF                  ${o.eef.toFixed(2)} J/mm³`,
    `  Energy               ${(o.energy / 1000).toFixed(1)} kJ`,
    `  Sonication time      ${(o.sonicationTime / 60).toFixed(1)} min`,
    `  Treatment time       ${(o.treatmentTime / 60).toFixed(1)} min`,
    `  Peak temperature     ${o.peakTemperature.toFixed(1)} °C`,
    '  Structure      max °C    max CEM43',
    ...Object.entries(o.structures).map(
      ([n, s]) =>
        `  ${n.padEnd(14)} ${s.maxTemperature.toFixed(1).padStart(6)}  ${s.maxDose < 1e4 ? s.maxDose.toFixed(1) : s.maxDose.toExponential(1)}`,
    ),
    'Findings:',
    ...(o.findings.length ? o.findings.map((f) => `  [${f.severity}] ${f.message}`) : ['  none']),
    ...extra,
  ];
  return `${lines.join('\n')}\n`;
}
