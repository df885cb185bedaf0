import type { SimulationStage } from '../engine/simulation-protocol.js';
import { type MessageKey, onLanguageChange, t } from '../i18n/i18n.js';
import { h, tx } from './dom.js';
import { TEMPERATURE_OVERLAY } from '../viewer/temperature-overlay.js';
import { temperatureText } from './temperature-text.js';
import { TimePlot } from './time-plot.js';

export interface SimulatePanelActions {
  simulate: () => void;
  selftest: () => void;
  cancel: () => void;
}

/** The Simulate tab: run / self-test / cancel, a progress bar with the stage, and the live time plot. */
export function buildSimulatePanel(panel: HTMLElement, actions: SimulatePanelActions) {
  const run = tx('button', 'sim.run', { type: 'button', class: 'primary', 'data-testid': 'sim-run' });
  const selftest = tx('button', 'sim.selftest', { type: 'button', 'data-testid': 'sim-selftest' });
  const cancel = tx('button', 'sim.cancel', { type: 'button', class: 'danger', 'data-testid': 'sim-cancel', disabled: true });
  const scope = h('select', { 'data-testid': 'sim-scope' });
  for (const [v, k] of [
    ['quick', 'sim.scope.quick'],
    ['slice', 'sim.scope.slice'],
    ['all', 'sim.scope.all'],
  ] as Array<[string, MessageKey]>) {
    scope.append(tx('option', k, { value: v }));
  }
  const bar = h('progress', { max: 1, value: 0, 'data-testid': 'sim-progress' });
  const stage = h('span', { class: 'stage', 'data-testid': 'sim-stage' });
  const message = h('p', { class: 'hint', 'data-testid': 'sim-message' });
  // what the live temperature overlay on the viewer shows while a treatment runs; data-frames counts the frames drawn
  const live = h('p', { class: 'hint', 'data-testid': 'sim-live', 'data-frames': '0' });
  const scopeNote = h('p', { class: 'hint', 'data-testid': 'sim-scope-note' });
  // timeline playback after a run: a slider over the treatment time moves a cursor on the plot
  const slider = h('input', { type: 'range', min: 0, max: 1, step: 'any', value: 0, 'data-testid': 'sim-playback', disabled: true });
  const readout = h('span', { class: 'mono', 'data-testid': 'sim-playback-readout' });
  const playback = h('div', { class: 'playback' }, h('label', { class: 'row inline' }, tx('span', 'sim.playback'), slider), readout);
  const plotLabels = () => ({
    title: t('sim.plot.title'),
    x: t('sim.plot.time'),
    left: t('sim.plot.temperature'),
    right: t('sim.plot.energy'),
  });
  const plot = new TimePlot(plotLabels());
  plot.setMarks([
    { value: 43, label: '43 °C' },
    { value: 60, label: '60 °C' },
  ]);
  const showCursor = () => {
    if (slider.disabled) {
      readout.textContent = '';
      return;
    }
    const time = Number(slider.value);
    plot.setCursor(time);
    const v = plot.valuesAt(time);
    // from 100 °C the model's number is no prediction (no boiling in it): shown as boiling
    const boiling = v ? temperatureText(v.a).boiling : false;
    readout.textContent = v
      ? t('sim.playback.at', {
          t: time.toFixed(0),
          temperature: boiling ? '≥ 100' : v.a.toFixed(1),
          energy: v.b.toFixed(2),
        }) + (boiling ? ` · ${t('results.boiling')}` : '')
      : '';
  };
  slider.addEventListener('input', showCursor);
  run.addEventListener('click', actions.simulate);
  selftest.addEventListener('click', actions.selftest);
  cancel.addEventListener('click', actions.cancel);
  panel.append(
    tx('h2', 'tab.simulate'),
    h('label', { class: 'row inline' }, tx('span', 'sim.scope'), scope),
    scopeNote,
    h('div', { class: 'buttons' }, run, cancel),
    h('div', { class: 'progress-row' }, bar, stage),
    live,
    message,
    plot.element,
    tx('p', 'sim.plot.zoomHint', { class: 'hint' }),
    playback,
    h('details', { 'data-testid': 'sim-advanced' }, tx('summary', 'sim.advanced'), h('div', { class: 'buttons' }, selftest)),
  );
  let msg: [MessageKey, Record<string, string | number>] | null = ['sim.idle', {}];
  let stageKey: SimulationStage | null = null;
  let detail = '';
  let liveFrame: { time: number; sonication?: number; total: number } | null = null;
  const renderText = () => {
    live.textContent = liveFrame
      ? t('sim.live', {
          range: TEMPERATURE_OVERLAY.range.join('–'),
          t: liveFrame.time.toFixed(0),
          n: Math.min((liveFrame.sonication ?? 0) + 1, liveFrame.total),
          total: liveFrame.total,
        })
      : '';
    message.textContent = msg ? t(msg[0], msg[1]) : '';
    stage.textContent = stageKey ? `${t(`sim.stage.${stageKey}` as MessageKey)} ${detail}` : '';
    plot.setLabels(plotLabels());
    scopeNote.textContent = t(`sim.scope.${scope.value}.note` as MessageKey);
    showCursor();
  };
  scope.addEventListener('change', renderText);
  renderText();
  onLanguageChange(renderText);
  return {
    plot,
    /** which sonications to simulate: the whole plan, the selected slice, or a quick preview of a few */
    scope: () => scope.value as 'all' | 'slice' | 'quick',
    /** turns the playback slider on over the plotted timeline (after a run) or off */
    setPlayback(on: boolean) {
      slider.disabled = !on;
      slider.max = String(plot.duration || 1);
      slider.value = String(on ? plot.duration : 0);
      if (!on) plot.setCursor(null);
      showCursor();
    },
    setRunning(running: boolean) {
      run.disabled = running;
      selftest.disabled = running;
      cancel.disabled = !running;
      panel.dataset.running = String(running);
    },
    setCanSimulate(ok: boolean) {
      run.disabled = !ok;
    },
    progress(fraction: number, s: SimulationStage, d?: string) {
      bar.value = fraction;
      stageKey = s;
      detail = d ?? '';
      renderText();
    },
    message(key: MessageKey | null, params: Record<string, string | number> = {}, raw?: string) {
      msg = key ? [key, params] : null;
      renderText();
      if (raw) message.textContent = raw;
    },
    /**
     * The frame the live temperature overlay shows (treatment time s, sonication index, of `total`) and how many
     * frames have been drawn this run; null hides the line (no run, or the run ended).
     */
    live(frame: { time: number; sonication?: number; total: number } | null, frames?: number) {
      liveFrame = frame;
      if (frames !== undefined) live.dataset.frames = String(frames);
      renderText();
    },
    reset() {
      bar.value = 0;
      stageKey = null;
      detail = '';
      renderText();
    },
  };
}
