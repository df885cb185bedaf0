import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCentre, addUser } from '../src/admin.js';
import { Z95, Z998, funnel, funnelLimits } from '../src/analytics/funnel.js';
import { MIN_CELL } from '../src/database/migrations.js';
import type { RecordsDatabase } from '../src/database/records-database.js';
import { PASSWORD, samplePlan, twoCentres } from './fixtures.js';
import { STORAGES, type TestStore, testStore } from './storage.js';

/** mulberry32: a seeded uniform stream, and normal deviates from it (Box–Muller). */
function rng(seed: number) {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { u, normal: () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u()) };
}

describe('funnel plot (Spiegelhalter, Stat Med 2005)', () => {
  it('pools θ and σ exactly as the mean and sample SD of all cases', () => {
    const r = rng(7);
    const raw = [3, 8, 20].map((n, k) => Array.from({ length: n }, () => 0.75 + 0.05 * k + 0.1 * r.normal()));
    const centres = raw.map((xs, k) => {
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
      return { centre: `C${k}`, n: xs.length, mean, sd };
    });
    const all = raw.flat();
    const mean = all.reduce((a, b) => a + b, 0) / all.length;
    const sd = Math.sqrt(all.reduce((a, b) => a + (b - mean) ** 2, 0) / (all.length - 1));
    const f = funnel(centres)!;
    expect(f.target).toBeCloseTo(mean, 12);
    expect(f.sd).toBeCloseTo(sd, 12);
    // limits θ ± z σ/√n, z the normal quantiles of 0.975 and 0.999
    const l = funnelLimits(f.target, f.sd, 16);
    expect(l.upper95 - f.target).toBeCloseTo((1.959964 * f.sd) / 4, 6);
    expect(f.target - l.lower998).toBeCloseTo((3.090232 * f.sd) / 4, 6);
    expect(f.limits[15]).toEqual({ ...l, lower95: l.lower95, upper95: Math.min(1, l.upper95), upper998: Math.min(1, l.upper998) });
    expect(funnel([{ centre: 'A', n: 1, mean: 0.8, sd: null }])).toBeNull(); // one case: no spread, no limits
  });

  it('leaves about 5 % of in-control centres outside the 95 % limits and 0.2 % outside 99.8 % (simulated)', () => {
    // 4000 centres of 5–100 cases, all with the same true mean and SD: what falls outside is chance alone
    const r = rng(2005);
    const centres = Array.from({ length: 4000 }, (_, k) => {
      const n = 5 + Math.floor(r.u() * 96);
      const xs = Array.from({ length: n }, () => 0.8 + 0.12 * r.normal());
      const mean = xs.reduce((a, b) => a + b, 0) / n;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
      return { centre: String(k), n, mean, sd };
    });
    const f = funnel(centres, [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY])!;
    const out95 = f.points.filter((p) => !p.within95).length / f.points.length;
    const out998 = f.points.filter((p) => !p.within998).length / f.points.length;
    // binomial SE at 4000 centres: 0.34 % at 5 %, 0.07 % at 0.2 %; tolerances about 3 SE
    expect(Math.abs(out95 - 0.05)).toBeLessThan(0.01);
    expect(Math.abs(out998 - 0.002)).toBeLessThan(0.0025);
    // and a centre 0.1 below the target with 50 cases is flagged at 99.8 % (z = −0.1·√50/0.12 = −5.9)
    const g = funnel([...centres, { centre: 'low', n: 50, mean: f.target - 0.1, sd: 0.12 }])!;
    const low = g.points.find((p) => p.centre === 'low')!;
    expect(low.z).toBeLessThan(-Z998);
    expect(low.within95).toBe(false);
    expect(Z95).toBeCloseTo(1.959964, 6);
  });
});

