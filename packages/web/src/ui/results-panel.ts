import type { SimulationOutcome } from '@openfuas/core';
import { type MessageKey, onLanguageChange, structureName, t } from '../i18n/i18n.js';
import { fmt, h, tx } from './dom.js';
import { doseText } from './dose-text.js';
import { findingsList } from './findings-list.js';
import { temperatureText } from './temperature-text.js';

export { doseText };

/** The outcome numbers the Results tab shows: the JSON contract of `fuas simulate --json` (SI units). */
export type OutcomeView = SimulationOutcome;

/** What was simulated, for the line above the numbers. */
export interface RunInfo {
  scope: 'quick' | 'slice' | 'all';
  simulated: number;
  planned: number;
  /** thermal grid spacing, m */
  fineSpacing: number;
  nearField: boolean;
}

export interface Download {
  key: MessageKey;
  testId: string;
  /** builds the file when clicked */
  make: () =>
    | { name: string; type: string; bytes: Uint8Array | string }
    | Promise<{ name: string; type: string; bytes: Uint8Array | string }>;
}

/** Structures outside the patient: not listed among the per-structure maxima. */
const OUTSIDE_BODY = new Set(['air', 'background']);

function minutes(s: number): string {
  const m = Math.floor(s / 60);
  return `${m} ${t('unit.min')} ${fmt(s - 60 * m, 0)} ${t('unit.s')}`;
}

