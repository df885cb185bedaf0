import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/index.js';
import { distanceTransform } from '../../src/grid/distance-transform.js';
import { rasMmToVoxel } from '../../src/grid/grid3d.js';
import { parsePlan } from '../../src/planning/plan.js';
import { planTreatment } from '../../src/planning/planner.js';
import { LABELS, syntheticCase } from './synthetic-case.js';

const device = { preset: 'clinical-0.8mhz' };
const geometry = { radiusOfCurvature: 0.15, aperture: 0.2 };
const options = { device, geometry, lesionWidth: 0.004, lesionLength: 0.01 };

describe('planTreatment(case, options)', () => {
  const c = syntheticCase();
  const result = planTreatment(c, options);
  const son = result.plan.sonications;
  const [nx, ny] = c.grid.shape;
  const labelAt = (p: readonly number[]) => {
    const v = rasMmToVoxel(c.grid, p[0] * 1000, p[1] * 1000, p[2] * 1000);
    return Math.round(v[0]) + nx * (Math.round(v[1]) + ny * Math.round(v[2]));
  };

  it('produces a valid plan document with sonications', () => {
    expect(son.length).toBeGreaterThan(20);
    expect(() => parsePlan(JSON.parse(JSON.stringify(result.plan)))).not.toThrow();
  });

  it('never violates a margin: every focus ≥ 10 mm inside the serosa, ≥ 15 mm from endometrium and bone', () => {
    const serosa = distanceTransform(c.grid, (i) => ![LABELS.uterus, LABELS.fibroid, LABELS.endometrium].includes(c.labels[i] as never));
    const endo = distanceTransform(c.grid, (i) => c.labels[i] === LABELS.endometrium);
    const bone = distanceTransform(c.grid, (i) => c.labels[i] === LABELS.bone);
    for (const s of son) {
      const i = labelAt(s.focus);
      expect(c.labels[i]).toBe(LABELS.fibroid);
      expect(serosa[i]).toBeGreaterThanOrEqual(0.01);
      expect(endo[i]).toBeGreaterThanOrEqual(0.015);
      expect(bone[i]).toBeGreaterThanOrEqual(0.015);
    }
  });

  it('treats the deepest slice first and moves towards the transducer, 5 mm per slice', () => {
    // beam along −y: deeper = smaller y. Slice indices never decrease; every focus lies within its slab
    // (±2.5 mm of the slice plane); the planes step 5 mm towards the transducer (+y).
    for (let i = 1; i < son.length; i++) expect(son[i].slice).toBeGreaterThanOrEqual(son[i - 1].slice);
    const planes = new Map<number, number>();
    const deepestY = Math.min(...son.map((s) => s.focus[1]));
    for (const s of son) {
      const plane = Math.round((s.focus[1] - deepestY) / 0.005);
      expect(Math.abs(s.focus[1] - deepestY - plane * 0.005)).toBeLessThanOrEqual(0.0025 + 1e-9);
      if (!planes.has(s.slice)) planes.set(s.slice, plane);
      expect(planes.get(s.slice)).toBe(plane);
    }
    const order = [...planes.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
    for (let i = 1; i < order.length; i++) expect(order[i]).toBeGreaterThan(order[i - 1]);
  });

  it('orders each slice from the centre outward', () => {
    const bySlice = new Map<number, typeof son>();
    for (const s of son) bySlice.set(s.slice, [...(bySlice.get(s.slice) ?? []), s]);
    for (const list of bySlice.values()) {
      const cx = list.reduce((a, s) => a + s.focus[0], 0) / list.length;
      const cz = list.reduce((a, s) => a + s.focus[2], 0) / list.length;
      const r = list.map((s) => Math.hypot(s.focus[0] - cx, s.focus[2] - cz));
      for (let i = 1; i < r.length; i++) expect(r[i]).toBeGreaterThanOrEqual(r[i - 1] - 1e-9);
    }
  });

  it('covers the whole reachable target: every reachable voxel is within one lattice cell of a focus', () => {
    const serosa = distanceTransform(c.grid, (i) => ![LABELS.uterus, LABELS.fibroid, LABELS.endometrium].includes(c.labels[i] as never));
    const endo = distanceTransform(c.grid, (i) => c.labels[i] === LABELS.endometrium);
    const bone = distanceTransform(c.grid, (i) => c.labels[i] === LABELS.bone);
    const half = (options.lesionWidth / 2) * Math.SQRT2 + 1e-3; // lattice diagonal + voxel rounding
    let uncovered = 0;
    let reachable = 0;
    const n = c.labels.length;
    for (let i = 0; i < n; i++) {
      if (c.labels[i] !== LABELS.fibroid || serosa[i] < 0.01 || endo[i] < 0.015 || bone[i] < 0.015) continue;
      reachable++;
      const x = (i % nx) * 1e-3 - 0.06,
        y = (Math.floor(i / nx) % ny) * 1e-3 - 0.06,
        z = Math.floor(i / (nx * ny)) * 1e-3 - 0.06;
      const covered = son.some(
        (s) => Math.abs(s.focus[1] - y) <= options.lesionLength / 2 && Math.hypot(s.focus[0] - x, s.focus[2] - z) <= half,
      );
      if (!covered) uncovered++;
    }
    expect(reachable).toBeGreaterThan(1000);
    expect(uncovered).toBe(0);
    expect(result.reachableVolume).toBeCloseTo(reachable * 1e-9, 12);
  });

  it('detects a bowel loop with gas in the beam path and skips the foci behind it', () => {
    const withBowel = planTreatment(syntheticCase({ bowelInPath: true }), options);
    expect(withBowel.skipped.length).toBeGreaterThan(0);
    expect(withBowel.skipped[0].reason).toMatch(/bowel-gas/);
    expect(withBowel.findings.map((f) => f.code)).toContain('beam-path-gas');
    expect(withBowel.plan.sonications.length).toBeLessThan(son.length);
    expect(result.findings.map((f) => f.code)).not.toContain('beam-path-gas');
  });

  it('repeats each point `shots` times, `shotGap` apart, before the pause of the point (clinical repeats)', () => {
    const repeated = planTreatment(c, { ...options, shots: 3, shotGap: 1, cooling: 9 });
    const r = repeated.plan.sonications;
    expect(r.length).toBe(3 * son.length);
    for (let p = 0; p < son.length; p++) {
      const shots = r.slice(3 * p, 3 * p + 3);
      for (const s of shots) {
        expect(s.focus).toEqual(son[p].focus);
        expect(s.label).toBe(son[p].label);
      }
      expect(shots.map((s) => s.cooling)).toEqual([1, 1, 9]);
    }
    expect(() => planTreatment(c, { ...options, shots: 0 })).toThrow(/shots/);
    expect(() => planTreatment(c, { ...options, shots: 2.5 })).toThrow(/shots/);
    expect(() => planTreatment(c, { ...options, shots: 2, shotGap: 0.1 })).toThrow(/shotGap/);
  });

  it('skips the points a deeper lesion already covers (skipCovered: the greyscale endpoint), and only those', () => {
    // a 20 mm lesion centred on its focus covers the whole slab (±2.5 mm) of the next slice up (5 mm), not the one after
    const long = planTreatment(c, { ...options, lesionLength: 0.02, skipCovered: true });
    const all = result; // the layout does not depend on the lesion length otherwise
    const kept = long.plan.sonications;
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(all.plan.sonications.length);
    const lateral = (f: readonly number[]) => `${Math.round(f[0] * 1e4)},${Math.round(f[2] * 1e4)}`; // beam along −y
    for (let i = 0; i < kept.length; i++)
      for (let j = 0; j < i; j++)
        if (lateral(kept[i].focus) === lateral(kept[j].focus)) {
          // a shallower point in the same column sits beyond the deeper lesion's reach over its slab
          expect(kept[i].focus[1] - kept[j].focus[1]).toBeGreaterThan(0.01 - 0.0025 - 1e-9);
        }
    // every dropped point lies within 7.5 mm above a kept point of its column
    const keptSet = new Set(kept.map((s) => s.focus.join()));
    for (const s of all.plan.sonications) {
      if (keptSet.has(s.focus.join())) continue;
      const below = kept.filter((k) => lateral(k.focus) === lateral(s.focus) && k.focus[1] < s.focus[1]);
      expect(below.some((k) => s.focus[1] - k.focus[1] <= 0.0075 + 1e-9)).toBe(true);
    }
    expect(long.findings.map((f) => f.code)).toContain('covered-by-deeper-lesion');
    // a lesion no longer than a slice covers no other slab: nothing is skipped
    expect(planTreatment(c, { ...options, lesionLength: 0.005, skipCovered: true }).plan.sonications).toHaveLength(son.length);
  });

  it('refuses power or exposure outside the device limits', () => {
    expect(() => planTreatment(c, { ...options, power: 900 })).toThrow(InputError);
    expect(() => planTreatment(c, { ...options, exposure: 30 })).toThrow(/exposure/);
  });

  it('reports an error finding when no target lies inside the margins', () => {
    const small = planTreatment(syntheticCase({ fibroidRadiusMm: 8 }), { ...options, constraints: { serosaMargin: 0.04 } });
    expect(small.plan.sonications).toHaveLength(0);
    expect(small.findings[0]).toMatchObject({ severity: 'error', code: 'no-reachable-target' });
  });
});
