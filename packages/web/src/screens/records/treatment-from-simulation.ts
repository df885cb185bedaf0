import type { Plan } from '@openfuas/core';
import type { TreatmentResult } from '../../engine/simulation-protocol.js';
import type { Outcome, TreatmentRequest } from './records-client.js';

/**
 * The treatment record of a finished simulation: the plan as simulated and the predicted outcome (NPV ratio of
 * the target, target and non-perfused target volumes in m³), as the API takes them. What the console delivered
 * is not known from a simulation, so `delivered` is left out (the server stores the plan's totals). The observed
 * outcome comes later, from post-treatment contrast MRI (`observedOutcome`).
 */
export function treatmentFromSimulation(
  sim: { result: TreatmentResult; plan: Plan },
  patient: string,
  date: string,
  id: string = crypto.randomUUID(),
): TreatmentRequest {
  const o = sim.result.outcome;
  const outcome: Outcome = {};
  if (Number.isFinite(o.npvRatio)) outcome.npvRatioPredicted = clamp01(o.npvRatio);
  if (Number.isFinite(o.target.volume) && o.target.volume > 0) outcome.targetVolume = o.target.volume;
  if (Number.isFinite(o.nonPerfusedTargetVolume)) outcome.npvVolumePredicted = Math.max(0, o.nonPerfusedTargetVolume);
  // a JSON round trip: the plan as a plain document (no class instances or typed arrays)
  const plan = JSON.parse(JSON.stringify(sim.plan)) as Record<string, unknown>;
  return { id, patient, date, plan, outcome };
}

/**
 * An observed outcome from the form: NPV ratio in percent (0–100), NPV in ml (optional, ≥ 0), imaging date; null
 * when a number is out of range (the form says which).
 */
export function observedOutcome(input: { npvPercent: number; npvMl?: number; imagingDate?: string }): Outcome | null {
  if (!(input.npvPercent >= 0 && input.npvPercent <= 100)) return null;
  const out: Outcome = { npvRatioObserved: input.npvPercent / 100 };
  if (input.npvMl !== undefined) {
    if (!(input.npvMl >= 0 && input.npvMl <= 1e6)) return null;
    out.npvVolumeObserved = input.npvMl * 1e-6;
  }
  if (input.imagingDate) out.imagingDate = input.imagingDate;
  return out;
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}

/** Today as YYYY-MM-DD in the user's time zone (the day the treatment was given). */
export function today(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}
