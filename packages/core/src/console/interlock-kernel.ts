import { INTERLOCK_CODES, type InterlockCode, type InterlockLimits } from './interlock-limits.js';

/** What the interlock kernel reads at the end of a control tick: measurements only, never the simulated truth. */
export interface InterlockInputs {
  /** s, end of the tick */
  readonly time: number;
  /** W the control loop commanded during the tick (0: off) */
  readonly commandedPower: number;
  /** W forward, from the power meter */
  readonly forwardPower: number;
  /** W reflected, from the power meter */
  readonly reflectedPower: number;
  /** J delivered (forward) in the current sonication so far */
  readonly sonicationEnergy: number;
  /** °C / CEM43 maxima of the latest thermometry map per zone; null without thermometry */
  readonly nearFieldTemperature: number | null;
  readonly farFieldTemperature: number | null;
  readonly nearFieldDose: number | null;
  readonly farFieldDose: number | null;
  /** obstructing voxels seen in the beam cone */
  readonly beamPathObstruction: number;
  /** m, measured target displacement */
  readonly targetDisplacement: number;
  /** s since each monitor's latest update, and its period */
  readonly monitors: ReadonlyArray<{ readonly age: number; readonly period: number }>;
  readonly emergencyStop: boolean;
  /** the control loop's heartbeat counter (advances every tick it runs) */
  readonly heartbeat: number;
}

export type InterlockLevel = 'ok' | 'warning' | 'error';

/** Kernel state carried from tick to tick: latched errors and the last heartbeat seen. */
export interface InterlockKernelState {
  readonly levels: Readonly<Record<InterlockCode, InterlockLevel>>;
  readonly heartbeat: number;
  /** ticks since the heartbeat last advanced */
  readonly heartbeatAge: number;
  /** false once any error latched: the output gate stays shut until the kernel is reset (re-arming) */
  readonly outputEnabled: boolean;
}

/** A level change, with the value that caused it. */
export interface InterlockChange {
  readonly code: InterlockCode;
  readonly level: InterlockLevel;
  readonly value: number;
  readonly reason: string;
}

/** The kernel's initial (reset) state: everything ok, output enabled. */
export function resetInterlocks(heartbeat = 0): InterlockKernelState {
  return {
    levels: Object.fromEntries(INTERLOCK_CODES.map((c) => [c, 'ok'])) as Record<InterlockCode, InterlockLevel>,
    heartbeat,
    heartbeatAge: 0,
    outputEnabled: true,
  };
}

/** The value each limit compares (NaN where its monitor is absent: not evaluated). */
export function interlockValues(inputs: InterlockInputs, previous: InterlockKernelState): Record<InterlockCode, number> {
  const cmd = inputs.commandedPower;
  const fwd = inputs.forwardPower;
  let late = 0;
  for (const m of inputs.monitors) late = Math.max(late, m.age / m.period);
  const heartbeatAge = inputs.heartbeat === previous.heartbeat ? previous.heartbeatAge + 1 : 0;
  return {
    'sonication-energy': inputs.sonicationEnergy,
    'near-field-temperature': inputs.nearFieldTemperature ?? Number.NaN,
    'near-field-dose': inputs.nearFieldDose ?? Number.NaN,
    'far-field-temperature': inputs.farFieldTemperature ?? Number.NaN,
    'far-field-dose': inputs.farFieldDose ?? Number.NaN,
    'beam-path': inputs.beamPathObstruction,
    'coupling-loss': fwd > 1 ? inputs.reflectedPower / fwd : 0,
    'target-motion': inputs.targetDisplacement,
    'amplifier-fault': Math.abs(fwd - cmd) / Math.max(cmd, 1),
    'monitoring-loss': late,
    'emergency-stop': inputs.emergencyStop ? 1 : 0,
    heartbeat: heartbeatAge,
  };
}

/**
 * One evaluation of the interlock kernel: pure and deterministic (inputs and previous state in, next state and
 * changes out; no clock, no randomness, no allocation beyond its result), so that it could run on separate
 * hardware beside the control loop. Each limit's level is error when value ≥ error, warning when value ≥ warning;
 * errors latch (a cleared cause keeps the gate shut until reset), warnings follow the value. The output gate is
 * shut as soon as any error latches: the transducer is off from the next tick.
 */
export function evaluateInterlocks(
  limits: InterlockLimits,
  inputs: InterlockInputs,
  previous: InterlockKernelState,
): { state: InterlockKernelState; changes: InterlockChange[] } {
  const values = interlockValues(inputs, previous);
  const levels = { ...previous.levels };
  const changes: InterlockChange[] = [];
  for (const code of INTERLOCK_CODES) {
    const v = values[code];
    if (Number.isNaN(v)) continue;
    const l = limits[code];
    const was = previous.levels[code];
    let now: InterlockLevel = v >= l.error ? 'error' : l.warning !== null && v >= l.warning ? 'warning' : 'ok';
    if (was === 'error') now = 'error';
    if (now !== was) {
      levels[code] = now;
      const bound = now === 'error' ? l.error : now === 'warning' ? l.warning : (l.warning ?? l.error);
      const rel = now === 'ok' ? '<' : '≥';
      changes.push({ code, level: now, value: v, reason: `${l.quantity}: ${fmt(v)} ${l.unit} ${rel} ${fmt(bound as number)} ${l.unit}` });
    }
  }
  const outputEnabled = previous.outputEnabled && !INTERLOCK_CODES.some((c) => levels[c] === 'error');
  return {
    state: { levels, heartbeat: inputs.heartbeat, heartbeatAge: values.heartbeat, outputEnabled },
    changes,
  };
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 || v === 0 || Number.isInteger(v) ? String(Math.round(v * 100) / 100) : v.toPrecision(3);
}
