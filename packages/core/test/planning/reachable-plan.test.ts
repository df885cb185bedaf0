import { describe, expect, it } from 'vitest';
import {
  type Case,
  type Vec3,
  InputError,
  computeBeamSources,
  focusChecker,
  generatePhantom,
  getTransducerPreset,
  labelCentroid,
  parsePlan,
  planningCaseOf,
} from '../../src/index.js';
import { planTreatment } from '../../src/planning/planner.js';
import { couchWindowClearance } from '../../src/planning/beam-path.js';
import { checkPlanCouchWindow, dropUnreachableFoci, reachableProbeFocus } from '../../src/planning/reachable-plan.js';
import { simulatePlan } from '../../src/planning/simulate-plan.js';

// The phantoms of issue 17 on which the planner aborted: foci deeper than the bowl reaches (40 mm fat, an 80 mm
// fibroid, a posterior fibroid with points < 0.5 mm too deep at 1.5 mm voxels) and gas on the probe's axis.
const device = { preset: 'clinical-0.8mhz' };
const bowl = getTransducerPreset('clinical-0.8mhz');
const layout = (c: Case) =>
  planTreatment(planningCaseOf(c), {
    device,
    geometry: { radiusOfCurvature: bowl.radiusOfCurvature, aperture: bowl.aperture },
    power: 100,
    exposure: 3,
    cooling: 9,
    // the probe shot's lesion (2.3 mm) × the default pitch factor 2.5
    lesionWidth: 0.0058,
    lesionLength: 0.0085,
  });

describe('dropUnreachableFoci', () => {
  const cases: Array<[string, Parameters<typeof generatePhantom>[0]]> = [
    ['a 40 mm fat layer', { voxelSizeMm: 2, fatMm: 40 }],
    ['an 80 mm fibroid', { voxelSizeMm: 2, fibroids: [{ diameterMm: 80 }] }],
    ['a posterior fibroid (points < 0.5 mm out of reach)', { voxelSizeMm: 1.5, fibroids: [{ diameterMm: 55, position: 'posterior' }] }],
  ];
  for (const [name, options] of cases) {
    it(`skips the foci out of reach on ${name} and says so`, () => {
      const c = generatePhantom(options);
      const check = focusChecker(c, device, c.couch.beamDirection);
      const planned = layout(c);
      const before = planned.plan.sonications.length;
      const tooDeep = planned.plan.sonications.filter((s) => check(s.focus as Vec3)?.reason === 'focus-too-deep').length;
      expect(tooDeep).toBeGreaterThan(0);
      // deep foci far off the window's axis may also miss the couch window (its own finding, below)
      const dropped = planned.plan.sonications.filter((s) => check(s.focus as Vec3) !== null).length;
      dropUnreachableFoci(planned, check);
      const son = planned.plan.sonications;
      expect(son.length).toBe(before - dropped);
      for (const s of son) expect(check(s.focus as Vec3)).toBeNull();
      const finding = planned.findings.find((f) => f.code === 'skipped-focus-too-deep');
      expect(finding?.severity).toBe('warning');
      expect(finding?.params?.count).toBe(tooDeep);
      // the bowl's reach: R − rim height − 5 mm clearance, well under R = 150 mm
      expect(finding?.params?.reach).toBeGreaterThan(0.05);
      expect(finding?.params?.reach).toBeLessThan(bowl.radiusOfCurvature);
      expect(planned.findings.find((f) => f.code === 'plan-summary')?.params?.sonications).toBe(son.length);
      // slices renumbered 0, 1, 2, ... in order; labels unique
      const slices = [...new Set(son.map((s) => s.slice))];
      expect(slices).toEqual(slices.map((_, i) => i));
      expect(new Set(son.map((s) => s.label)).size).toBe(son.length);
      expect(() => parsePlan(JSON.parse(JSON.stringify(planned.plan)))).not.toThrow();
      expect(planned.skipped.filter((s) => /reaches at most/.test(s.reason)).length).toBe(tooDeep);
    });
  }
});

describe('reachableProbeFocus', () => {
  it('moves the probe off the centroid when a bowel loop lies on its axis (bowel-in-path phantom)', () => {
    const c = generatePhantom({ voxelSizeMm: 2, bowelInPath: true });
    const check = focusChecker(c, device, c.couch.beamDirection);
    const label = c.structures.find((s) => s.name === c.target)?.label as number;
    const centroid = labelCentroid(c, label);
    expect(check(centroid)?.reason).toBe('axis-gas');
    const probe = reachableProbeFocus(c, label, centroid, check);
    expect(check(probe)).toBeNull();
    expect(Math.hypot(probe[0] - centroid[0], probe[1] - centroid[1], probe[2] - centroid[2])).toBeGreaterThan(0);
  });

  it('keeps a reachable centroid and throws a coded InputError when no target voxel is reachable', () => {
    const c = generatePhantom({ voxelSizeMm: 2 });
    const label = c.structures.find((s) => s.name === c.target)?.label as number;
    const centroid = labelCentroid(c, label);
    const check = focusChecker(c, device, c.couch.beamDirection);
    expect(reachableProbeFocus(c, label, centroid, check)).toEqual(centroid);
    const never = () => ({ reason: 'focus-too-deep' as const, params: {}, message: 'too deep' });
    let error: unknown;
    try {
      reachableProbeFocus(c, label, centroid, never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).reason).toBe('target-unreachable');
  });
});

