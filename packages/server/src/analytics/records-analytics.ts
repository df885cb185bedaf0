import { LC_CUSUM_DEFAULTS, type LcCusumParams, lcCusumChart } from '@openfuas/core';
import { sql } from 'kysely';
import { MIN_CELL } from '../database/migrations.js';
import type { RecordsTx } from '../database/records-store.js';
import { type Funnel, Z95, Z998, funnel } from './funnel.js';

/**
 * Analytics for the Records screen's plots, as JSON. Across centres, only what the suppressing views in the
 * database give (migrations.ts, version 4: cells under MIN_CELL withheld); a centre's own staff also see their own
 * centre in full (row-level security limits those queries to it). Every function runs in the caller's
 * transaction as the request role.
 */

export interface CentreOutcome {
  centre: string;
  /** the caller's own centre (shown in full whatever its size) */
  own: boolean;
  /** the centre has fewer than MIN_CELL treatments: only its code is shown */
  suppressed: boolean;
  treatments: number | null;
  withObservedNpv: number | null;
  meanNpvRatioObserved: number | null;
  sdNpvRatioObserved: number | null;
  meanNpvRatioPredicted: number | null;
  meanAbsPredictionError: number | null;
  adverseEvents: number | null;
  majorAdverseEvents: number | null;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** The caller's own centre, unsuppressed, from the tables themselves (row-level security: its rows only). */
async function ownCentre(tx: RecordsTx, centreId: string): Promise<CentreOutcome> {
  const r = await sql<Record<string, unknown>>`
    with ae as (
      select treatment_id, count(*) as n,
        count(*) filter (where sir_grade in ('C','D','E','F') or clavien_dindo in ('IIIa','IIIb','IVa','IVb','V')) as major
      from adverse_event group by treatment_id)
    select (select code from centre where id = ${centreId}) as code, count(t.id)::int as n, count(o.npv_ratio_observed)::int as n_obs,
      avg(o.npv_ratio_observed) as mean_obs, stddev_samp(o.npv_ratio_observed) as sd_obs, avg(o.npv_ratio_predicted) as mean_pred,
      avg(abs(o.npv_ratio_observed - o.npv_ratio_predicted)) as mae, coalesce(sum(ae.n), 0)::int as ae, coalesce(sum(ae.major), 0)::int as major
    from treatment_session t left join outcome o on o.treatment_id = t.id left join ae on ae.treatment_id = t.id`.execute(tx);
  const x = r.rows[0];
  return {
    centre: String(x.code),
    own: true,
    suppressed: false,
    treatments: Number(x.n),
    withObservedNpv: Number(x.n_obs),
    meanNpvRatioObserved: num(x.mean_obs),
    sdNpvRatioObserved: num(x.sd_obs),
    meanNpvRatioPredicted: num(x.mean_pred),
    meanAbsPredictionError: num(x.mae),
    adverseEvents: Number(x.ae),
    majorAdverseEvents: Number(x.major),
  };
}

/** Outcomes by centre: every centre from the suppressing view, the caller's own (if any) in full. */
export async function centreOutcomes(tx: RecordsTx, centreId: string | null): Promise<CentreOutcome[]> {
  const rows = await tx.selectFrom('centre_outcomes').selectAll().orderBy('centre_code').execute();
  const own = centreId ? await ownCentre(tx, centreId) : null;
  return rows.map((r) =>
    own && r.centre_code === own.centre
      ? own
      : {
          centre: r.centre_code,
          own: false,
          suppressed: r.suppressed,
          treatments: num(r.treatments),
          withObservedNpv: num(r.with_observed_npv),
          meanNpvRatioObserved: num(r.mean_npv_ratio_observed),
          sdNpvRatioObserved: num(r.sd_npv_ratio_observed),
          meanNpvRatioPredicted: num(r.mean_npv_ratio_predicted),
          meanAbsPredictionError: num(r.mean_abs_prediction_error),
          adverseEvents: num(r.adverse_events),
          majorAdverseEvents: num(r.major_adverse_events),
        },
  );
}

export interface FunnelData {
  method: string;
  indicator: string;
  minCellSize: number;
  /** null when fewer than 2 cases are shown or they do not vary */
  funnel: (Funnel & { points: Array<Funnel['points'][number] & { own: boolean }> }) | null;
  /** other centres left out: fewer than MIN_CELL observed NPV ratios (a small own centre is drawn, not pooled) */
  withheld: number;
}

/**
 * Funnel plot data of the observed NPV ratio against the number of treatments with one. θ and σ from the centres
 * with at least MIN_CELL observed ratios; the caller's own centre is drawn even when smaller (its point flagged
 * `own`), but then left out of θ and σ so that what others see and what it sees share the same limits.
 */
export async function funnelData(tx: RecordsTx, centreId: string | null): Promise<FunnelData> {
  const centres = await centreOutcomes(tx, centreId);
  const big = (c: CentreOutcome) => (c.withObservedNpv ?? 0) >= MIN_CELL && c.meanNpvRatioObserved !== null;
  const pooled = centres.filter(big);
  const ownSmall = centres.find((c) => c.own && !big(c) && (c.withObservedNpv ?? 0) > 0);
  const base = funnel(
    pooled.map((c) => ({ centre: c.centre, n: c.withObservedNpv!, mean: c.meanNpvRatioObserved!, sd: c.sdNpvRatioObserved })),
  );
  let f: FunnelData['funnel'] = null;
  if (base) {
    const points = base.points.map((p) => ({
      ...p,
      own: p.centre === ownSmall?.centre || centres.some((c) => c.own && c.centre === p.centre),
    }));
    if (ownSmall) {
      const n = ownSmall.withObservedNpv!;
      const mean = ownSmall.meanNpvRatioObserved!;
      const z = ((mean - base.target) * Math.sqrt(n)) / base.sd;
      points.push({ centre: ownSmall.centre, n, mean, z, within95: Math.abs(z) <= Z95, within998: Math.abs(z) <= Z998, own: true });
    }
    f = { ...base, points };
  }
  return {
    method:
      'Spiegelhalter DJ, Funnel plots for comparing institutional performance, Stat Med 2005;24:1185–1202: normal approximation, limits θ ± z·σ/√n at 95 % and 99.8 %',
    indicator: 'mean observed NPV ratio (contrast-enhanced MRI) per centre, against treatments with an observed NPV ratio',
    minCellSize: MIN_CELL,
    funnel: f,
    withheld: centres.filter((c) => !c.own && !big(c)).length,
  };
}

export interface PredictedVsObserved {
  minCellSize: number;
  /** the caller's own centre's treatments, one by one (none for a researcher) */
  pairs: Array<{ centre: string; predicted: number; observed: number }>;
  /** all centres, by bins of 0.1 of the predicted ratio */
  bins: Array<{
    binLower: number;
    binUpper: number;
    suppressed: boolean;
    n: number | null;
    meanPredicted: number | null;
    meanObserved: number | null;
    sdObserved: number | null;
  }>;
  /** all centres: observed − predicted */
  summary: {
    suppressed: boolean;
    n: number | null;
    meanError: number | null;
    sdError: number | null;
    meanAbsError: number | null;
    correlation: number | null;
  };
}

export async function predictedVsObserved(tx: RecordsTx, centreId: string | null): Promise<PredictedVsObserved> {
  let pairs: PredictedVsObserved['pairs'] = [];
  if (centreId) {
    const code = (await tx.selectFrom('centre').select('code').where('id', '=', centreId).executeTakeFirstOrThrow()).code;
    const rows = await tx
      .selectFrom('outcome')
      .select(['npv_ratio_predicted', 'npv_ratio_observed'])
      .where('npv_ratio_predicted', 'is not', null)
      .where('npv_ratio_observed', 'is not', null)
      .orderBy('npv_ratio_predicted')
      .orderBy('npv_ratio_observed')
      .execute();
    pairs = rows.map((r) => ({ centre: code, predicted: Number(r.npv_ratio_predicted), observed: Number(r.npv_ratio_observed) }));
  }
  const bins = await tx.selectFrom('npv_calibration').selectAll().orderBy('bin_lower').execute();
  const s = await tx.selectFrom('npv_prediction_summary').selectAll().executeTakeFirstOrThrow();
  return {
    minCellSize: MIN_CELL,
    pairs,
    bins: bins.map((b) => ({
      binLower: Number(b.bin_lower),
      binUpper: Number(b.bin_upper),
      suppressed: b.suppressed,
      n: num(b.n),
      meanPredicted: num(b.mean_predicted),
      meanObserved: num(b.mean_observed),
      sdObserved: num(b.sd_observed),
    })),
    summary: {
      suppressed: s.suppressed,
      n: num(s.n),
      meanError: num(s.mean_error),
      sdError: num(s.sd_error),
      meanAbsError: num(s.mean_abs_error),
      correlation: num(s.correlation),
    },
  };
}

/** Technical failure of a real case, as in the published HIFU learning curves (issue 15). */
export const CASE_FAILURE =
  'observed NPV ratio < 0.70 or a major complication (SIR C–F or Clavien–Dindo IIIa or worse); cases with neither an observed NPV ratio nor a major complication are not counted';
export const NPV_FAILURE_BELOW = 0.7;

export interface LearningCurve {
  /** the operator's or trainee's username */
  name: string;
  cases: number;
  failures: number;
  chart: number[];
  proficientAt: number | null;
}

/** LC-CUSUM charts (core's, the same as training) of named sequences of outcomes in order (true = failed). */
export function learningCurves(sequences: Map<string, boolean[]>, params: LcCusumParams = LC_CUSUM_DEFAULTS): LearningCurve[] {
  return [...sequences.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, failed]) => {
      const { chart, proficientAt } = lcCusumChart(failed, params);
      return { name, cases: failed.length, failures: failed.filter(Boolean).length, chart, proficientAt };
    });
}

/** Each operator's real cases of the caller's centre in date order, as failed/succeeded (operator id → outcomes). */
export async function operatorCaseOutcomes(tx: RecordsTx): Promise<Map<string, boolean[]>> {
  const rows = await sql<{ operator_id: string; obs: number | null; major: boolean }>`
    select t.operator_id, o.npv_ratio_observed as obs,
      exists (select 1 from adverse_event a where a.treatment_id = t.id
        and (a.sir_grade in ('C','D','E','F') or a.clavien_dindo in ('IIIa','IIIb','IVa','IVb','V'))) as major
    from treatment_session t left join outcome o on o.treatment_id = t.id
    order by t.date, t.created_at, t.id`.execute(tx);
  const out = new Map<string, boolean[]>();
  for (const r of rows.rows) {
    if (r.obs === null && !r.major) continue; // outcome not known yet
    const failed = r.major || Number(r.obs) < NPV_FAILURE_BELOW;
    const seq = out.get(r.operator_id) ?? [];
    seq.push(failed);
    out.set(r.operator_id, seq);
  }
  return out;
}
