import { beforeAll, describe, expect, it } from 'vitest';
import { computeNonlinearBeam } from '../../src/acoustics/nonlinear-axisymmetric.js';
import type { Vec3 } from '../../src/grid/grid3d.js';
import {
  NONLINEAR_HEATING_THRESHOLD,
  nonlinearBeamSource,
  nonlinearPatch,
  nonlinearTreatmentSources,
} from '../../src/planning/nonlinear-sources.js';
import { type BeamSources, computeBeamSources, treatmentBeamSources } from '../../src/planning/treatment-sources.js';
import { slabCase } from './beam-test-case.js';

// clinical-0.8mhz through the slab patient (skin, fat, muscle, uterus), focus 50 mm deep in the fibroid; small boxes.
const device = { preset: 'clinical-0.8mhz' };
const down: Vec3 = [0, -1, 0];
const focus: Vec3 = [0, -0.05, 0];
// sub-cells of 0.25 mm, as the nonlinear patches sample the heat table
const options = {
  focalHalfWidth: 3e-3,
  focalHalfLength: 6e-3,
  pathSpacing: 2e-3,
  pathBeyondFocus: 10e-3,
  pathOutsideFocal: true,
  sampleStep: 0.25e-3,
};

function peak(q: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < q.length; i++) m = Math.max(m, q[i]);
  return m;
}