describe('computeBeamSources on a focus out of reach', () => {
  it('throws InputError with the reason and values focusChecker gives', async () => {
    const c = generatePhantom({ voxelSizeMm: 2, fatMm: 40 });
    const check = focusChecker(c, device, c.couch.beamDirection);
    const deep = layout(c).plan.sonications.find((s) => check(s.focus as Vec3)?.reason === 'focus-too-deep');
    expect(deep).toBeDefined();
    const problem = check(deep?.focus as Vec3);
    const error = await computeBeamSources({ case: c, focus: deep?.focus as Vec3, beam: c.couch.beamDirection, device }).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.reason).toBe('focus-too-deep');
    expect(error.params).toEqual(problem?.params);
  });
});

describe('the couch window', () => {
  const R = bowl.radiusOfCurvature;
  const a = bowl.aperture / 2;
  const couch = { beamDirection: [0, -1, 0] as Vec3, membraneCenter: [0.01, 0, -0.02] as Vec3, windowRadius: 0.1 };

  it('measures the cone where it crosses the window plane (analytic: radius h·a/√(R² − a²))', () => {
    // 80 mm past the membrane, 30 mm off the window's axis (x 20, z 22.4 mm from its centre)
    const focus: Vec3 = [0.03, -0.08, 0.0024];
    const w = couchWindowClearance(focus, couch, bowl);
    expect(w.offset).toBeCloseTo(Math.hypot(0.02, 0.0224), 12);
    expect(w.coneRadius).toBeCloseTo((0.08 * a) / Math.sqrt(R * R - a * a), 12);
    expect(w.margin).toBeCloseTo(0.1 - w.offset - w.coneRadius, 12);
    // at the bowl's own rim plane (h = √(R² − a²)) the cone is as wide as the aperture
    expect(couchWindowClearance([0.01, -Math.sqrt(R * R - a * a), -0.02], couch, bowl).coneRadius).toBeCloseTo(a, 12);
  });

  // the 2 mm demo phantom with a window narrowed to 60 mm: the outer and deeper points miss it
  const narrow = () => {
    const c = generatePhantom({ voxelSizeMm: 2 });
    c.couch = { ...c.couch, windowRadius: 0.06 };
    return c;
  };

  it('the planner skips the points whose cone misses the window and says so', () => {
    const c = narrow();
    const check = focusChecker(c, device, c.couch.beamDirection);
    const planned = layout(c);
    const before = planned.plan.sonications.length;
    const outside = planned.plan.sonications.filter((s) => check(s.focus as Vec3)?.reason === 'outside-window');
    expect(outside.length).toBeGreaterThan(0);
    expect(outside.length).toBeLessThan(before);
    for (const s of outside) expect(couchWindowClearance(s.focus as Vec3, c.couch, bowl).margin).toBeLessThan(0);
    dropUnreachableFoci(planned, check);
    expect(planned.plan.sonications.length).toBe(before - outside.length);
    for (const s of planned.plan.sonications) expect(couchWindowClearance(s.focus as Vec3, c.couch, bowl).margin).toBeGreaterThanOrEqual(0);
    const finding = planned.findings.find((f) => f.code === 'skipped-outside-window');
    expect(finding?.severity).toBe('warning');
    expect(finding?.params).toEqual({ count: outside.length, windowRadius: 0.06 });
    expect(finding?.message).toMatch(/skipped: beam cone to the focus misses the couch window/);
  });

  it('the plan checker refuses a sonication whose cone misses the window, naming it (simulatePlan before any work)', async () => {
    const c = narrow();
    const planned = layout(c);
    const i = planned.plan.sonications.findIndex((s) => couchWindowClearance(s.focus as Vec3, c.couch, bowl).margin < 0);
    expect(i).toBeGreaterThanOrEqual(0);
    expect(() => checkPlanCouchWindow(c, planned.plan)).toThrow(InputError);
    const error = await simulatePlan(c, planned.plan).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.field).toBe(`plan.sonications[${i}].focus`);
    expect(error.reason).toBe('outside-window');
    expect(error.params.windowRadius).toBe(0.06);
    // the full default window (100 mm, the bowl's aperture radius) admits every point of this plan
    c.couch.windowRadius = 0.1;
    expect(() => checkPlanCouchWindow(c, planned.plan)).not.toThrow();
  });
});
