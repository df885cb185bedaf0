import type { Finding, Vec3 } from '@openfuas/core';
import { DEFAULT_PLAN_PARAMS, type PlanParams, type WorkstationPlan } from '../engine/planning.js';
import { type MessageKey, onLanguageChange, structureName, t } from '../i18n/i18n.js';
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
  const num = (key: MessageKey, name: string, value: number | null, min: number, max: number, step: number) =>
    h(
      'label',
      { class: 'row' },
      tx('span', key),
      h('input', {
        type: 'number',
        name,
        value: value ?? undefined,
        min,
        max,
        step,
        placeholder: value === null ? t('plan.autoValue') : undefined,
        'data-i18n-placeholder': value === null ? 'plan.autoValue' : undefined,
        'data-testid': `plan-${name}`,
      }),
    );
  const run = tx('button', 'plan.run', { type: 'submit', class: 'primary', 'data-testid': 'plan-run' });
  const form = h(
    'form',
    { class: 'form' },
    h('label', { class: 'row' }, tx('span', 'plan.device'), h('span', { class: 'mono' }, d.device)),
    num('plan.exposure', 'exposure', d.exposureS, 0.5, 5, 0.5),
    num('plan.maxPower', 'max-power', d.maxPowerW, 50, 520, 10),
    num('plan.pitchFactor', 'pitch', d.pitchFactor, 1, 5, 0.1),
    num('plan.sliceSpacing', 'slices', d.sliceSpacingMm, 2, 15, 0.5),
    tx('p', 'plan.overrides', { class: 'hint' }),
    num('plan.powerOverride', 'power', null, 50, 520, 10),
    num('plan.coolingOverride', 'cooling', null, 1, 120, 1),
    run,
  );
  const status = h('p', { class: 'hint', 'data-testid': 'plan-status' });
  const body = h('div', { 'data-testid': 'plan-body' });
  panel.append(tx('h2', 'plan.auto'), tx('p', 'plan.hint', { class: 'hint' }), form, status, body);

  let planned: WorkstationPlan | null = null;
  let slice: number | null = null;
  let point: number | null = null;

  const optional = (v: FormDataEntryValue | null) => (v === null || String(v).trim() === '' ? null : Number(v));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = new FormData(form);
    run.disabled = true;
    status.textContent = t('plan.running');
    try {
      await actions.plan({
        device: d.device,
        exposureS: Number(f.get('exposure')),
        maxPowerW: Number(f.get('max-power')),
        pitchFactor: Number(f.get('pitch')),
        sliceSpacingMm: Number(f.get('slices')),
        powerW: optional(f.get('power')),
        coolingS: optional(f.get('cooling')),
      });
      status.textContent = '';
    } catch (err) {
      status.textContent = (err as Error).message;
    } finally {
      run.disabled = false;
    }
  });

  /** The probe sonication that set power, spacing and cooling, and the overrides that replaced them. */
  const probe = (p: WorkstationPlan) => {
    const shot = p.shot;
    const pitch = pitchOf(p);
    const row = (key: MessageKey, value: string, testId: string) =>
      [h('dt', {}, t(key)), h('dd', { 'data-testid': testId }, value)] as const;
    const over = (value: string, o: number | null, unit: string) =>
      o === null ? value : `${value} → ${t('plan.overridden', { value: `${fmt(o, 0)} ${unit}` })}`;
    return h(
      'section',
      { class: 'probe', 'data-testid': 'plan-probe' },
      tx('h3', 'plan.probe'),
      h(
        'dl',
        {},
        ...row(
          'plan.probe.shot',
          over(`${fmt(shot.power, 0)} ${t('unit.w')} × ${fmt(shot.exposure, 1)} ${t('unit.s')}`, p.overrides.powerW, t('unit.w')),
          'probe-shot',
        ),
        ...row('plan.probe.peak', `${fmt(shot.peakTemperature, 1)} ${t('unit.celsius')}`, 'probe-peak'),
        ...row(
          'plan.probe.lesion',
          `${fmt(shot.lesionWidth * 1000, 1)} × ${fmt(shot.lesionLength * 1000, 1)} ${t('unit.mm')}`,
          'probe-lesion',
        ),
        ...row('plan.probe.spacing', pitch !== null ? `${fmt(pitch * 1000, 1)} ${t('unit.mm')}` : '–', 'probe-spacing'),
        ...row(
          'plan.probe.cooling',
          over(
            t('plan.probe.coolingFrom', { s: fmt(p.cooling.seconds, 0), structure: structureName(p.cooling.structure) }),
            p.overrides.coolingS,
            t('unit.s'),
          ),
          'probe-cooling',
        ),
      ),
    );
  };

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
          h(
            'td',
            { class: 'num' },
            `${fmt(s.power, 0)} ${t('unit.w')} · ${fmt(s.exposure, 1)} ${t('unit.s')} · ${fmt(s.cooling, 0)} ${t('unit.s')}`,
          ),
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
      probe(planned),
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
            h('th', { class: 'num' }, t('plan.shotColumns')),
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
    show(p: WorkstationPlan | null) {
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

/** Lateral distance between neighbouring points of the densest slice, m (the lattice pitch), or null. */
function pitchOf(p: WorkstationPlan): number | null {
  const sons = p.plan.sonications;
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < Math.min(sons.length, 200); i++) {
    for (let j = i + 1; j < Math.min(sons.length, 200); j++) {
      if (sons[i].slice !== sons[j].slice) continue;
      const d = Math.hypot(sons[i].focus[0] - sons[j].focus[0], sons[i].focus[1] - sons[j].focus[1], sons[i].focus[2] - sons[j].focus[2]);
      if (d > 1e-6 && d < best) best = d;
    }
  }
  return Number.isFinite(best) ? best : null;
}
