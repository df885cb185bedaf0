import { describe, expect, it } from 'vitest';
import { type InterlockInputs, evaluateInterlocks, resetInterlocks } from '../../src/console/interlock-kernel.js';
import { INTERLOCK_CODES, interlockLimits } from '../../src/console/interlock-limits.js';
import { smallPlan } from './console-fixture.js';

const limits = interlockLimits(smallPlan());

function quiet(over: Partial<InterlockInputs> = {}): InterlockInputs {
  return {
    time: 1,
    commandedPower: 100,
    forwardPower: 100,
    reflectedPower: 0,
    sonicationEnergy: 100,
    nearFieldTemperature: 37,
    farFieldTemperature: 37,
    nearFieldDose: 0,
    farFieldDose: 0,
    beamPathObstruction: 0,
    targetDisplacement: 0,
    monitors: [{ age: 0, period: 0.1 }],
    emergencyStop: false,
    heartbeat: 1,
    ...over,
  };
}

describe('interlock limits table', () => {
  it('gives every interlock a source, an error level and a warning below it (or none for binary ones)', () => {
    for (const code of INTERLOCK_CODES) {
      const l = limits[code];
      expect(l.code).toBe(code);
      expect(l.source.length).toBeGreaterThan(20);
      expect(Number.isFinite(l.error)).toBe(true);
      if (l.warning !== null) expect(l.warning).toBeLessThan(l.error);
    }
    expect(limits['near-field-temperature'].error).toBe(43); // the plan's default maxSkinTemperature
    expect(limits['sonication-energy'].error).toBe(520 * 5); // clinical device class: max power × max exposure
  });
});

describe('evaluateInterlocks', () => {
  it('keeps the output enabled on quiet inputs', () => {
    const { state, changes } = evaluateInterlocks(limits, quiet(), resetInterlocks(0));
    expect(changes).toEqual([]);
    expect(state.outputEnabled).toBe(true);
  });

  // each condition alone, at its warning and at its error level
  const cases: Array<[string, Partial<InterlockInputs>, Partial<InterlockInputs> | null]> = [
    ['sonication-energy', { sonicationEnergy: 2400 }, { sonicationEnergy: 2600 }],
    ['near-field-temperature', { nearFieldTemperature: 41.5 }, { nearFieldTemperature: 43.2 }],
    ['near-field-dose', { nearFieldDose: 20 }, { nearFieldDose: 90 }],
    ['far-field-temperature', { farFieldTemperature: 41.5 }, { farFieldTemperature: 44 }],
    ['far-field-dose', { farFieldDose: 20 }, { farFieldDose: 81 }],
    ['coupling-loss', { reflectedPower: 15 }, { reflectedPower: 30 }],
    ['target-motion', { targetDisplacement: 1.5e-3 }, { targetDisplacement: 2.5e-3 }],
    ['amplifier-fault', { forwardPower: 112 }, { forwardPower: 150 }],
    ['beam-path', null as unknown as Partial<InterlockInputs>, { beamPathObstruction: 3 }],
    ['monitoring-loss', null as unknown as Partial<InterlockInputs>, { monitors: [{ age: 3, period: 3 }] }],
    ['emergency-stop', null as unknown as Partial<InterlockInputs>, { emergencyStop: true }],
  ];
  it.each(cases)('%s: warning level warns without stopping; error level shuts the gate and latches', (code, warn, err) => {
    const s0 = resetInterlocks(0);
    if (warn) {
      const w = evaluateInterlocks(limits, quiet(warn), s0);
      expect(w.changes.map((c) => [c.code, c.level])).toEqual([[code, 'warning']]);
      expect(w.state.outputEnabled).toBe(true);
    }
    const e = evaluateInterlocks(limits, quiet(err ?? {}), s0);
    expect(e.changes.map((c) => [c.code, c.level])).toEqual([[code, 'error']]);
    expect(e.changes[0].reason.length).toBeGreaterThan(10);
    expect(e.state.outputEnabled).toBe(false);
    // the cause clears: the error stays latched until reset
    const after = evaluateInterlocks(limits, quiet({ heartbeat: 2 }), e.state);
    expect(after.state.outputEnabled).toBe(false);
    expect(after.state.levels[code as (typeof INTERLOCK_CODES)[number]]).toBe('error');
  });

  it('a heartbeat that does not advance for one tick is an error (control-loop stall)', () => {
    const a = evaluateInterlocks(limits, quiet({ heartbeat: 5 }), resetInterlocks(4));
    expect(a.state.outputEnabled).toBe(true);
    const b = evaluateInterlocks(limits, quiet({ heartbeat: 5 }), a.state);
    expect(b.changes.map((c) => c.code)).toEqual(['heartbeat']);
    expect(b.state.outputEnabled).toBe(false);
  });

  it('output when none is commanded is an amplifier fault', () => {
    const r = evaluateInterlocks(limits, quiet({ commandedPower: 0, forwardPower: 5 }), resetInterlocks(0));
    expect(r.changes.map((c) => c.code)).toEqual(['amplifier-fault']);
  });

  it('thermometry limits are not evaluated without thermometry (ultrasound guidance)', () => {
    const r = evaluateInterlocks(
      limits,
      quiet({ nearFieldTemperature: null, farFieldTemperature: null, nearFieldDose: null, farFieldDose: null }),
      resetInterlocks(0),
    );
    expect(r.changes).toEqual([]);
  });

  it('is deterministic and pure: same inputs, same result, previous state untouched', () => {
    const s0 = resetInterlocks(0);
    const frozen = JSON.stringify(s0);
    const a = evaluateInterlocks(limits, quiet({ nearFieldTemperature: 44 }), s0);
    const b = evaluateInterlocks(limits, quiet({ nearFieldTemperature: 44 }), s0);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(s0)).toBe(frozen);
  });
});
