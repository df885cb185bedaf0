import { type Case, generatePhantom, getTransducerPreset, planTreatment, planningCaseOf, voxelToRasMm } from '@openfuas/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromCoreCase } from '../../src/engine/core-case.js';
import type { WorkstationPlan } from '../../src/engine/planning.js';
import { checkPlan, checkPoint, inTarget } from '../../src/engine/point-safety.js';
import { allowedRegion, marginViolations } from '../../src/engine/safety-margins.js';
import { PlanState } from '../../src/screens/planning/plan-state.js';

// The default fibroid phantom on a 2 mm grid, planned by the core planner; the same with a bowel loop in the beam
// path (the planner skips the foci behind its gas).
const BOWL = getTransducerPreset('clinical-0.8mhz');
let c: Case;
let planned: ReturnType<typeof planTreatment>;
let cGas: Case;
let plannedGas: ReturnType<typeof planTreatment>;

function planPhantom(bowelInPath: boolean): [Case, ReturnType<typeof planTreatment>] {
  const k = generatePhantom({ seed: 3, voxelSizeMm: 2, bowelInPath, fibroids: [{ diameterMm: 55, position: 'anterior', t2Type: 2 }] });
  const p = planTreatment(planningCaseOf(k), {
    device: { preset: 'clinical-0.8mhz' },
    geometry: BOWL,
    power: 200,
    exposure: 3,
    cooling: 9,
    lesionWidth: 0.006,
    lesionLength: 0.009,
  });
  return [k, p];
}

beforeAll(() => {
  [c, planned] = planPhantom(false);
  [cGas, plannedGas] = planPhantom(true);
});

const ctx = () => ({ case: planningCaseOf(c), constraints: planned.plan.constraints, beam: c.couch.beamDirection, geometry: BOWL });
const mmOf = (i: number): [number, number, number] => {
  const [nx, ny] = c.grid.shape;
  const v = voxelToRasMm(c.grid, i % nx, Math.floor(i / nx) % ny, Math.floor(i / (nx * ny)));
  return [v[0] / 1000, v[1] / 1000, v[2] / 1000];
};