/** Saves bytes as a file through a temporary object URL (stays in the browser; nothing is uploaded). */
export function saveFile(name: string, type: string, bytes: Uint8Array | string): void {
  const blob = new Blob([typeof bytes === 'string' ? bytes : (bytes as Uint8Array<ArrayBuffer>)], { type });
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The Results tab: key outcome metrics, per-structure maxima, findings and downloads. */
export function buildResultsPanel(panel: HTMLElement) {
  const body = h('div', { 'data-testid': 'results-body' });
  const downloads = h('div', { class: 'downloads', 'data-testid': 'downloads' });
  panel.append(tx('h2', 'tab.results'), body, tx('h3', 'results.download'), downloads);
  let outcome: OutcomeView | null = null;
  let info: RunInfo | null = null;
  let available: Download[] = [];
  /** the plan changed since these results were computed */
  let stale = false;

  const metric = (label: string, value: string, testId: string, big?: 'good' | 'fair' | 'bad' | 'neutral', valueClass = 'v') =>
    h(
      'div',
      { class: big ? `metric big ${big}` : 'metric', 'data-testid': testId },
      h('div', { class: 'k' }, label),
      h('div', { class: valueClass }, value),
    );
  /** a structure's maximum: "not computed" outside the simulated domains, boiling from 100 °C */
  const maxCells = (s: OutcomeView['structures'][string]) => {
    if (s.simulated === false)
      return [
        h('td', { class: 'num not-computed', title: t('results.notComputedNote') }, t('results.notComputed')),
        h('td', { class: 'num not-computed', title: t('results.notComputedNote') }, t('results.notComputed')),
      ];
    const temp = temperatureText(s.maxTemperature);
    return [
      h(
        'td',
        { class: temp.boiling ? 'num boiling' : 'num', title: temp.boiling ? t('results.boilingNote') : undefined },
        temp.boiling ? temp.text : fmt(s.maxTemperature, 1),
      ),
      h('td', { class: 'num' }, doseText(s.maxDose)),
    ];
  };

  const render = () => {
    if (!outcome) {
      body.replaceChildren(tx('p', 'results.none', { class: 'hint' }));
    } else {
      const o = outcome;
      // the protocol's technical success/failure verdict applies to a whole treatment only
      const verdict =
        info && info.scope !== 'all' ? '' : o.npvRatio >= 0.8 ? t('results.success') : o.npvRatio < 0.7 ? t('results.failure') : '';
      const scopeLine = info
        ? h(
            'p',
            { class: info.scope === 'all' ? 'hint' : 'hint caution', 'data-testid': 'result-scope' },
            t(info.simulated < info.planned ? 'results.scopeLine' : 'results.scopeWhole', {
              n: info.simulated,
              total: info.planned,
              spacing: fmt(info.fineSpacing * 1000, 1),
            }),
            info.nearField ? '' : ` ${t('results.nearFieldOff')}`,
          )
        : '';
      body.replaceChildren(
        stale ? tx('p', 'results.stale', { class: 'hint caution', 'data-testid': 'result-stale' }) : '',
        scopeLine,
        h(
          'div',
          { class: 'metrics' },
          metric(
            t('results.npv'),
            `${fmt(o.npvRatio * 100, o.npvRatio < 0.1 ? 2 : 1)} %`,
            'result-npv',
            // coloured by the protocol's criterion for a whole treatment only
            !info || info.simulated >= info.planned ? (o.npvRatio >= 0.8 ? 'good' : o.npvRatio < 0.7 ? 'bad' : 'fair') : 'neutral',
          ),
          metric(t('results.ablated'), `${fmt(o.ablatedVolume * 1e6, 2)} ${t('unit.ml')}`, 'result-ablated'),
          metric(t('results.ablatedTarget'), `${fmt(o.ablatedTargetVolume * 1e6, 2)} ${t('unit.ml')}`, 'result-ablated-target'),
          metric(t('results.target'), `${fmt(o.target.volume * 1e6, 1)} ${t('unit.ml')}`, 'result-target'),
          metric(t('results.eef'), `${fmt(o.eef, 2)} ${t('unit.jPerMm3')}`, 'result-eef'),
          metric(t('results.energy'), `${fmt(o.energy / 1000, 1)} ${t('unit.kj')}`, 'result-energy'),
          metric(t('results.sonications'), String(o.sonications), 'result-sonications'),
          metric(t('results.sonicationTime'), minutes(o.sonicationTime), 'result-sonication-time'),
          metric(t('results.treatmentTime'), minutes(o.treatmentTime), 'result-treatment-time'),
          metric(
            t('results.peak'),
            temperatureText(o.peakTemperature).text,
            'result-peak',
            undefined,
            temperatureText(o.peakTemperature).boiling ? 'v boiling' : 'v',
          ),
        ),
        verdict ? h('p', { class: 'hint' }, `${t('results.npv')}: ${verdict}`) : '',
        temperatureText(o.peakTemperature).boiling
          ? h('p', { class: 'hint caution', 'data-testid': 'result-boiling-note' }, t('results.boilingNote'))
          : '',
        tx('h3', 'results.structures'),
        h(
          'table',
          { 'data-testid': 'result-structures' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', {}, t('case.structure')),
              h('th', { class: 'num' }, t('results.maxT')),
              h('th', { class: 'num' }, t('results.maxDose')),
            ),
          ),
          h(
            'tbody',
            {},
            ...Object.entries(o.structures)
              .filter(([name]) => !OUTSIDE_BODY.has(name))
              .map(([name, s]) => h('tr', { 'data-structure': name }, h('td', {}, structureName(name)), ...maxCells(s))),
          ),
        ),
        tx('h3', 'results.findings'),
        findingsList(o.findings, 'result-findings'),
      );
    }
    downloads.replaceChildren(
      ...available.map((d) => {
        const b = tx('button', d.key, { type: 'button', 'data-testid': d.testId });
        b.addEventListener('click', async () => {
          const f = await d.make();
          saveFile(f.name, f.type, f.bytes);
        });
        return b;
      }),
    );
  };
  render();
  onLanguageChange(render);
  return {
    show(o: OutcomeView | null, run: RunInfo | null = null) {
      outcome = o;
      info = run;
      stale = false;
      render();
    },
    /** Says that the plan was edited after these results were computed (they stay, marked, until the next run). */
    markStale() {
      if (!outcome || stale) return;
      stale = true;
      render();
    },
    setDownloads(d: Download[]) {
      available = d;
      render();
    },
  };
}
