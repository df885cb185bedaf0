import { type Vec3, planTotals } from '@openfuas/core';
import { DEFAULT_PLAN_PARAMS, type PlanParams, type WorkstationPlan } from '../engine/planning.js';
import { isBlocking } from '../engine/point-safety.js';
import type { WorkstationCase } from '../engine/workstation-case.js';
import { errorText } from '../i18n/error-text.js';
import { type MessageKey, onLanguageChange, structureName, t } from '../i18n/i18n.js';
import { buildBowlView } from './bowl-view.js';
import { fmt, h, tx } from './dom.js';
import { findingsList } from './findings-list.js';
import { temperatureText } from './temperature-text.js';
import { buildPointEditor, warningText } from './point-editor.js';
import type { PlanState } from './plan-state.js';

export interface PlanPanelActions {
  /** runs the planner; `progress` shows how far it is (0..1) and its stage (a message key) */
  plan: (p: PlanParams, progress: (fraction: number, stage: MessageKey) => void) => Promise<void>;
  /** the crosshair, RAS mm (where points are added or moved to), or null before any */
  crosshair: () => Vec3 | null;
  /** the case shown */
  currentCase: () => WorkstationCase | null;
}

/**
 * The Plan tab: planner parameters, the automatic plan, its slices and points (select, delete; warning rows under
 * points that break a rule of the planner), the point editor, the transducer side view, the probe sonication and the
 * planner's findings. The plan and the selection live in `state`; this panel renders them and edits through it.
 */
