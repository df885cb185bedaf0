import { LC_CUSUM_DEFAULTS, type LcCusumChart, lcCusumChart, riskAdjustedLcCusumChart } from '@openfuas/core';
import { t } from '../../i18n/i18n.js';
import { fmt } from '../../ui/dom.js';
import { CusumChart } from './cusum-chart.js';
import type { TrainingResult } from './training-book.js';
import { caseTitle } from './training-text.js';

/** The LC-CUSUM chart of a trainee's results in order (failure = not passed), plain or risk-adjusted by difficulty. */
export function chartOf(results: TrainingResult[], riskAdjusted: boolean): LcCusumChart {
  return riskAdjusted
    ? riskAdjustedLcCusumChart(results.map((r) => ({ failed: !r.score.passed, difficulty: r.difficulty })))
    : lcCusumChart(results.map((r) => !r.score.passed));
}

/** The chart's parameters as shown beside it (all of them, as Biau et al. 2008 ask). */
export function CusumParams() {
  const p = LC_CUSUM_DEFAULTS;
  return (
    <p class="hint" data-testid="cusum-params">
      {t('training.progress.params', {
        p0: fmt(p.p0 * 100, 0),
        p1: fmt(p.p1 * 100, 0),
        alpha: fmt(p.alpha * 100, 0),
        beta: fmt(p.beta * 100, 0),
        h: fmt(p.h, 1),
        horizon: p.horizon,
      })}
    </p>
  );
}

/** A trainee's proficiency: chart with h, where it crossed, and the exercises in order. */
export function ProgressPanel({
  results,
  riskAdjusted,
  onRiskAdjusted,
  testId = 'training-progress',
  compact = false,
}: {
  results: TrainingResult[];
  riskAdjusted: boolean;
  onRiskAdjusted?: (v: boolean) => void;
  testId?: string;
  compact?: boolean;
}) {
  const c = chartOf(results, riskAdjusted);
  const h = LC_CUSUM_DEFAULTS.h;
  const last = c.chart.length ? c.chart[c.chart.length - 1] : 0;
  return (
    <section class="training-progress" data-testid={testId} data-proficient-at={c.proficientAt ?? ''}>
      {compact ? null : <h3>{t('training.progress.title')}</h3>}
      {compact ? null : <CusumParams />}
      {onRiskAdjusted ? (
        <label class="training-check">
          <input type="checkbox" checked={riskAdjusted} onChange={(e) => onRiskAdjusted((e.target as HTMLInputElement).checked)} />
          {t('training.progress.riskAdjusted')}
        </label>
      ) : null}
      {results.length === 0 ? (
        <p class="hint">{t('training.progress.none')}</p>
      ) : (
        <>
          <p data-testid="cusum-status">
            {c.proficientAt !== null
              ? t('training.progress.proficientAt', { n: c.proficientAt })
              : t('training.progress.notYet', { n: results.length, s: fmt(last, 2), h: fmt(h, 1) })}
          </p>
          <CusumChart
            chart={c.chart}
            h={h}
            testId={`${testId}-chart`}
            width={compact ? 320 : 460}
            height={compact ? 160 : 220}
            labels={{
              x: t('training.progress.x'),
              y: t('training.progress.y'),
              chart: t('training.progress.chart'),
              limit: t('training.progress.limit'),
            }}
          />
          {compact ? null : <p class="hint">{t('training.progress.rule')}</p>}
          {compact ? null : (
            <table class="training-history" data-testid="training-history">
              <thead>
                <tr>
                  <th>{t('training.col.n')}</th>
                  <th>{t('training.col.case')}</th>
                  <th>{t('training.col.score')}</th>
                  <th>{t('training.col.result')}</th>
                  <th>{t('training.progress.y')}</th>
                </tr>
              </thead>
              <tbody>
                {results.map((r, i) => (
                  <tr key={r.at}>
                    <td class="num">{i + 1}</td>
                    <td>{caseTitle({ id: r.caseId, title: r.caseId })}</td>
                    <td class="num">{fmt(r.score.score, 1)}</td>
                    <td>{r.score.passed ? t('training.result.passed') : t('training.result.failed')}</td>
                    <td class="num">{fmt(c.chart[i], 2)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
