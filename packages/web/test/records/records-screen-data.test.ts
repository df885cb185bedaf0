import { describe, expect, it } from 'vitest';
import type { FunnelAnswer, LearningCurvesAnswer } from '../../src/screens/records/records-client.js';
import { RecordsClient, RecordsHttpError, RecordsUnreachable, apiBase } from '../../src/screens/records/records-client.js';
import { funnelSpec, learningCurveSpec, predictedVsObservedSpec } from '../../src/screens/records/records-plots.js';
import { observedOutcome, today, treatmentFromSimulation } from '../../src/screens/records/treatment-from-simulation.js';

describe('Records screen: the record of a simulation and the form’s observed outcome', () => {
  const plan = { format: 'openfuas-plan', version: 2, device: { preset: 'clinical-0.8mhz' }, sonications: [{ power: 200 }] };
  const outcome = { npvRatio: 0.734, target: { volume: 5.2e-5 }, nonPerfusedTargetVolume: 3.8168e-5 };
  // biome-ignore lint/suspicious/noExplicitAny: only the fields the record reads
  const sim = { result: { outcome } as any, plan: plan as any };

  it('carries the plan and the predicted NPV ratio and volumes (m³) of the simulation, under a fresh id', () => {
    const r = treatmentFromSimulation(sim, '0b7c6f1e-8f3a-4c1e-9d2a-1b2c3d4e5f60', '2026-12-07');
    expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(r.outcome).toEqual({ npvRatioPredicted: 0.734, targetVolume: 5.2e-5, npvVolumePredicted: 3.8168e-5 });
    expect(r.plan).toEqual(plan);
    expect(r.plan).not.toBe(plan);
    expect(r.delivered).toBeUndefined(); // a simulation delivers nothing: the server keeps the plan's totals
    expect(treatmentFromSimulation(sim, r.patient, r.date).id).not.toBe(r.id);
    // a NaN prediction is left out rather than sent
    const nan = treatmentFromSimulation({ ...sim, result: { outcome: { ...outcome, npvRatio: Number.NaN } } as never }, r.patient, r.date);
    expect(nan.outcome.npvRatioPredicted).toBeUndefined();
  });

  it('turns the form’s percent and ml into a ratio and m³, and refuses what is out of range', () => {
    const o = observedOutcome({ npvPercent: 81, npvMl: 42.5, imagingDate: '2026-12-08' });
    expect(o?.npvRatioObserved).toBeCloseTo(0.81, 15);
    expect(o?.npvVolumeObserved).toBeCloseTo(42.5e-6, 18);
    expect(o?.imagingDate).toBe('2026-12-08');
    expect(observedOutcome({ npvPercent: 0 })).toEqual({ npvRatioObserved: 0 });
    for (const bad of [-1, 100.5, Number.NaN]) expect(observedOutcome({ npvPercent: bad })).toBeNull();
    expect(observedOutcome({ npvPercent: 50, npvMl: -3 })).toBeNull();
    expect(today(new Date(2026, 0, 5))).toBe('2026-01-05');
  });
});