describe.each(STORAGES)('analytics across centres with small cells withheld (%s)', (storage) => {
  let store: TestStore;
  let db: RecordsDatabase;
  let t: Awaited<ReturnType<typeof twoCentres>>;
  let physC: string;
  const observed = { A: [0.91, 0.85, 0.78, 0.88, 0.95, 0.66], B: [0.7, 0.62, 0.8, 0.75, 0.68], C: [0.5, 0.55] };
  const predicted = { A: [0.85, 0.8, 0.8, 0.82, 0.9, 0.7], B: [0.72, 0.66, 0.74, 0.71, 0.7], C: [0.6, 0.6] };

  beforeAll(async () => {
    store = await testStore(storage);
    db = await store.open();
    t = await twoCentres(db);
    await addCentre(db.owner, 'C', 'Centre C');
    await addUser(db.owner, { username: 'phys-c', role: 'physician', centre: 'C', password: PASSWORD });
    physC = await t.login('phys-c');
    const token = { A: t.tokens.physA, B: t.tokens.physB, C: physC };
    for (const c of ['A', 'B', 'C'] as const) {
      for (const [i, obs] of observed[c].entries()) {
        const p = await t.call('POST', '/api/v1/patients', token[c], { localId: `${c}-${i}`, birthYear: 1980 });
        const r = await t.call('POST', '/api/v1/treatments', token[c], {
          patient: p.json.id,
          date: `2026-01-${String(i + 1).padStart(2, '0')}`,
          plan: samplePlan(),
          outcome: { npvRatioObserved: obs, npvRatioPredicted: predicted[c][i] },
          // one minor event at A (a count of 1: withheld from others), none at B
          ...(c === 'A' && i === 0 ? { adverseEvents: [{ description: 'skin redness', sirGrade: 'A' }] } : {}),
        });
        expect(r.status).toBe(201);
      }
    }
  });
  afterAll(async () => {
    await db?.close();
    await store?.dispose();
  });

  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

  it(`gives the researcher centres of ${MIN_CELL}+ treatments only, counts of 1–4 withheld (${storage})`, async () => {
    const r = await t.call('GET', '/api/v1/analytics/outcomes', t.tokens.researcher);
    expect(r.status).toBe(200);
    expect(r.json.minCellSize).toBe(5);
    const by = Object.fromEntries(r.json.centres.map((c: { centre: string }) => [c.centre, c]));
    expect(by.A).toMatchObject({ suppressed: false, treatments: 6, withObservedNpv: 6, adverseEvents: null, majorAdverseEvents: 0 });
    expect(by.A.meanNpvRatioObserved).toBeCloseTo(mean(observed.A), 12);
    expect(by.B).toMatchObject({ suppressed: false, treatments: 5, adverseEvents: 0 });
    expect(by.C).toEqual({
      centre: 'C',
      own: false,
      suppressed: true,
      treatments: null,
      withObservedNpv: null,
      meanNpvRatioObserved: null,
      sdNpvRatioObserved: null,
      meanNpvRatioPredicted: null,
      meanAbsPredictionError: null,
      adverseEvents: null,
      majorAdverseEvents: null,
    });
    // centre C's own physician sees C in full, and the others as the researcher does
    const own = await t.call('GET', '/api/v1/analytics/outcomes', physC);
    const ownBy = Object.fromEntries(own.json.centres.map((c: { centre: string }) => [c.centre, c]));
    expect(ownBy.C).toMatchObject({ own: true, suppressed: false, treatments: 2, withObservedNpv: 2 });
    expect(ownBy.A.adverseEvents).toBeNull();
    // a trainee sees no analytics
    await addUser(db.owner, { username: 'trainee-x', role: 'trainee', centre: 'A', password: PASSWORD });
    expect((await t.call('GET', '/api/v1/analytics/outcomes', await t.login('trainee-x'))).status).toBe(403);
  });

  it(`serves funnel plot data: θ and σ from the centres shown, limits, a small own centre drawn but not pooled (${storage})`, async () => {
    const r = await t.call('GET', '/api/v1/analytics/funnel', t.tokens.researcher);
    expect(r.status).toBe(200);
    expect(r.json.method).toMatch(/Spiegelhalter/);
    expect(r.json.withheld).toBe(1);
    const pooled = [...observed.A, ...observed.B];
    const theta = mean(pooled);
    const sigma = Math.sqrt(pooled.reduce((a, b) => a + (b - theta) ** 2, 0) / (pooled.length - 1));
    expect(r.json.funnel.target).toBeCloseTo(theta, 10);
    expect(r.json.funnel.sd).toBeCloseTo(sigma, 10);
    expect(r.json.funnel.points.map((p: { centre: string }) => p.centre)).toEqual(['A', 'B']);
    const a = r.json.funnel.points[0];
    expect(a.z).toBeCloseTo(((mean(observed.A) - theta) * Math.sqrt(6)) / sigma, 10);
    expect(r.json.funnel.limits.at(-1).n).toBe(6);
    const c = await t.call('GET', '/api/v1/analytics/funnel', physC);
    expect(c.json.funnel.target).toBeCloseTo(theta, 10); // the same limits for everyone
    const cp = c.json.funnel.points.find((p: { centre: string }) => p.centre === 'C');
    expect(cp).toMatchObject({ n: 2, own: true });
    expect(cp.mean).toBeCloseTo(0.525, 12);
    expect(cp.within95).toBe(false); // z = (0.525 − θ)·√2/σ
  });

  it(`serves predicted vs observed: own pairs, bins of 0.1 across centres with small bins withheld (${storage})`, async () => {
    const r = await t.call('GET', '/api/v1/analytics/predicted-vs-observed', t.tokens.researcher);
    expect(r.json.pairs).toEqual([]);
    const pairs = ['A', 'B', 'C'].flatMap((c) => observed[c as 'A'].map((o, i) => ({ p: predicted[c as 'A'][i], o })));
    const bins = new Map<number, Array<{ p: number; o: number }>>();
    for (const x of pairs) {
      const b = Math.min(Math.floor(x.p * 10), 9);
      bins.set(b, [...(bins.get(b) ?? []), x]);
    }
    expect(r.json.bins.map((b: { binLower: number }) => b.binLower)).toEqual([...bins.keys()].sort().map((b) => b / 10));
    for (const got of r.json.bins) {
      const xs = bins.get(Math.round(got.binLower * 10))!;
      if (xs.length < 5) expect(got).toMatchObject({ suppressed: true, n: null, meanObserved: null });
      else {
        expect(got).toMatchObject({ suppressed: false, n: xs.length });
        expect(got.meanObserved).toBeCloseTo(mean(xs.map((x) => x.o)), 12);
      }
    }
    expect(r.json.bins.some((b: { suppressed: boolean }) => !b.suppressed)).toBe(true);
    const err = pairs.map((x) => x.o - x.p);
    expect(r.json.summary.n).toBe(13);
    expect(r.json.summary.meanError).toBeCloseTo(mean(err), 12);
    const own = await t.call('GET', '/api/v1/analytics/predicted-vs-observed', physC);
    expect(own.json.pairs).toEqual([
      { centre: 'C', predicted: 0.6, observed: 0.5 },
      { centre: 'C', predicted: 0.6, observed: 0.55 },
    ]);
  });
});
