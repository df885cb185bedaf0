import { InputError } from '../errors.js';

/** Faults that can be injected into a simulated session (issue 13), each at a treatment time. */
export type FaultName =
  | 'skin-overheat'
  | 'far-field-overheat'
  | 'coupling-loss'
  | 'target-motion'
  | 'amplifier-fault'
  | 'monitoring-loss'
  | 'emergency-stop'
  | 'control-stall';

export const FAULT_NAMES: readonly FaultName[] = [
  'skin-overheat',
  'far-field-overheat',
  'coupling-loss',
  'target-motion',
  'amplifier-fault',
  'monitoring-loss',
  'emergency-stop',
  'control-stall',
];

/** A fault and the treatment time (s) from which it acts (to the end of the session). */
export interface FaultInjection {
  readonly fault: FaultName;
  readonly time: number;
}

/**
 * What each fault does in the simulation (scenario constants, not physiology: they only have to be large enough to
 * be dangerous, so that the interlock that must catch them has something to catch):
 * - skin-overheat / far-field-overheat: a 5 mm sphere in front of / beyond the target on the beam axis (a scar or
 *   skin fold, a bone surface) absorbs the beam: it heats at FAULT_HEATING K/s per W delivered, only while on;
 * - coupling-loss: gas in the coupling water reflects COUPLING_LOSS_REFLECTED of the forward power;
 * - target-motion: the patient moves the target by TARGET_MOTION m (lateral, along R) relative to the beam;
 * - amplifier-fault: the amplifier delivers AMPLIFIER_FAULT_GAIN × the commanded power;
 * - monitoring-loss: no guidance image and no thermometry map after the fault time;
 * - emergency-stop: the patient presses the button;
 * - control-stall: the control loop stops running (no heartbeat); the output stays as last commanded until the
 *   interlock kernel shuts its gate.
 */
export const FAULT_HEATING = 0.1;
export const COUPLING_LOSS_REFLECTED = 0.5;
export const TARGET_MOTION = 5e-3;
export const AMPLIFIER_FAULT_GAIN = 1.5;

/** Parses "NAME@SECONDS" (e.g. "coupling-loss@12.5"); InputError naming the flag value otherwise. */
export function parseFaultInjection(text: string, field = '--inject'): FaultInjection {
  const m = /^([a-z-]+)@(.+)$/.exec(text.trim());
  if (!m) throw new InputError(field, `expected FAULT@SECONDS, got ${JSON.stringify(text)}`);
  const fault = m[1] as FaultName;
  if (!FAULT_NAMES.includes(fault)) throw new InputError(field, `unknown fault "${m[1]}" (known: ${FAULT_NAMES.join(', ')})`);
  const time = Number(m[2]);
  if (!Number.isFinite(time) || time < 0 || m[2].trim() === '')
    throw new InputError(field, `fault time must be a number of seconds ≥ 0, got ${JSON.stringify(m[2])}`);
  return { fault, time };
}
