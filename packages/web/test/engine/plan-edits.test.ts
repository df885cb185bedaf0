import { type Sonication, type Vec3, createGrid, deviceLimits } from '@openfuas/core';
import { describe, expect, it } from 'vitest';
import {
  addPoint,
  deletePoints,
  depthOf,
  movePoint,
  nearestSlice,
  pickPoint,
  setShotValue,
  slicePlaneDepth,
} from '../../src/engine/plan-edits.js';
import { editErrorText } from '../../src/screens/planning/edit-text.js';

const BEAM: Vec3 = [0, -1, 0];
const limits = deviceLimits({ preset: 'clinical-0.8mhz' });

/** Two slices along the beam (−y): slice 0 deeper (y = −90 mm), slice 1 at y = −85 mm; 3 + 2 points. */
function plan(): Sonication[] {
  const p = (x: number, y: number, slice: number, n: number): Sonication => ({
    focus: [x / 1000, y / 1000, 0.01],
    power: 200,
    exposure: 3,
    cooling: 9,
    slice,
    label: `S${slice + 1}-P${n}`,
  });
  return [p(0, -90, 0, 1), p(6, -90, 0, 2), p(-6, -89, 0, 3), p(0, -85, 1, 1), p(6, -85, 1, 2)];
}

describe('plan edits', () => {
  it('setShotValue changes the chosen points within the device limits and keeps the others as they were', () => {
    const before = plan();
    const r = setShotValue(before, [1, 3], 'power', limits.maxPower, limits);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.sonications.map((s) => s.power)).toEqual([200, limits.maxPower, 200, limits.maxPower, 200]);
    // untouched points are the same objects; the input list is not modified
    for (const i of [0, 2, 4]) expect(r.sonications[i]).toBe(before[i]);
    expect(before[1].power).toBe(200);
    const all = setShotValue(before, [0, 1, 2, 3, 4], 'cooling', 20, limits);
    expect(all.ok && all.sonications.every((s) => s.cooling === 20)).toBe(true);
  });

  it('setShotValue refuses a value outside the device limits with a message naming the field, and never NaN', () => {
    const before = plan();
    const power = setShotValue(before, [0], 'power', limits.maxPower + 1, limits);
    expect(power.ok).toBe(false);
    if (power.ok) return;
    expect(power.error).toMatchObject({ field: 'power', reason: 'out-of-range', min: limits.minPower, max: limits.maxPower });
    expect(power.error.detail).toMatch(/power/);
    expect(editErrorText(power.error, limits.maxPower + 1)).toBe(
      `Power: ${limits.maxPower + 1} W is outside the device’s range ${limits.minPower}–${limits.maxPower} W; the plan is unchanged`,
    );
    const exposure = setShotValue(before, [0], 'exposure', limits.minExposure / 2, limits);
    expect(!exposure.ok && exposure.error).toMatchObject({ field: 'exposure', reason: 'out-of-range', max: limits.maxExposure });
    if (!exposure.ok) expect(editErrorText(exposure.error, limits.minExposure / 2)).toMatch(/^Exposure: /);
    const cooling = setShotValue(before, [0], 'cooling', limits.minCooling - 0.5, limits);
    expect(!cooling.ok && cooling.error).toMatchObject({ field: 'cooling', reason: 'below-minimum', min: limits.minCooling });
    if (!cooling.ok) expect(editErrorText(cooling.error, limits.minCooling - 0.5)).toMatch(/^Cooling: .* below the device’s minimum/);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const r = setShotValue(before, [0], 'power', bad, limits);
      expect(!r.ok && r.error.reason).toBe('not-a-number');
      if (!r.ok) expect(editErrorText(r.error)).toBe('Power: enter a number');
    }
    // one bad point refuses the whole edit: nothing half-applied
    const mixed = setShotValue(before, [0, 1], 'power', -5, limits);
    expect(mixed.ok).toBe(false);
    expect(before.every((s) => s.power === 200)).toBe(true);
    expect(setShotValue(before, [], 'power', 300, limits).ok).toBe(false);
  });

  it('movePoint moves one point and keeps every other point, refusing non-finite or out-of-image positions', () => {
    const before = plan();
    const r = movePoint(before, 2, [0.001, -0.0895, 0.012]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.sonications[2].focus).toEqual([0.001, -0.0895, 0.012]);
    expect(r.sonications[2]).toMatchObject({ power: 200, slice: 0, label: 'S1-P3' });
    r.sonications.forEach((s, i) => {
      if (i !== 2) expect(s).toBe(before[i]);
    });
    expect(movePoint(before, 2, [Number.NaN, 0, 0]).ok).toBe(false);
    // a 40 mm grid around the origin: −90 mm is outside
    const grid = createGrid([40, 40, 40], [0.001, 0.001, 0.001], [0, 0, 0], [1, 0, 0, -20, 0, 1, 0, -20, 0, 0, 1, -20, 0, 0, 0, 1]);
    const out = movePoint(before, 0, [0, -0.09, 0], grid);
    expect(!out.ok && out.error.reason).toBe('outside-case');
    expect(movePoint(before, 0, [0.005, 0.005, 0.005], grid).ok).toBe(true);
    expect(movePoint(before, 9, [0, 0, 0]).ok).toBe(false);
  });

  it('addPoint lands in the slice: on its plane, after its last point, with its settings and a new label', () => {
    const before = plan();
    expect(slicePlaneDepth(before, 0, BEAM)).toBeCloseTo(0.09, 9);
    // the crosshair 3 mm shallower than slice 0's plane: the point moves along the beam onto the plane
    const r = addPoint(before, [0.003, -0.087, 0.015], 0, BEAM, before[0]);
    expect(r.ok).toBe(true);
    if (!r.ok || r.index === undefined) return;
    expect(r.index).toBe(3);
    const added = r.sonications[3];
    expect(added.slice).toBe(0);
    expect(depthOf(added.focus, BEAM)).toBeCloseTo(slicePlaneDepth(before, 0, BEAM)!, 9);
    expect(added.focus[0]).toBeCloseTo(0.003, 12);
    expect(added.focus[2]).toBeCloseTo(0.015, 12);
    expect(added).toMatchObject({ power: 200, exposure: 3, cooling: 9, label: 'S1-P4' });
    expect(r.sonications).toHaveLength(6);
    expect(r.sonications.filter((_, i) => i !== 3).every((s, i) => s === before[i])).toBe(true);
    // the nearest slice of a position: by plane depth
    expect(nearestSlice(before, [0, -0.0855, 0], BEAM)).toBe(1);
    expect(nearestSlice(before, [0, -0.095, 0], BEAM)).toBe(0);
    // a slice without points takes the position as it is, before the shallower slices
    const fresh = addPoint(before, [0, -0.095, 0], 2, BEAM, { power: 100, exposure: 2, cooling: 5 });
    expect(fresh.ok && fresh.index).toBe(5);
    // a label that was used (a deleted point's) is not given again
    const again = addPoint(deletePoints(before, [2]), [0, -0.09, 0.02], 0, BEAM, before[0], undefined, new Set(['S1-P3']));
    expect(again.ok && again.index !== undefined && again.sonications[again.index].label).toBe('S1-P4');
    if (fresh.ok) expect(fresh.sonications[5]).toMatchObject({ focus: [0, -0.095, 0], slice: 2, power: 100, label: 'S3-P1' });
  });

  it('deletePoints and pickPoint', () => {
    const before = plan();
    const after = deletePoints(before, [1, 3]);
    expect(after.map((s) => s.label)).toEqual(['S1-P1', 'S1-P3', 'S2-P2']);
    // 2 mm across the beam from S1-P2 (6, −90, 10 mm): hit; 3 mm across: miss; 3.5 mm along the beam: hit
    expect(pickPoint(before, [6, -90, 12], BEAM)).toBe(1);
    expect(pickPoint(before, [3, -90, 10], BEAM)).toBeNull();
    expect(pickPoint(before, [6, -93.5, 10], BEAM)).toBe(1);
    // between S1-P1 (0, −90) and S1-P3 (−6, −89): the nearer one
    expect(pickPoint(before, [-4.5, -89, 10], BEAM)).toBe(2);
  });
});
