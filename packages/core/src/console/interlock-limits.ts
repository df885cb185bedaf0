import { deviceLimits } from '../planning/device-limits.js';
import type { Plan } from '../planning/plan.js';

/** The interlocks of the console, by code (logged and reported with these names). */
export type InterlockCode =
  | 'sonication-energy'
  | 'near-field-temperature'
  | 'near-field-dose'
  | 'far-field-temperature'
  | 'far-field-dose'
  | 'beam-path'
  | 'coupling-loss'
  | 'target-motion'
  | 'amplifier-fault'
  | 'monitoring-loss'
  | 'emergency-stop'
  | 'heartbeat';

export const INTERLOCK_CODES: readonly InterlockCode[] = [
  'sonication-energy',
  'near-field-temperature',
  'near-field-dose',
  'far-field-temperature',
  'far-field-dose',
  'beam-path',
  'coupling-loss',
  'target-motion',
  'amplifier-fault',
  'monitoring-loss',
  'emergency-stop',
  'heartbeat',
];

/**
 * One limit: the quantity the kernel compares, its unit, the warning and error levels (value ≥ level), and where
 * the levels come from. `warning: null` for binary conditions (a button pressed, a heartbeat missed), which have
 * no early level.
 */
export interface InterlockLimit {
  readonly code: InterlockCode;
  readonly quantity: string;
  readonly unit: string;
  readonly warning: number | null;
  readonly error: number;
  readonly source: string;
}

export type InterlockLimits = Readonly<Record<InterlockCode, InterlockLimit>>;

/**
 * The limits table for a plan (its device class and its near-field constraint). Levels with a published source
 * say so; levels that are engineering choices of this console say that instead (no measurement behind them).
 */
export function interlockLimits(plan: Pick<Plan, 'device' | 'constraints'>): InterlockLimits {
  const d = deviceLimits(plan.device);
  const energy = d.maxPower * d.maxExposure;
  const skin = plan.constraints.maxSkinTemperature;
  const table: InterlockLimit[] = [
    {
      code: 'sonication-energy',
      quantity: 'acoustic energy delivered in the current sonication',
      unit: 'J',
      warning: 0.9 * energy,
      error: energy,
      source:
        'device class: max power × max exposure (device-limits.ts, from shared/reference/devices-and-protocol.md: 300–520 W, 1–5 s); ' +
        'MR-guided devices cap energy per sonication likewise (ExAblate: 7,100 J, FDA PMA P040003); warning at 90 %: engineering choice',
    },
    {
      code: 'near-field-temperature',
      quantity: 'highest measured temperature in the near field (skin, muscle; fat gives no PRF signal)',
      unit: '°C',
      warning: skin - 2,
      error: skin,
      source:
        "the plan's maxSkinTemperature (default 43 °C, plan.ts); warning 2 °C below: two standard deviations of the ~1 °C " +
        'thermometry noise (shared/reference/devices-and-protocol.md)',
    },
    {
      code: 'near-field-dose',
      quantity: 'highest measured thermal dose in the near field',
      unit: 'CEM43 min',
      warning: 18,
      error: 80,
      source:
        '18 CEM43 "possible damage" margin and 80 CEM43 safety contour (shared/reference/devices-and-protocol.md; Yarmolenko et al., Int J Hyperthermia 2011)',
    },
    {
      code: 'far-field-temperature',
      quantity: 'highest measured temperature beyond the target (sacrum side, bowel)',
      unit: '°C',
      warning: skin - 2,
      error: skin,
      source: 'same levels as the near field: the far field is normal tissue too (plan.ts maxSkinTemperature)',
    },
    {
      code: 'far-field-dose',
      quantity: 'highest measured thermal dose beyond the target',
      unit: 'CEM43 min',
      warning: 18,
      error: 80,
      source: 'as near-field-dose (shared/reference/devices-and-protocol.md)',
    },
    {
      code: 'beam-path',
      quantity: 'bowel, gas or bone voxels in the beam cone in front of the focus, as imaged after motion',
      unit: 'voxels',
      warning: null,
      error: 1,
      source: 'bowel and bone must stay out of the beam path (ExAblate PMA P040003; JC protocol, shared/reference/devices-and-protocol.md)',
    },
    {
      code: 'coupling-loss',
      quantity: 'reflected / forward electrical power (gas in the coupling water reflects the beam)',
      unit: 'ratio',
      warning: 0.1,
      error: 0.2,
      source: 'engineering choice of this console (no published level); the ratio is 0 with good coupling in this simulation',
    },
    {
      code: 'target-motion',
      quantity: 'measured displacement of the target since the plan was locked',
      unit: 'm',
      warning: 1e-3,
      error: 2e-3,
      source:
        'one −6 dB focal width (≈ 1.9 mm for the clinical bowl at 0.8 MHz, O’Neil; shared/reference/devices-and-protocol.md); warning at half',
    },
    {
      code: 'amplifier-fault',
      quantity: '|delivered − commanded| / max(commanded, 1 W) (also output while none is commanded)',
      unit: 'ratio',
      warning: 0.1,
      error: 0.2,
      source: 'engineering choice of this console (no published level)',
    },
    {
      code: 'monitoring-loss',
      quantity: 'age of the latest guidance image or thermometry map over its update period',
      unit: 'periods',
      warning: null,
      error: 1,
      source: 'issue 13: no image or thermometry update within its period (images every 0.1 s, maps every 3 s)',
    },
    {
      code: 'emergency-stop',
      quantity: "the patient's button",
      unit: 'pressed',
      warning: null,
      error: 1,
      source: "issue 13: the patient's button stops the output at once (clinical consoles give the sedated patient one)",
    },
    {
      code: 'heartbeat',
      quantity: 'control ticks since the control loop last advanced its heartbeat',
      unit: 'ticks',
      warning: null,
      error: 1,
      source: 'issue 13: the kernel stops output if the control loop stalls; one missed tick',
    },
  ];
  return Object.fromEntries(table.map((l) => [l.code, l])) as InterlockLimits;
}
