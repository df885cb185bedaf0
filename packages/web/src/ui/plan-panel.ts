import type { Finding, PlannedTreatment, Vec3 } from '@openfuas/core';
import { DEFAULT_PLAN_PARAMS, type PlanParams } from '../engine/planning.js';
import { type MessageKey, onLanguageChange, t } from '../i18n/i18n.js';
import { fmt, h, tx } from './dom.js';

export interface PlanPanelActions {
  plan: (p: PlanParams) => Promise<void>;
  /** a slice or a point was selected: show it on the viewer */
  select: (slice: number | null, point: number | null) => void;
  deletePoint: (index: number) => void;
}

/** Renders findings (severity, message) as a list. */
export function findingsList(findings: readonly Finding[], testId: string): HTMLElement {
  if (findings.length === 0) return tx('p', 'results.noFindings', { class: 'hint', 'data-testid': testId });
  return h(
    'ul',
    { class: 'findings', 'data-testid': testId },
    ...findings.map((f) =>
      h(
        'li',
        { class: `finding ${f.severity}`, 'data-code': f.code },
        h('span', { class: 'severity' }, t(`severity.${f.severity}` as MessageKey)),
        f.message,
      ),
    ),
  );
}

/** The Plan tab: planner parameters, the automatic plan, its slices and points, the planner's findings. */
export function buildPlanPanel(panel: HTMLElement, actions: PlanPanelActions) {
  const d = DEFAULT_PLAN_PARAMS;
  const num = (key: MessageKey, name: string, value: number, min: number, max: number, step: number) =>
    h(
      'label',
      { class: 'row' },
      tx('span', key),
      h('input', { type: 'number', name, value, min, max, step, 'data-testid': `plan-${name}` }),
    );
  const run = tx('button', 'plan.run', { type: 'submit', class: 'primary', 'data-testid': 'plan-run' });
  const form = h(
    'form',
    { class: 'form' },
    h('label', { class: 'row' }, tx('span', 'plan.device'), h('span', { class: 'mono' }, d.device)),
    num('plan.power', 'power', d.powerW, 50, 600, 10),
    num('plan.exposure', 'exposure', d.exposureS, 0.5, 20, 0.5),
    num('plan.cooling', 'cooling', d.coolingS, 0, 120, 1),
    num('plan.pointSpacing', 'spacing', d.pointSpacingMm, 1, 15, 0.5),
    num('plan.sliceSpacing', 'slices', d.sliceSpacingMm, 2, 15, 0.5),
    run,
  );
  const status = h('p', { class: 'hint', 'data-testid': 'plan-status' });
  const body = h('div', { 'data-testid': 'plan-body' });
  panel.append(tx('h2', 'plan.auto'), form, status, body);

  let planned: PlannedTreatment | null = null;
  let slice: number | null = null;
  let point: number | null = null;

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = new FormData(form);
    run.disabled = true;
    status.textContent = t('plan.running');
    try {
      await actions.plan({
        device: d.device,
        powerW: Number(f.get('power')),
        exposureS: Number(f.get('exposure')),
        coolingS: Number(f.get('cooling')),
        pointSpacingMm: Number(f.get('spacing')),
        sliceSpacingMm: Number(f.get('slices')),
      });
      status.textContent = '';
    } catch (err) {
      status.textContent = (err as Error).message;
    } finally {
      run.disabled = false;
    }
  });

  const render = () => {
    if (!planned) {
      body.replaceChildren(tx('p', 'plan.none', { class: 'hint' }));
      return;
    }
    const sons = planned.plan.sonications;
    const slices = [...new Set(sons.map((s) => s.slice))].sort((a, b) => a - b);
    const c = planned.plan.constraints;
    const sliceSelect = h('select', { 'data-testid': 'plan-slice' }, h('option', { value: '' }, '–'));
    for (const s of slices)
      sliceSelect.append(
        h('option', { value: s, selected: s === slice }, `${t('plan.slice', { n: s + 1 })} (${sons.filter((x) => x.slice === s).length})`),
      );
    sliceSelect.addEventListener('change', () => {
      slice = sliceSelect.value === '' ? null : Number(sliceSelect.value);
      point = null;
      actions.select(slice, point);
      render();
    });
    const rows = sons
      .map((s, i) => ({ s, i }))
      .filter(({ s }) => slice === null || s.slice === slice)
      .slice(0, 400)
      .map(({ s, i }) => {
        const del = h('button', { type: 'button', class: 'icon', title: t('plan.delete'), 'aria-label': t('plan.delete') }, '×');
        del.addEventListener('click', (ev) => {
          ev.stopPropagation();
          actions.deletePoint(i);
        });
        const tr = h(
          'tr',
          { class: i === point ? 'selected' : undefined, 'data-point': i },
          h('td', {}, s.label ?? String(i + 1)),
          h('td', { class: 'num mono' }, (s.focus as Vec3).map((v) => fmt(v * 1000, 1)).join(', ')),
          h('td', { class: 'num' }, `${fmt(s.power, 0)} W · ${fmt(s.exposure, 1)} s`),
          h('td', {}, del),
        );
        tr.addEventListener('click', () => {
          point = i;
          slice = s.slice;
          actions.select(slice, point);
          render();
        });
        return tr;
      });
    body.replaceChildren(
      h('p', { 'data-testid': 'plan-summary', class: 'summary' }, t('plan.summary', { points: sons.length, slices: slices.length })),
      h(
        'dl',
        {},
        h('dt', {}, t('results.target')),
        h('dd', {}, `${fmt(planned.targetVolume * 1e6, 1)} ${t('unit.ml')}`),
        h('dt', {}, t('plan.reachable')),
        h('dd', {}, `${fmt(planned.reachableVolume * 1e6, 1)} ${t('unit.ml')}`),
      ),
      h(
        'p',
        { class: 'hint' },
        t('plan.margins', {
          serosa: fmt(c.serosaMargin * 1000, 0),
          endo: fmt(c.endometriumMargin * 1000, 0),
          bone: fmt(c.boneMargin * 1000, 0),
          bowel: fmt(c.bowelMargin * 1000, 0),
        }),
      ),
      h('label', { class: 'row inline' }, tx('span', 'plan.slices'), sliceSelect),
      h(
        'table',
        { class: 'points', 'data-testid': 'plan-points' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, t('plan.point')),
            h('th', { class: 'num' }, t('plan.focus')),
            h('th', { class: 'num' }, ''),
            h('th', {}, ''),
          ),
        ),
        h('tbody', {}, ...rows),
      ),
      tx('h3', 'plan.findings'),
      findingsList(planned.findings, 'plan-findings'),
    );
  };
  render();
  onLanguageChange(render);
  return {
    show(p: PlannedTreatment | null) {
      planned = p;
      slice = null;
      point = null;
      render();
    },
    refresh() {
      render();
    },
  };
}
