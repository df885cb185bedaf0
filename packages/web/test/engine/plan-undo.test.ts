import { generatePhantom, getTransducerPreset, planTreatment, planningCaseOf } from '@openfuas/core';
import { describe, expect, it } from 'vitest';
import { fromCoreCase } from '../../src/engine/core-case.js';
import type { WorkstationPlan } from '../../src/engine/planning.js';
import { checkPoint } from '../../src/engine/point-safety.js';
import { PlanState } from '../../src/screens/planning/plan-state.js';

// Undo and redo of plan edits (PlanState): each edit (move, settings, add, delete) is undone back to the points,
// settings, checks and selection before it, and redone to those after it.
describe('PlanState undo / redo', () => {
  const c = generatePhantom({ seed: 3, voxelSizeMm: 2 });
  const bowl = getTransducerPreset('clinical-0.8mhz');
  const planned = planTreatment(planningCaseOf(c), {
    device: { preset: 'clinical-0.8mhz' },
    geometry: bowl,
    power: 200,
    exposure: 3,
    cooling: 9,
    lesionWidth: 0.006,
    lesionLength: 0.009,
  });
  const wp = {
    ...planned,
    shot: { power: 200, exposure: 3 },
    probeFocus: [0, 0, 0],
    cooling: { seconds: 9 },
  } as unknown as WorkstationPlan;
  const ctx = { case: planningCaseOf(c), constraints: planned.plan.constraints, beam: c.couch.beamDirection, geometry: bowl };
  const copy = (s: PlanState) => JSON.parse(JSON.stringify(s.sonications));

  it('undoes and redoes every kind of edit, with the checks and the selection', () => {
    const state = new PlanState();
    state.setPlan(wp, fromCoreCase(c));
    expect(state.canUndo).toBe(false);
    expect(state.undo()).toBe(false);
    const states = [copy(state)];
    const plan = state.planned?.plan;
    state.select(null, 0);
    const p0 = state.sonications[0].focus;
    // move point 0 30 mm to the right: outside the target
    expect(state.moveTo([p0[0] + 0.03, p0[1], p0[2]]).ok).toBe(true);
    expect(state.warnings(0).length).toBeGreaterThan(0);
    states.push(copy(state));
    expect(state.setShot('power', 250, 'all').ok).toBe(true);
    states.push(copy(state));
    state.select(null, 3);
    const p3 = state.sonications[3].focus;
    expect(state.add([p3[0] + 0.002, p3[1], p3[2]]).ok).toBe(true);
    states.push(copy(state));
    state.remove(1);
    states.push(copy(state));
    expect(states[4]).toHaveLength(states[0].length);
    // a refused edit is no step
    expect(state.setShot('power', 9999, 'all').ok).toBe(false);

    for (let k = states.length - 2; k >= 0; k--) {
      expect(state.undo()).toBe(true);
      expect(copy(state)).toEqual(states[k]);
    }
    expect(state.canUndo).toBe(false);
    // the plan object is the one the simulation and download read; the first point is back, its checks too
    expect(state.planned?.plan).toBe(plan);
    expect(state.warnings(0)).toEqual(checkPoint(ctx, state.sonications, 0));
    expect(state.isEdited(0)).toBe(false);
    expect(state.point).toBe(0);

    for (let k = 1; k < states.length; k++) {
      expect(state.redo()).toBe(true);
      expect(copy(state)).toEqual(states[k]);
    }
    expect(state.canRedo).toBe(false);
    // point 0 is the moved one again (point 1 was deleted), with its warnings
    expect(state.warnings(0).length).toBeGreaterThan(0);
    expect(state.warnings(0)).toEqual(checkPoint(ctx, state.sonications, 0));
    // a new edit after an undo drops what could be redone
    state.undo();
    expect(state.canRedo).toBe(true);
    expect(state.setShot('cooling', 12, 'all').ok).toBe(true);
    expect(state.canRedo).toBe(false);
    // a new plan starts a new history
    state.setPlan(wp, fromCoreCase(c));
    expect(state.canUndo).toBe(false);
  });
});
