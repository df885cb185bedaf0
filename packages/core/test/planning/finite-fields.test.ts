import { afterEach, describe, expect, it, vi } from 'vitest';
import { FuasError, type Plan, generatePhantom, labelCentroid, parsePlan, simulatePlan, treatmentDomains } from '../../src/index.js';
import { checkFiniteField, firstNonFinite } from '../../src/planning/finite-fields.js';
import { TreatmentSimulation } from '../../src/thermal/treatment-simulation.js';

// Fault injection: a NaN put into one intermediate field of a plan simulation ends it with an error naming the
// field and the voxel or beam, never an outcome.
describe('checkFiniteField', () => {
  it('finds the first NaN or ±Infinity and names its voxel (i, j, k)', () => {
    const a = new Float32Array(4 * 3 * 2).fill(37);
    expect(firstNonFinite(a)).toBe(-1);
    expect(() => checkFiniteField('t', a, [4, 3, 2])).not.toThrow();
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const b = Float64Array.from(a);
      b[1 + 4 * (2 + 3 * 1)] = bad;
      b[23] = bad;
      expect(firstNonFinite(b)).toBe(21);
      const e = (() => {
        try {
          checkFiniteField('treatment temperature', b, [4, 3, 2]);
        } catch (err) {
          return err as FuasError;
        }
      })();
      expect(e).toBeInstanceOf(FuasError);
      expect(e?.code).toBe('non-finite');
      expect(e?.message).toBe(`treatment temperature: ${bad} at voxel (1, 2, 1): the computation produced a non-finite value`);
      expect(e?.params).toEqual({ field: 'treatment temperature', voxel: 21 });
    }
    expect(() => checkFiniteField('q', [0, Number.NaN])).toThrow(/q: NaN at voxel 1:/);
  });
});

describe('simulatePlan with a NaN injected', () => {
  // one 2 s sonication on a 30 mm fibroid at 2 mm case voxels, linear source, no near field: a few seconds
  const c = generatePhantom({ fibroids: [{ diameterMm: 30 }], voxelSizeMm: 2 });
  const focus = labelCentroid(c, c.structures.find((s) => s.name === c.target)?.label as number);
  const plan: Plan = parsePlan({
    format: 'openfuas-plan',
    version: 2,
    device: { preset: 'clinical-0.8mhz' },
    sonications: [
      { focus, power: 80, exposure: 2, cooling: 2, slice: 0 },
      { focus: [focus[0] + 0.004, focus[1], focus[2]], power: 80, exposure: 2, cooling: 2, slice: 0 },
    ],
  });
  const options = { linear: true, nearField: false } as const;
  const domains = treatmentDomains(c, plan, options);
  afterEach(() => vi.restoreAllMocks());

  it('runs clean without one (no false alarm on a real run)', async () => {
    const r = await simulatePlan(c, plan, { ...options, domains: await domains });
    expect(r.outcome.peakTemperature).toBeGreaterThan(40);
  });

  it('in a beam’s heat source (the intensity on its focal patch): names the beam and its first sonication', async () => {
    const d = await domains;
    const s = d.sources.sources[0];
    const q = Float32Array.from(s.focal.source.q);
    q[q.length >> 1] = Number.NaN;
    const bad = { ...d, sources: { ...d.sources, sources: [{ ...s, focal: { ...s.focal, source: { ...s.focal.source, q } } }] } };
    const e = await simulatePlan(c, plan, { ...options, domains: bad }).catch((x) => x);
    expect(e).toBeInstanceOf(FuasError);
    expect(e.message).toMatch(/^beam 0 \(sonication 0\) focal heat source: NaN at voxel \(\d+, \d+, \d+\)/);
  });

  it('in a beam’s focal pressure: names the beam', async () => {
    const d = await domains;
    const s = d.sources.sources[0];
    const bad = { ...d, sources: { ...d.sources, sources: [{ ...s, metrics: { ...s.metrics, pressure: Number.POSITIVE_INFINITY } }] } };
    const e = await simulatePlan(c, plan, { ...options, domains: bad }).catch((x) => x);
    expect(e.code).toBe('non-finite');
    expect(e.message).toMatch(/^beam 0 \(sonication 0\) focal pressure \(Pa at 1 W\): Infinity/);
  });

  it('in the temperature at the end of a sonication’s window: names the sonication and the voxel', async () => {
    const real = TreatmentSimulation.prototype.coarseTemperature;
    let calls = 0;
    vi.spyOn(TreatmentSimulation.prototype, 'coarseTemperature').mockImplementation(function (this: TreatmentSimulation) {
      const t = real.call(this);
      if (++calls === 2) t[5] = Number.NaN;
      return t;
    });
    const e = await simulatePlan(c, plan, { ...options, domains: await domains }).catch((x) => x);
    expect(e.code).toBe('non-finite');
    expect(e.message).toMatch(/^treatment temperature \(°C, coarse grid\) after sonication 2: NaN at voxel \(5, 0, 0\)/);
  });

  it('in the thermal dose: names the dose map and the voxel', async () => {
    const real = TreatmentSimulation.prototype.dose;
    vi.spyOn(TreatmentSimulation.prototype, 'dose').mockImplementation(function (this: TreatmentSimulation) {
      const d = real.call(this);
      d[d.length - 1] = Number.NaN;
      return d;
    });
    const e = await simulatePlan(c, plan, { ...options, domains: await domains }).catch((x) => x);
    expect(e.code).toBe('non-finite');
    expect(e.message).toMatch(/^treatment thermal dose \(CEM43 min, fine grid\): NaN at voxel/);
  });
});
