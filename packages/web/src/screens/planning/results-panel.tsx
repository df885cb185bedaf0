import { type MessageKey, structureName, t } from '../../i18n/i18n.js';
import { useLanguage } from '../../i18n/language-signal.js';
import { fmt } from '../../ui/dom.js';
import { doseText } from '../../ui/dose-text.js';
import { temperatureText } from '../../ui/temperature-text.js';
import { FindingsList } from './findings-list.js';
import { type OutcomeView, type RunInfo, downloads, results } from './results-state.js';
import { saveFile } from '../../app/save-file.js';

/** Structures outside the patient: not listed among the per-structure maxima. */
const OUTSIDE_BODY = new Set(['air', 'background']);

function minutes(s: number): string {
  const m = Math.floor(s / 60);
  return `${m} ${t('unit.min')} ${fmt(s - 60 * m, 0)} ${t('unit.s')}`;
}

function Metric(props: { label: string; value: string; testId: string; big?: 'good' | 'fair' | 'bad' | 'neutral'; valueClass?: string }) {
  return (
    <div class={props.big ? `metric big ${props.big}` : 'metric'} data-testid={props.testId}>
      <div class="k">{props.label}</div>
      <div class={props.valueClass ?? 'v'}>{props.value}</div>
    </div>
  );
}

/** A structure's maxima: "not computed" outside the simulated domains, boiling from 100 °C. */
function MaxCells({ s }: { s: OutcomeView['structures'][string] }) {
  if (s.simulated === false)
    return (
      <>
        <td class="num not-computed" title={t('results.notComputedNote')}>
          {t('results.notComputed')}
        </td>
        <td class="num not-computed" title={t('results.notComputedNote')}>
          {t('results.notComputed')}
        </td>
      </>
    );
  const temp = temperatureText(s.maxTemperature);
  return (
    <>
      <td class={temp.boiling ? 'num boiling' : 'num'} title={temp.boiling ? t('results.boilingNote') : undefined}>
        {temp.boiling ? temp.text : fmt(s.maxTemperature, 1)}
      </td>
      <td class="num">{doseText(s.maxDose)}</td>
    </>
  );
}

function Outcome({ o, info, stale }: { o: OutcomeView; info: RunInfo | null; stale: boolean }) {
  // the protocol's technical success/failure verdict applies to a whole treatment only
  const verdict =
    info && info.scope !== 'all' ? '' : o.npvRatio >= 0.8 ? t('results.success') : o.npvRatio < 0.7 ? t('results.failure') : '';
  const peak = temperatureText(o.peakTemperature);
  return (
    <>
      {stale ? (
        <p class="hint caution" data-testid="result-stale">
          {t('results.stale')}
        </p>
      ) : null}
      {info ? (
        <p class={info.scope === 'all' ? 'hint' : 'hint caution'} data-testid="result-scope">
          {t(info.simulated < info.planned ? 'results.scopeLine' : 'results.scopeWhole', {
            n: info.simulated,
            total: info.planned,
            spacing: fmt(info.fineSpacing * 1000, 1),
          })}
          {info.nearField ? '' : ` ${t('results.nearFieldOff')}`}
        </p>
      ) : null}
      <div class="metrics">
        <Metric
          label={t('results.npv')}
          value={`${fmt(o.npvRatio * 100, o.npvRatio < 0.1 ? 2 : 1)} %`}
          testId="result-npv"
          // coloured by the protocol's criterion for a whole treatment only
          big={!info || info.simulated >= info.planned ? (o.npvRatio >= 0.8 ? 'good' : o.npvRatio < 0.7 ? 'bad' : 'fair') : 'neutral'}
        />
        <Metric label={t('results.ablated')} value={`${fmt(o.ablatedVolume * 1e6, 2)} ${t('unit.ml')}`} testId="result-ablated" />
        <Metric
          label={t('results.ablatedTarget')}
          value={`${fmt(o.ablatedTargetVolume * 1e6, 2)} ${t('unit.ml')}`}
          testId="result-ablated-target"
        />
        <Metric label={t('results.target')} value={`${fmt(o.target.volume * 1e6, 1)} ${t('unit.ml')}`} testId="result-target" />
        <Metric label={t('results.eef')} value={`${fmt(o.eef, 2)} ${t('unit.jPerMm3')}`} testId="result-eef" />
        <Metric label={t('results.energy')} value={`${fmt(o.energy / 1000, 1)} ${t('unit.kj')}`} testId="result-energy" />
        <Metric label={t('results.sonications')} value={String(o.sonications)} testId="result-sonications" />
        <Metric label={t('results.sonicationTime')} value={minutes(o.sonicationTime)} testId="result-sonication-time" />
        <Metric label={t('results.treatmentTime')} value={minutes(o.treatmentTime)} testId="result-treatment-time" />
        <Metric label={t('results.peak')} value={peak.text} testId="result-peak" valueClass={peak.boiling ? 'v boiling' : 'v'} />
      </div>
      {verdict ? <p class="hint">{`${t('results.npv')}: ${verdict}`}</p> : null}
      {peak.boiling ? (
        <p class="hint caution" data-testid="result-boiling-note">
          {t('results.boilingNote')}
        </p>
      ) : null}
      <h3>{t('results.structures')}</h3>
      <table data-testid="result-structures">
        <thead>
          <tr>
            <th>{t('case.structure')}</th>
            <th class="num">{t('results.maxT')}</th>
            <th class="num">{t('results.maxDose')}</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(o.structures)
            .filter(([name]) => !OUTSIDE_BODY.has(name))
            .map(([name, s]) => (
              <tr key={name} data-structure={name}>
                <td>{structureName(name)}</td>
                <MaxCells s={s} />
              </tr>
            ))}
        </tbody>
      </table>
      <h3>{t('results.findings')}</h3>
      <FindingsList findings={o.findings} testId="result-findings" />
    </>
  );
}

/** The Results tab: key outcome metrics, per-structure maxima, findings and downloads. */
export function ResultsPanel() {
  useLanguage();
  const r = results.value;
  return (
    <>
      <h2>{t('tab.results')}</h2>
      <div data-testid="results-body">
        {r ? <Outcome o={r.outcome} info={r.info} stale={r.stale} /> : <p class="hint">{t('results.none')}</p>}
      </div>
      <h3>{t('results.download')}</h3>
      <div class="downloads" data-testid="downloads">
        {downloads.value.map((d) => (
          <button
            key={d.testId}
            type="button"
            data-testid={d.testId}
            onClick={async () => {
              const f = await d.make();
              saveFile(f.name, f.type, f.bytes);
            }}
          >
            {t(d.key as MessageKey)}
          </button>
        ))}
      </div>
    </>
  );
}