describe('nonlinear heat source of a plan beam', () => {
  const c = slabCase();
  let s: BeamSources;
  beforeAll(async () => {
    s = await computeBeamSources({ case: c, focus, beam: down, device, options });
  }, 60_000);

  it('samples the axisymmetric heat table like the linear patch: at 5 W the nonlinear patch = linear × P within 2 % of its peak', async () => {
    const P = 5;
    const transducer = {
      name: 'clinical-0.8mhz',
      frequency: 0.8e6,
      radiusOfCurvature: 0.15,
      aperture: 0.2,
      holeDiameter: 0.06,
      drive: { power: P },
    };
    const beam = await computeNonlinearBeam(
      { transducer, medium: s.medium },
      { harmonics: 4, zMax: 0.16, tableRadius: 1e-2, tableStep: 1e-4, startDistance: s.medium.layers[0].zEnd - 0.0382 - 1e-3 },
    );
    const nl = nonlinearPatch(s.focal, beam, down, 0.15, P);
    const lin = s.focal.source.q;
    const top = peak(lin) * P;
    let err = 0;
    for (let i = 0; i < lin.length; i++) err = Math.max(err, Math.abs(nl.source.q[i] - lin[i] * P));
    expect(err / top).toBeLessThan(0.02);
    expect(Math.abs(nl.power / (s.focal.power * P) - 1)).toBeLessThan(0.02);
    expect(nl.source.referencePower).toBe(P);
  }, 60_000);

  it('is linear below the threshold (20 W) and nonlinear at 400 W, where the focal heat grows by about the heating ratio', async () => {
    const low = await nonlinearBeamSource(s, s.medium, device, 20);
    expect(low.nonlinear).toBe(false);
    expect(low.reason).toBe('below-threshold');
    expect(low.heatingRatio).toBeGreaterThan(0.99);
    expect(low.heatingRatio).toBeLessThan(NONLINEAR_HEATING_THRESHOLD);
    const high = await nonlinearBeamSource(s, s.medium, device, 400);
    expect(high.nonlinear).toBe(true);
    expect(high.heatingRatio).toBeGreaterThan(NONLINEAR_HEATING_THRESHOLD);
    expect(high.peakNegativePressure).toBeLessThan(0);
    expect(high.peakPositivePressure).toBeGreaterThan(-high.peakNegativePressure);
    const f = high.focal!;
    expect(f.source.referencePower).toBe(400);
    // the peak voxel's heat (a mean over 0.5 mm voxels) rises with the focal heating ratio, at most by it
    const rise = peak(f.source.q) / (peak(s.focal.source.q) * 400);
    expect(rise).toBeGreaterThan(1.05);
    expect(rise).toBeLessThan(high.heatingRatio * 1.05);
    // more heat in the focal box; the coarse path patch keeps the linear power within 5 % (the cone is linear)
    expect(f.power).toBeGreaterThan(s.focal.power * 400);
    expect(Math.abs(high.path!.power / (s.path.power * 400) - 1)).toBeLessThan(0.05);
    const forced = await nonlinearBeamSource(s, s.medium, device, 400, { linear: true });
    expect(forced).toMatchObject({ nonlinear: false, reason: 'forced-linear' });
  }, 120_000);

  it('through an aberrating wall (×2): the equivalent beam of the aberrated focus, its ratio laid on the aberrated peak', async () => {
    const ab = await computeBeamSources({ case: c, focus, beam: down, device, options: { ...options, wallAberration: 2 } });
    expect(ab.wallAberration).toBeDefined();
    const low = await nonlinearBeamSource(ab, ab.medium, device, 20);
    expect(low).toMatchObject({ nonlinear: false, reason: 'below-threshold' });
    const high = await nonlinearBeamSource(ab, ab.medium, device, 400);
    expect(high.nonlinear).toBe(true);
    expect(high.equivalentBeam).toBeDefined();
    const eq = high.equivalentBeam!;
    // the bowl itself (aperture kept) at the power of the weaker aberrated focus: less nonlinear than the flat beam
    expect(eq.apertureScale).toBe(1);
    expect(eq.power).toBeLessThan(400);
    const flat = await nonlinearBeamSource(s, s.medium, device, 400);
    expect(high.heatingRatio).toBeGreaterThan(NONLINEAR_HEATING_THRESHOLD);
    expect(high.heatingRatio).toBeLessThan(flat.heatingRatio);
    expect(high.peakPositivePressure).toBeGreaterThan(-high.peakNegativePressure);
    const f = high.focal!;
    const lin = ab.focal.source.q;
    // the hottest voxel stays the linear one's (the ratio field is centred on the aberrated peak) and rises by at
    // most the heating ratio
    let iLin = 0;
    let iNl = 0;
    for (let i = 1; i < lin.length; i++) {
      if (lin[i] > lin[iLin]) iLin = i;
      if (f.source.q[i] > f.source.q[iNl]) iNl = i;
    }
    expect(iNl).toBe(iLin);
    const rise = f.source.q[iNl] / (lin[iLin] * 400);
    expect(rise).toBeGreaterThan(1.02);
    expect(rise).toBeLessThan(high.heatingRatio * 1.05);
    expect(f.power).toBeGreaterThan(ab.focal.power * 400);
    expect(Math.abs(high.path!.power / (ab.path.power * 400) - 1)).toBeLessThan(0.05);
    expect(high.pathOutsideFocal).toBeDefined();
    const forced = await nonlinearBeamSource(ab, ab.medium, device, 400, { linear: true });
    expect(forced).toMatchObject({ nonlinear: false, reason: 'forced-linear' });
  }, 180_000);

  it('solves once per distinct (beam, power) of a plan and reuses what the planner solved', async () => {
    const sonications = [-2e-3, 0, 2e-3].map((dx) => ({ focus: [dx, -0.05, 0] as Vec3, power: 20, exposure: 1, cooling: 1, slice: 0 }));
    const plan = { device, sonications, placement: { beamDirection: down } };
    const t = await treatmentBeamSources(c, plan as Parameters<typeof treatmentBeamSources>[1], options);
    expect(t.computations).toBe(1);
    const a = await nonlinearTreatmentSources(t, plan);
    expect(a.beams).toHaveLength(1);
    expect(Array.from(a.beamOfSonication)).toEqual([0, 0, 0]);
    const b = await nonlinearTreatmentSources(t, plan, {}, undefined, a);
    expect(b.beams[0]).toBe(a.beams[0]);
    const edited = { ...plan, sonications: [sonications[0], sonications[1], { ...sonications[2], power: 21 }] };
    const c2 = await nonlinearTreatmentSources(t, edited, {}, undefined, a);
    expect(c2.beams).toHaveLength(2);
    expect(c2.beams[0]).toBe(a.beams[0]);
    await expect(nonlinearTreatmentSources(t, { ...plan, sonications: sonications.slice(1) })).rejects.toThrow(/sonications/);
    await expect(nonlinearBeamSource(s, s.medium, device, -1)).rejects.toThrow(/power/);
  }, 120_000);
});