describe('safety margins and point checks', () => {
  it('allowedRegion is the planner’s reachable volume (same margins, distance maps)', () => {
    const allowed = allowedRegion(planningCaseOf(c), planned.plan.constraints);
    const voxel = c.grid.spacing[0] * c.grid.spacing[1] * c.grid.spacing[2];
    const volume = allowed.reduce((s, v) => s + v, 0) * voxel;
    expect(planned.reachableVolume).toBeGreaterThan(0);
    expect(volume).toBeCloseTo(planned.reachableVolume, 12);
  });

  it('marginViolations (a local search) agrees with the distance maps on every target voxel', () => {
    const pc = planningCaseOf(c);
    const allowed = allowedRegion(pc, planned.plan.constraints);
    const target = pc.structures[c.target];
    let checked = 0;
    let disagree = 0;
    let violated = 0;
    for (let i = 0; i < c.labels.length; i++) {
      if (c.labels[i] !== target) continue;
      checked++;
      const v = marginViolations(pc, mmOf(i), planned.plan.constraints);
      if (v.length > 0) violated++;
      if ((v.length === 0) !== (allowed[i] === 1)) disagree++;
      for (const m of v) expect(m.distance).toBeLessThan(m.required);
    }
    expect(checked).toBeGreaterThan(1000);
    expect(violated).toBeGreaterThan(100);
    expect(disagree).toBe(0);
  });

  it('checkPoint passes the planner’s points and flags gas in the cone, margins, the target and the slab', () => {
    const sons = planned.plan.sonications;
    expect(sons.length).toBeGreaterThan(20);
    // the planner kept these: nothing forbids them (bowel wall in the cone is a caution only)
    for (let i = 0; i < sons.length; i += 5) {
      const w = checkPoint(ctx(), sons, i);
      expect(
        w.filter((x) => x.kind !== 'beam-caution'),
        sons[i].label,
      ).toEqual([]);
    }
    // a focus the planner skipped for gas in the cone is flagged the same way
    const gas = plannedGas.skipped.find((s) => s.reason.includes('bowel-gas'));
    expect(gas, 'the phantom with bowel in the path has skipped foci').toBeDefined();
    const gasCtx = { ...ctx(), case: planningCaseOf(cGas) };
    const moved = [...sons, { ...sons[0], focus: [gas!.focus[0], gas!.focus[1], gas!.focus[2]] as [number, number, number] }];
    const w = checkPoint(gasCtx, moved, moved.length - 1);
    expect(w).toContainEqual({ kind: 'beam-blocked', structures: ['bowel-gas'] });
    // the same focus in the case without the loop: clear
    expect(checkPoint(ctx(), moved, moved.length - 1).filter((x) => x.kind === 'beam-blocked')).toEqual([]);
    // a focus in the endometrium: outside the target, endometrium margin 0 mm of 15
    const endo = c.labels.indexOf(planningCaseOf(c).structures.endometrium);
    const inEndo = [...sons, { ...sons[0], focus: mmOf(endo) }];
    const we = checkPoint(ctx(), inEndo, inEndo.length - 1);
    expect(we).toContainEqual({ kind: 'outside-target' });
    expect(we).toContainEqual({ kind: 'margin', margin: 'endometrium', distance: 0, required: planned.plan.constraints.endometriumMargin });
    expect(inTarget(planningCaseOf(c), mmOf(endo))).toBe(false);
    // a point of a middle slice moved one slice spacing shallower (beam −y: +y) lies on the next slice's plane
    const spacing = planned.plan.constraints.sliceSpacing;
    const mid = sons.findIndex((s) => s.slice === 4);
    expect(checkPoint(ctx(), sons, mid).filter((x) => x.kind === 'off-slice')).toEqual([]);
    const moveBy = (dy: number) =>
      sons.map((s, i) => (i === mid ? { ...s, focus: [s.focus[0], s.focus[1] + dy, s.focus[2]] as [number, number, number] } : s));
    const off = checkPoint(ctx(), moveBy(spacing), mid).find((x) => x.kind === 'off-slice');
    expect(off).toMatchObject({ kind: 'off-slice', nearer: 5 });
    expect(off && off.kind === 'off-slice' && off.offset).toBeCloseTo(spacing, 6);
    // within its slab: no warning
    expect(checkPoint(ctx(), moveBy(spacing / 5), mid).filter((x) => x.kind === 'off-slice')).toEqual([]);
  });

  it('PlanState rechecks a moved or added point, keeps the plan object and counts edits', async () => {
    const wc = fromCoreCase(c);
    const wp = {
      ...planned,
      shot: { power: 200, exposure: 3 },
      probeFocus: [0, 0, 0],
      cooling: { seconds: 9 },
    } as unknown as WorkstationPlan;
    wp.plan = { ...planned.plan, sonications: [...planned.plan.sonications] };
    const state = new PlanState();
    let plans = 0;
    state.on('plan', () => plans++);
    state.setPlan(wp, wc);
    const planObject = state.planned!.plan;
    // the whole-plan checks run late (in a worker in the page): a point moved meanwhile keeps its own checks
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const checks = state.runChecks(async (ctx, s) => {
      await gate;
      return checkPlan(ctx, s);
    });
    state.select(null, 0);
    const endo = c.labels.indexOf(wc.structures.endometrium);
    expect(state.moveTo(mmOf(endo)).ok).toBe(true);
    expect(state.warnings(0).map((w) => w.kind)).toContain('outside-target');
    expect(state.checked).toBe(false);
    release();
    await checks;
    expect(state.checked).toBe(true);
    expect(state.allowed?.length).toBe(c.labels.length);
    expect(state.warnings(0).map((w) => w.kind)).toContain('outside-target');
    expect(state.warnings(1)).toEqual(checkPoint(ctx(), planObject.sonications, 1));
    expect(state.isEdited(0)).toBe(true);
    expect(state.planned!.plan).toBe(planObject);
    expect(planObject.sonications[0].focus).toEqual(mmOf(endo));
    // power for the whole slice: the slice's points change, the others do not
    const slice = planObject.sonications[0].slice;
    expect(state.setShot('power', 250, 'slice').ok).toBe(true);
    expect(planObject.sonications.every((s) => (s.slice === slice ? s.power === 250 : s.power === 200))).toBe(true);
    expect(state.warnings(0).map((w) => w.kind)).toContain('outside-target');
    const refused = state.setShot('power', 9999, 'all');
    expect(refused.ok).toBe(false);
    expect(planObject.sonications.some((s) => s.power === 9999)).toBe(false);
    // add at a target voxel next to point 1: selected, in its slice, checked
    state.select(null, 1);
    const n = planObject.sonications.length;
    const p1 = planObject.sonications[1];
    const lastOfSlice = planObject.sonications.map((s) => s.slice).lastIndexOf(p1.slice);
    expect(state.add([p1.focus[0] + 0.002, p1.focus[1], p1.focus[2]]).ok).toBe(true);
    expect(planObject.sonications).toHaveLength(n + 1);
    // selected, after the last point of the slice, in that slice
    expect(state.point).toBe(lastOfSlice + 1);
    const added = planObject.sonications[lastOfSlice + 1];
    expect(added.slice).toBe(p1.slice);
    expect(added.focus[0]).toBeCloseTo(p1.focus[0] + 0.002, 12);
    expect(state.isEdited(lastOfSlice + 1)).toBe(true);
    state.remove(0);
    expect(state.point).toBe(lastOfSlice);
    expect(planObject.sonications).toHaveLength(n);
    expect(plans).toBeGreaterThanOrEqual(5);
  });
});