describe('Records screen: plot data from the analytics answers', () => {
  const funnel: FunnelAnswer = {
    minCellSize: 5,
    withheld: 1,
    funnel: {
      target: 0.75,
      sd: 0.1,
      points: [
        { centre: 'A', n: 6, mean: 0.76, z: 0.24, within95: true, within998: true, own: false },
        { centre: 'B', n: 1, mean: 0.81, z: 0.6, within95: true, within998: true, own: true },
      ],
      limits: [1, 2, 3, 4, 5, 6].map((n) => ({
        n,
        lower95: 0.75 - (1.96 * 0.1) / Math.sqrt(n),
        upper95: 0.75 + (1.96 * 0.1) / Math.sqrt(n),
        lower998: 0.75 - (3.09 * 0.1) / Math.sqrt(n),
        upper998: 0.75 + (3.09 * 0.1) / Math.sqrt(n),
      })),
    },
  };

  it('funnel: target and the four limit curves over n, centres as points (own flagged), log n axis', () => {
    const spec = funnelSpec(funnel);
    expect(spec).not.toBeNull();
    const s = spec!;
    expect(s.data).toHaveLength(6);
    expect(s.data[0]).toEqual([1, 2, 3, 4, 5, 6]);
    for (const series of s.data.slice(1)) expect(series).toHaveLength(6);
    expect(s.data[1]).toEqual([0.75, 0.75, 0.75, 0.75, 0.75, 0.75]);
    // the limits narrow as 1/√n, the 99.8 % ones outside the 95 % ones
    const [lo95, hi95, lo998, hi998] = [s.data[2], s.data[3], s.data[4], s.data[5]] as number[][];
    expect(hi95[3] - lo95[3]).toBeCloseTo((hi95[0] - lo95[0]) / 2, 12);
    for (let i = 0; i < 6; i++) expect(lo998[i] < lo95[i] && hi998[i] > hi95[i]).toBe(true);
    expect(s.points).toEqual([
      { x: 6, y: 0.76, own: false, label: 'A' },
      { x: 1, y: 0.81, own: true, label: 'B' },
    ]);
    expect(s.x.log).toBe(true);
    expect(funnelSpec({ ...funnel, funnel: null })).toBeNull();
  });

  it('predicted vs observed: one point per treatment over the identity line', () => {
    const s = predictedVsObservedSpec({
      minCellSize: 5,
      pairs: [
        { centre: 'B', predicted: 0.7, observed: 0.81 },
        { centre: 'B', predicted: 0.5, observed: 0.4 },
      ],
      summary: { suppressed: true, n: null, meanError: null, meanAbsError: null, correlation: null },
    });
    expect(s.points.map((p) => [p.x, p.y])).toEqual([
      [0.7, 0.81],
      [0.5, 0.4],
    ]);
    expect(s.data).toEqual([
      [0, 1],
      [0, 1],
    ]);
  });

  it('learning curves: each chart from 0 at case 0, gaps after its last case, the h line, y up to max(h, chart)', () => {
    const a: LearningCurvesAnswer = {
      params: { p0: 0.3, p1: 0.1, alpha: 0.05, beta: 0.2, h: 3.8, horizon: 37 },
      failure: 'x',
      operators: [
        { name: 'dr-li', cases: 3, failures: 0, chart: [0.5, 1.0, 1.5], proficientAt: null },
        { name: 'dr-wu', cases: 1, failures: 1, chart: [0], proficientAt: null },
      ],
    };
    const s = learningCurveSpec(a);
    expect(s.data[0]).toEqual([0, 1, 2, 3]);
    expect(s.data[1]).toEqual([3.8, 3.8, 3.8, 3.8]);
    expect(s.data[2]).toEqual([0, 0.5, 1.0, 1.5]);
    expect(s.data[3]).toEqual([0, 0, null, null]);
    expect(s.y.max).toBeCloseTo(3.8 * 1.1, 12);
    expect(s.series).toHaveLength(3);
  });
});

describe('Records screen: the API client', () => {
  const answer = (status: number, body: unknown) =>
    (async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })) as typeof fetch;

  it('addresses /api/v1 on the same origin or on the given server', () => {
    expect(apiBase('')).toBe('/api/v1');
    expect(apiBase('http://127.0.0.1:8090/')).toBe('http://127.0.0.1:8090/api/v1');
  });

  it('sends the bearer token and tells created (201) from already there (200)', async () => {
    let seen: Headers | undefined;
    const f = (async (_url: string, init?: RequestInit) => {
      seen = new Headers(init?.headers);
      return new Response(JSON.stringify({ id: 'x' }), { status: 200 });
    }) as typeof fetch;
    const r = await new RecordsClient('', 'TOKEN', f).post('patients', { localId: 'a', birthYear: 1980 });
    expect(r.status).toBe(200);
    expect(seen?.get('authorization')).toBe('Bearer TOKEN');
    expect(seen?.get('content-type')).toBe('application/json');
  });

  it('makes a refusal a RecordsHttpError with the fields, and no answer (or a 502 proxy) a RecordsUnreachable', async () => {
    const refused = new RecordsClient(
      '',
      null,
      answer(400, { error: 'invalid input', fields: [{ path: 'birthYear', message: 'too small' }] }),
    );
    const e = await refused.patients().catch((x) => x);
    expect(e).toBeInstanceOf(RecordsHttpError);
    expect(e.status).toBe(400);
    expect(e.fields).toEqual([{ path: 'birthYear', message: 'too small' }]);
    await expect(new RecordsClient('', null, answer(502, { error: 'down' })).health()).rejects.toBeInstanceOf(RecordsUnreachable);
    const offline = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    await expect(new RecordsClient('', null, offline).health()).rejects.toBeInstanceOf(RecordsUnreachable);
  });
});
