import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n/i18n.js';
import { useLanguage } from '../../i18n/language-signal.js';
import type { CentreOutcome, FunnelAnswer, LearningCurvesAnswer, PredictedVsObservedAnswer } from './records-client.js';
import { type PlotText, funnelSpec, learningCurveSpec, predictedVsObservedSpec } from './records-plots.js';
import { client, session } from './records-session.js';
import { analyticsStamp } from './records-state.js';
import { UPlotChart } from './uplot-chart.js';

interface Analytics {
  centres: CentreOutcome[];
  funnel: FunnelAnswer;
  pvo: PredictedVsObservedAnswer;
  curves: LearningCurvesAnswer;
}

const ratio = (v: number | null) => (v === null ? '–' : `${(100 * v).toFixed(1)} %`);
const count = (v: number | null) => (v === null ? '–' : String(v));
/** A plot's title and axis labels (keys records.<plot>.title, .x, .y) with its series' legend labels. */
const plotText = (plot: 'funnel' | 'pvo' | 'lc', series: string[]): PlotText => ({
  title: t(`records.${plot}.title`),
  x: t(`records.${plot}.x`),
  y: t(`records.${plot}.y`),
  series,
});

/**
 * Outcomes by centre, the funnel plot, predicted against observed NPV ratio and the learning curve per operator,
 * from the server's analytics (other centres only as aggregates with small cells withheld; the user's own centre
 * in full). Refetched after records reach the server.
 */
export function AnalyticsPanel() {
  useLanguage();
  const signedIn = session.value !== null;
  const stamp = analyticsStamp.value;
  const [data, setData] = useState<Analytics | null>(null);
  const [error, setError] = useState('');
  const [manual, setManual] = useState(0);

  useEffect(() => {
    if (!signedIn) {
      setData(null);
      return;
    }
    let live = true;
    const c = client.value;
    Promise.all([c.outcomes(), c.funnel(), c.predictedVsObserved(), c.learningCurves()]).then(
      ([centres, funnel, pvo, curves]) => {
        if (!live) return;
        setData({ centres, funnel, pvo, curves });
        setError('');
      },
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [signedIn, stamp, manual]);

  if (!signedIn)
    return (
      <section class="records-panel records-analytics" data-testid="records-analytics">
        <h3>{t('records.analytics')}</h3>
        <p class="records-hint">{t('records.analytics.signIn')}</p>
      </section>
    );
  const funnel = data && funnelSpec(data.funnel);
  const pvo = data && predictedVsObservedSpec(data.pvo);
  const curves = data && learningCurveSpec(data.curves);
  const s = data?.pvo.summary;
  return (
    <section class="records-panel records-analytics" data-testid="records-analytics" data-loaded={data ? 'true' : 'false'}>
      <div class="records-row">
        <h3>{t('records.analytics')}</h3>
        <button type="button" onClick={() => setManual(manual + 1)} data-testid="records-analytics-refresh">
          {t('records.analytics.refresh')}
        </button>
      </div>
      {error && <p class="records-error">{t('records.error', { message: error })}</p>}
      {data && (
        <>
          <table class="records-table" data-testid="records-centres">
            <thead>
              <tr>
                <th>{t('records.centres.centre')}</th>
                <th>{t('records.centres.treatments')}</th>
                <th>{t('records.centres.observed')}</th>
                <th>{t('records.centres.meanObserved')}</th>
                <th>{t('records.centres.meanPredicted')}</th>
                <th>{t('records.centres.mae')}</th>
              </tr>
            </thead>
            <tbody>
              {data.centres.map((c) => (
                <tr key={c.centre} data-centre={c.centre} data-own={c.own ? 'true' : 'false'} data-treatments={c.treatments ?? ''}>
                  <td>{c.own ? t('records.centres.own', { centre: c.centre }) : c.centre}</td>
                  {c.suppressed ? (
                    <td colSpan={5}>{t('records.centres.suppressed', { n: data.funnel.minCellSize })}</td>
                  ) : (
                    <>
                      <td>{count(c.treatments)}</td>
                      <td>{count(c.withObservedNpv)}</td>
                      <td>{ratio(c.meanNpvRatioObserved)}</td>
                      <td>{ratio(c.meanNpvRatioPredicted)}</td>
                      <td>{ratio(c.meanAbsPredictionError)}</td>
                    </>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          <div class="records-plots">
            <figure>
              {funnel ? (
                <UPlotChart
                  spec={funnel}
                  testid="records-funnel-plot"
                  text={plotText('funnel', [t('records.funnel.target'), t('records.funnel.limit95'), '', t('records.funnel.limit998'), ''])}
                />
              ) : (
                <p class="records-hint" data-testid="records-funnel-none">
                  {t('records.funnel.none', { n: data.funnel.minCellSize })}
                </p>
              )}
              {data.funnel.withheld > 0 && (
                <figcaption>{t('records.funnel.withheld', { n: data.funnel.withheld, min: data.funnel.minCellSize })}</figcaption>
              )}
            </figure>
            <figure>
              {pvo && <UPlotChart spec={pvo} testid="records-pvo-plot" text={plotText('pvo', [t('records.pvo.identity')])} />}
              <figcaption data-testid="records-pvo-summary">
                {data.pvo.pairs.length === 0
                  ? t('records.pvo.none')
                  : s && !s.suppressed && s.n !== null
                    ? t('records.pvo.summary', { n: s.n, mean: ratio(s.meanError), mae: ratio(s.meanAbsError) })
                    : t('records.pvo.own', { n: data.pvo.pairs.length })}
              </figcaption>
            </figure>
            <figure>
              {curves && data.curves.operators.length > 0 ? (
                <UPlotChart
                  spec={curves}
                  testid="records-learning-plot"
                  text={plotText('lc', [
                    t('records.lc.h', { h: data.curves.params.h.toFixed(2) }),
                    ...data.curves.operators.map((o) => o.name),
                  ])}
                />
              ) : (
                <p class="records-hint" data-testid="records-learning-none">
                  {t('records.lc.none')}
                </p>
              )}
              <figcaption>
                {t('records.lc.failure')}
                <ul data-testid="records-learning-operators">
                  {data.curves.operators.map((o) => (
                    <li key={o.name}>
                      {t('records.lc.operator', { name: o.name, cases: o.cases, failures: o.failures })}
                      {o.proficientAt !== null ? t('records.lc.proficient', { n: o.proficientAt }) : ''}
                    </li>
                  ))}
                </ul>
              </figcaption>
            </figure>
          </div>
        </>
      )}
    </section>
  );
}
