import { useEffect } from 'preact/hooks';
import { type MessageKey, t } from '../../i18n/i18n.js';
import { useLanguage } from '../../i18n/language-signal.js';
import { temperatureText } from '../../ui/temperature-text.js';
import { TEMPERATURE_OVERLAY } from '../../viewer/temperature-overlay.js';
import { type SimulationScope, plotLabels, simulation, timePlot } from './simulate-state.js';
import { TimePlotView } from './time-plot-view.js';

export interface SimulatePanelActions {
  simulate: () => void;
  selftest: () => void;
  cancel: () => void;
}

const SCOPES: Array<[SimulationScope, MessageKey]> = [
  ['quick', 'sim.scope.quick'],
  ['slice', 'sim.scope.slice'],
  ['all', 'sim.scope.all'],
];

/** The playback readout: both curves at the slider's time. */
function readout(on: boolean, time: number): string {
  if (!on) return '';
  const v = timePlot.valuesAt(time);
  if (!v) return '';
  // from 100 °C the model's number is no prediction (no boiling in it): shown as boiling
  const boiling = temperatureText(v.a).boiling;
  return (
    t('sim.playback.at', { t: time.toFixed(0), temperature: boiling ? '≥ 100' : v.a.toFixed(1), energy: v.b.toFixed(2) }) +
    (boiling ? ` · ${t('results.boiling')}` : '')
  );
}

/** The Simulate tab: run / self-test / cancel, a progress bar with the stage, and the live time plot with playback. */
export function SimulatePanel({ actions }: { actions: SimulatePanelActions }) {
  const lang = useLanguage();
  const s = simulation;
  const running = s.running.value;
  const live = s.live.value;
  const stage = s.stage.value;
  const msg = s.message.value;
  const playback = s.playback.value;
  const at = s.playbackAt.value;
  // uPlot's axis labels are fixed when it is built: it is rebuilt on a language change
  useEffect(() => timePlot.setLabels(plotLabels()), [lang]);
  useEffect(() => timePlot.setCursor(playback ? at : null), [playback, at]);
  return (
    <>
      <h2>{t('tab.simulate')}</h2>
      <label class="row inline">
        <span>{t('sim.scope')}</span>
        <select
          data-testid="sim-scope"
          value={s.scope.value}
          onChange={(e) => {
            s.scope.value = (e.currentTarget as HTMLSelectElement).value as SimulationScope;
          }}
        >
          {SCOPES.map(([v, k]) => (
            <option key={v} value={v}>
              {t(k)}
            </option>
          ))}
        </select>
      </label>
      <p class="hint" data-testid="sim-scope-note">
        {t(`sim.scope.${s.scope.value}.note` as MessageKey)}
      </p>
      <div class="buttons">
        <button type="button" class="primary" data-testid="sim-run" disabled={running || !s.canSimulate.value} onClick={actions.simulate}>
          {t('sim.run')}
        </button>
        <button type="button" class="danger" data-testid="sim-cancel" disabled={!running} onClick={actions.cancel}>
          {t('sim.cancel')}
        </button>
      </div>
      <div class="progress-row">
        <progress max={1} value={s.progress.value} data-testid="sim-progress" />
        <span class="stage" data-testid="sim-stage">
          {stage ? `${t(`sim.stage.${stage.stage}` as MessageKey)} ${stage.detail}` : ''}
        </span>
      </div>
      {/* what the live temperature overlay on the viewer shows while a treatment runs; data-frames counts the frames drawn */}
      <p class="hint" data-testid="sim-live" data-frames={String(s.liveFrames.value)}>
        {live
          ? t('sim.live', {
              range: TEMPERATURE_OVERLAY.range.join('–'),
              t: live.time.toFixed(0),
              n: Math.min((live.sonication ?? 0) + 1, live.total),
              total: live.total,
            })
          : ''}
      </p>
      <p class="hint" data-testid="sim-message">
        {msg ? t(msg[0], msg[1]) : ''}
      </p>
      <TimePlotView plot={timePlot} />
      <p class="hint">{t('sim.plot.zoomHint')}</p>
      {/* timeline playback after a run: a slider over the treatment time moves a cursor on the plot */}
      <div class="playback">
        <label class="row inline">
          <span>{t('sim.playback')}</span>
          <input
            type="range"
            min={0}
            max={playback ? timePlot.duration || 1 : 1}
            step="any"
            value={at}
            disabled={!playback}
            data-testid="sim-playback"
            onInput={(e) => {
              s.playbackAt.value = Number((e.currentTarget as HTMLInputElement).value);
            }}
          />
        </label>
        <span class="mono" data-testid="sim-playback-readout">
          {readout(playback, at)}
        </span>
      </div>
      <details data-testid="sim-advanced">
        <summary>{t('sim.advanced')}</summary>
        <div class="buttons">
          <button type="button" data-testid="sim-selftest" disabled={running} onClick={actions.selftest}>
            {t('sim.selftest')}
          </button>
        </div>
      </details>
    </>
  );
}