export function buildPlanPanel(panel: HTMLElement, actions: PlanPanelActions, state: PlanState) {
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
    h(
      'label',
      { class: 'row check' },
      h('input', { type: 'checkbox', name: 'fit-cooling', checked: d.fitCooling, 'data-testid': 'plan-fit-cooling' }),
      tx('span', 'plan.fitCooling'),
    ),
    run,
  );
  const status = h('p', { class: 'hint', 'data-testid': 'plan-status' });
  const body = h('div', { 'data-testid': 'plan-body' });
  const head = h('div', {});
  const table = h('div', { class: 'points-scroll', 'data-testid': 'plan-points-scroll' });
  const editor = h('div', {});
  const bowl = h('div', {});
  const tail = h('div', {});
  body.append(head, table, editor, bowl, tail);
  panel.append(tx('h2', 'plan.auto'), tx('p', 'plan.hint', { class: 'hint' }), form, status, body);
  buildPointEditor(editor, state, actions.crosshair);
  buildBowlView(bowl, state, actions.currentCase);

  const optional = (v: FormDataEntryValue | null) => (v === null || String(v).trim() === '' ? null : Number(v));
  /** the planner's error, kept to be worded again on a language change */
  let planError: unknown = null;
  const showPlanError = () => {
    status.textContent = planError === null ? status.textContent : errorText(planError);
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = new FormData(form);
    run.disabled = true;
    planError = null;
    status.textContent = t('plan.running');
    try {
      await actions.plan(
        {
          device: d.device,
          exposureS: Number(f.get('exposure')),
          maxPowerW: Number(f.get('max-power')),
          pitchFactor: Number(f.get('pitch')),
          sliceSpacingMm: Number(f.get('slices')),
          powerW: optional(f.get('power')),
          coolingS: optional(f.get('cooling')),
          fitCooling: f.get('fit-cooling') !== null,
        },
        (fraction, stage) => {
          status.textContent = `${t('plan.running')} ${Math.round(fraction * 100)} % · ${t(stage)}`;
        },
      );
      status.textContent = '';
    } catch (err) {
      planError = err;
      showPlanError();
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
        ...row('plan.probe.peak', temperatureText(shot.peakTemperature).text, 'probe-peak'),
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

  /** Energy, beam-on time and treatment time of the plan as it stands (core planTotals), before any simulation. */
  const totals = (p: WorkstationPlan) => {
    const tot = planTotals(p.plan);
    const row = (key: MessageKey, value: string, testId: string) => [h('dt', {}, t(key)), h('dd', { 'data-testid': testId }, value)];
    return h(
      'section',
      { class: 'plan-totals', 'data-testid': 'plan-totals' },
      tx('h3', 'plan.totals'),
      h(
        'dl',
        {},
        ...row('plan.totals.energy', `${fmt(tot.energy / 1000, 1)} ${t('unit.kj')}`, 'plan-total-energy'),
        ...row('plan.totals.beamOn', minutes(tot.sonicationTime), 'plan-total-beam-on'),
        ...row('plan.totals.treatment', minutes(tot.treatmentTime), 'plan-total-treatment'),
      ),
    );
  };

  const render = () => {
    const planned = state.planned;
    if (!planned) {
      head.replaceChildren(tx('p', 'plan.none', { class: 'hint' }));
      table.replaceChildren();
      tail.replaceChildren();
      return;
    }
    const sons = planned.plan.sonications;
    const slices = [...new Set(sons.map((s) => s.slice))].sort((a, b) => a - b);
    const c = planned.plan.constraints;
    const sliceSelect = h('select', { 'data-testid': 'plan-slice' }, h('option', { value: '' }, '–'));
    for (const s of slices)
      sliceSelect.append(
        h(
          'option',
          { value: s, selected: s === state.slice },
          `${t('plan.slice', { n: s + 1 })} (${sons.filter((x) => x.slice === s).length})`,
        ),
      );
    sliceSelect.addEventListener('change', () => state.select(sliceSelect.value === '' ? null : Number(sliceSelect.value), null));
    let warned = 0;
    sons.forEach((_, i) => {
      if (state.warnings(i).length > 0) warned++;
    });
    const edited = state.editedCount();
    const rows: HTMLElement[] = [];
    let selectedRow: HTMLElement | null = null;
    for (let i = 0; i < sons.length && rows.length < 400; i++) {
      const s = sons[i];
      if (state.slice !== null && s.slice !== state.slice) continue;
      const warnings = state.warnings(i);
      const del = h('button', { type: 'button', class: 'icon', title: t('plan.delete'), 'aria-label': t('plan.delete') }, '×');
      del.addEventListener('click', (ev) => {
        ev.stopPropagation();
        state.remove(i);
      });
      const blocking = warnings.some(isBlocking);
      const tr = h(
        'tr',
        {
          class:
            [i === state.point ? 'selected' : '', warnings.length ? (blocking ? 'flag-error' : 'flag-warning') : ''].join(' ').trim() ||
            undefined,
          'data-point': i,
          'data-label': s.label,
        },
        h(
          'td',
          {},
          s.label ?? String(i + 1),
          state.isEdited(i) ? h('span', { class: 'edited-mark', title: t('plan.edit.edited') }, ' ✎') : null,
          warnings.length ? h('span', { class: 'warn-mark' }, ' ⚠') : null,
        ),
        h('td', { class: 'num mono' }, (s.focus as Vec3).map((v) => fmt(v * 1000, 1)).join(', ')),
        h(
          'td',
          { class: 'num' },
          `${fmt(s.power, 0)} ${t('unit.w')} · ${fmt(s.exposure, 1)} ${t('unit.s')} · ${fmt(s.cooling, 0)} ${t('unit.s')}`,
        ),
        h('td', {}, del),
      );
      tr.addEventListener('click', () => state.select(s.slice, i));
      if (i === state.point) selectedRow = tr;
      rows.push(tr);
      if (warnings.length)
        rows.push(
          h(
            'tr',
            { class: `warning-row ${blocking ? 'error' : 'warning'}`, 'data-warning-for': i },
            h('td', { colspan: 4 }, warnings.map(warningText).join(' · ')),
          ),
        );
    }
    const undo = tx('button', 'plan.undo', {
      type: 'button',
      'data-testid': 'plan-undo',
      title: t('plan.undo.hint'),
      disabled: !state.canUndo,
    });
    const redo = tx('button', 'plan.redo', {
      type: 'button',
      'data-testid': 'plan-redo',
      title: t('plan.undo.hint'),
      disabled: !state.canRedo,
    });
    undo.addEventListener('click', () => state.undo());
    redo.addEventListener('click', () => state.redo());
    head.replaceChildren(
      h('p', { 'data-testid': 'plan-summary', class: 'summary' }, t('plan.summary', { points: sons.length, slices: slices.length })),
      totals(planned),
      h('div', { class: 'buttons undo' }, undo, redo),
      h(
        'p',
        { class: `hint${warned ? ' caution' : ''}`, 'data-testid': 'plan-edit-summary', hidden: !edited && !warned },
        [edited ? t('plan.edited', { n: edited }) : '', warned ? t('plan.withWarnings', { n: warned }) : ''].filter(Boolean).join(' · '),
      ),
      h('label', { class: 'row inline' }, tx('span', 'plan.slices'), sliceSelect),
    );
    table.replaceChildren(
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
    );
    // keep the selected row in view inside the table's own scroll area (not the whole panel)
    const row = selectedRow as HTMLElement | null;
    if (row) {
      const top = row.offsetTop;
      const bottom = top + row.offsetHeight;
      if (top < table.scrollTop + 30 || bottom > table.scrollTop + table.clientHeight)
        table.scrollTop = Math.max(0, top - table.clientHeight / 3);
    }
    tail.replaceChildren(
      h(
        'details',
        { class: 'plan-details', 'data-testid': 'plan-details' },
        tx('summary', 'plan.details'),
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
        tx('p', 'plan.marginContour', { class: 'hint' }),
      ),
      tx('h3', 'plan.findings'),
      findingsList(planned.findings, 'plan-findings'),
    );
  };
  render();
  state.on('plan', render);
  state.on('selection', render);
  state.on('checks', () => {
    // for tests and profiling: the checks of the whole plan arrived, in this many ms
    body.dataset.checked = String(state.checked);
    body.dataset.checksMs = state.checksMs.toFixed(0);
    render();
  });
  onLanguageChange(() => {
    render();
    showPlanError();
  });
}

/** s as "m min s s" (whole seconds). */
function minutes(s: number): string {
  const whole = Math.round(s);
  const m = Math.floor(whole / 60);
  return `${m} ${t('unit.min')} ${whole - 60 * m} ${t('unit.s')}`;
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
