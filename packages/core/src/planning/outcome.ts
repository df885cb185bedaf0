import { InputError } from '../errors.js';
import type { Grid3D } from '../grid/grid3d.js';
import { OUTSIDE_STRUCTURES } from '../case/case-metrics.js';
import type { Finding } from './finding.js';
import { VASCULAR_SHUTDOWN_DOSE, nonPerfusedVolume } from './non-perfused-volume.js';
import type { Plan } from './plan.js';

/**
 * The predicted outcome of a treatment: the JSON contract of `fuas simulate --json` and `fuas demo --json`
 * (SI units: m³, J, s, °C; CEM43 in minutes; eef in J/mm³ as clinics report it).
 */
export interface SimulationOutcome {
  target: { volume: number };
  ablatedTargetVolume: number;
  ablatedVolume: number;
  /** tissue a contrast MRI would show unperfused: vascular shutdown plus ischaemic target (non-perfused-volume.ts), m³ */
  nonPerfusedVolume: number;
  /** the part of it inside the target, m³ */
  nonPerfusedTargetVolume: number;
  /** nonPerfusedTargetVolume / target.volume */
  npvRatio: number;
  eef: number;
  energy: number;
  sonicationTime: number;
  treatmentTime: number;
  sonications: number;
  peakTemperature: number;
  /**
   * per structure: maxima over the simulated domains; `simulated` false where no voxel of the structure was in one
   * (its 37 °C and zero dose are then assumed, not computed: viewers say "not computed")
   */
  structures: Record<string, { maxTemperature: number; maxDose: number; simulated?: boolean }>;
  findings: Finding[];
}

/** The focusing coefficient η of EEF = η·P·t/V (the Chongqing group's convention; devices-and-protocol.md). */
export const EEF_FOCUSING_COEFFICIENT = 0.7;

/** Dose limits per structure for findings: first damage in normal tissue is below the 240 CEM43 ablation dose. */
export const DOSE_WARNING = 18; // CEM43: "possible damage" margin (devices-and-protocol.md)
export const DOSE_ERROR = 240; // CEM43: lethal

/** Structures whose thermal damage is a complication (the target and the uterus hosting it are not). */
export const PROTECTED_STRUCTURES = [
  'skin',
  'fat',
  'muscle',
  'endometrium',
  'bladder',
  'bowel',
  'bowel-gas',
  'bone',
  'soft-tissue',
] as const;
/** Structures whose temperature must stay under the plan's near-field limit (maxSkinTemperature). */
export const NEAR_FIELD_STRUCTURES = ['skin', 'fat', 'muscle'] as const;

/** Energy and times of a plan: energy = Σ P·t, sonication time = Σ t, treatment time = Σ (t + cooling). */
export function planTotals(plan: Plan): { energy: number; sonicationTime: number; treatmentTime: number } {
  let energy = 0,
    sonicationTime = 0,
    treatmentTime = 0;
  for (const s of plan.sonications) {
    energy += s.power * s.exposure;
    sonicationTime += s.exposure;
    treatmentTime += s.exposure + s.cooling;
  }
  return { energy, sonicationTime, treatmentTime };
}

export interface OutcomeInput {
  plan: Plan;
  /** grid of the fields below */
  grid: Grid3D;
  /** case labels sampled on `grid` */
  labels: Uint8Array;
  /** structure name → label */
  structures: Readonly<Record<string, number>>;
  /** target structure name */
  target: string;
  /** °C, maximum over the treatment, per voxel */
  maxTemperature: Float32Array;
  /** CEM43 minutes at the end, per voxel */
  dose: Float32Array;
  /** target volume measured on the case's own grid (m³); default: counted on `grid` */
  targetVolume?: number;
  /** findings gathered earlier (planner, solver) */
  findings?: Finding[];
  /** per-structure maxima from another simulated domain (e.g. the near field), merged by taking the larger */
  otherMaxima?: Record<string, { maxTemperature: number; maxDose: number }>;
}

/**
 * Outcome metrics from the dose and temperature maps: ablated volume = voxels with CEM43 ≥ plan's lesionDose;
 * non-perfused volume = vascular shutdown (CEM43 ≥ VASCULAR_SHUTDOWN_DOSE) plus the target tissue it encloses, cut off
 * from the peripheral supply (nonPerfusedVolume, 'network' rule); NPV ratio = non-perfused target volume / target volume;
 * EEF = η·Σ P·t / V_NPV (non-perfused target volume, mm³) in J/mm³ with η = 0.7, as clinics compute it; per-structure maxima;
 * findings where protected tissue reaches 18 (warning) or 240 CEM43 (error), or near-field tissue exceeds the
 * plan's maxSkinTemperature.
 */
export function computeOutcome(input: OutcomeInput): SimulationOutcome {
  const { grid, labels, maxTemperature, dose, plan } = input;
  const n = grid.shape[0] * grid.shape[1] * grid.shape[2];
  if (labels.length !== n || maxTemperature.length !== n || dose.length !== n) {
    throw new InputError('outcome', `labels, maxTemperature and dose must all have ${n} voxels`);
  }
  const targetLabel = input.structures[input.target];
  if (targetLabel === undefined) throw new InputError('outcome.target', `no structure named "${input.target}"`);
  const voxelVolume = grid.spacing[0] * grid.spacing[1] * grid.spacing[2];
  const threshold = plan.constraints.lesionDose;
  const byLabel = new Map<number, string>();
  for (const [name, label] of Object.entries(input.structures)) byLabel.set(label, name);
  const maxT = new Map<number, number>();
  const maxD = new Map<number, number>();
  let ablated = 0,
    ablatedTarget = 0,
    targetCount = 0,
    peak = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const l = labels[i],
      t = maxTemperature[i],
      d = dose[i];
    if (!Number.isFinite(t) || !Number.isFinite(d)) throw new InputError('outcome', `non-finite temperature or dose at voxel ${i}`);
    if (t > (maxT.get(l) ?? Number.NEGATIVE_INFINITY)) maxT.set(l, t);
    if (d > (maxD.get(l) ?? Number.NEGATIVE_INFINITY)) maxD.set(l, d);
    if (t > peak) peak = t;
    if (l === targetLabel) targetCount++;
    if (d >= threshold) {
      ablated++;
      if (l === targetLabel) ablatedTarget++;
    }
  }
  const targetVolume = input.targetVolume ?? targetCount * voxelVolume;
  const ablatedTargetVolume = ablatedTarget * voxelVolume;
  const npv = nonPerfusedVolume({
    grid,
    labels,
    dose,
    targetLabel,
    exclude: OUTSIDE_STRUCTURES.map((s) => input.structures[s]).filter((l): l is number => l !== undefined),
    shutdownDose: Math.min(VASCULAR_SHUTDOWN_DOSE, threshold),
  });
  const totals = planTotals(plan);
  const structures: SimulationOutcome['structures'] = {};
  for (const [name, label] of Object.entries(input.structures)) {
    // A structure outside the simulated domain stayed at body temperature, with no dose.
    const other = input.otherMaxima?.[name];
    // (a structure held colder, such as the coupling water, keeps its own maximum)
    const seen = [maxT.get(label), other?.maxTemperature].filter((t): t is number => t !== undefined);
    structures[name] = {
      maxTemperature: seen.length > 0 ? Math.max(...seen) : 37,
      maxDose: Math.max(maxD.get(label) ?? 0, other?.maxDose ?? 0),
      simulated: seen.length > 0,
    };
  }
  const findings: Finding[] = [...(input.findings ?? [])];
  for (const name of PROTECTED_STRUCTURES) {
    const s = structures[name];
    if (!s) continue;
    if (s.maxDose >= DOSE_ERROR) {
      findings.push({
        severity: 'error',
        code: `${name}-ablated`,
        message: `${name} reaches ${fmt(s.maxDose)} CEM43 (≥ ${DOSE_ERROR}: thermal injury)`,
        params: { structure: name, dose: s.maxDose, threshold: DOSE_ERROR },
      });
    } else if (s.maxDose >= DOSE_WARNING) {
      findings.push({
        severity: 'warning',
        code: `${name}-dose`,
        message: `${name} reaches ${fmt(s.maxDose)} CEM43 (≥ ${DOSE_WARNING}: possible damage)`,
        params: { structure: name, dose: s.maxDose, threshold: DOSE_WARNING },
      });
    }
  }
  for (const name of NEAR_FIELD_STRUCTURES) {
    const s = structures[name];
    if (s && s.maxTemperature > plan.constraints.maxSkinTemperature) {
      findings.push({
        severity: 'warning',
        code: `${name}-temperature`,
        message: `${name} reaches ${s.maxTemperature.toFixed(1)} °C (limit ${plan.constraints.maxSkinTemperature} °C): lengthen cooling or lower power`,
        params: { structure: name, temperature: s.maxTemperature, limit: plan.constraints.maxSkinTemperature },
      });
    }
  }
  if (peak >= 100)
    findings.push({
      severity: 'warning',
      code: 'boiling',
      message: `peak temperature ${peak.toFixed(0)} °C: boiling at the focus`,
      params: { temperature: peak },
    });
  const npvRatio = targetVolume > 0 ? Math.min(1, npv.targetVolume / targetVolume) : 0;
  if (plan.sonications.length > 0 && npvRatio < 0.7) {
    findings.push({
      severity: 'warning',
      code: 'low-npv-ratio',
      message: `predicted NPV ratio ${(npvRatio * 100).toFixed(0)} % (< 70 %: technical failure by the usual criterion)`,
      params: { npvRatio },
    });
  }
  return {
    target: { volume: targetVolume },
    ablatedTargetVolume,
    ablatedVolume: ablated * voxelVolume,
    nonPerfusedVolume: npv.volume,
    nonPerfusedTargetVolume: npv.targetVolume,
    npvRatio,
    eef: npv.targetVolume > 0 ? (EEF_FOCUSING_COEFFICIENT * totals.energy) / (npv.targetVolume * 1e9) : 0,
    energy: totals.energy,
    sonicationTime: totals.sonicationTime,
    treatmentTime: totals.treatmentTime,
    sonications: plan.sonications.length,
    peakTemperature: Number.isFinite(peak) ? peak : 37,
    structures,
    findings,
  };
}

function fmt(v: number): string {
  return v >= 1000 ? v.toExponential(1) : v.toFixed(0);
}
