import type { Vec3 } from '@openfuas/core';
import { type EditError, type EditResult, SHOT_FIELDS, type ShotField, fieldLimits } from '../engine/plan-edits.js';
import { type PointWarning, isBlocking } from '../engine/point-safety.js';
import { type MessageKey, onLanguageChange, structureName, t } from '../i18n/i18n.js';
import { fmt, h, tx } from './dom.js';
import type { EditScope, PlanState } from './plan-state.js';

const UNIT: Record<ShotField, MessageKey> = { power: 'unit.w', exposure: 'unit.s', cooling: 'unit.s' };
const LABEL: Record<ShotField, MessageKey> = { power: 'plan.edit.power', exposure: 'plan.edit.exposure', cooling: 'plan.edit.cooling' };
const STEP: Record<ShotField, number> = { power: 5, exposure: 0.5, cooling: 1 };
const AXES = ['R', 'A', 'S'] as const;

/** The text of a refused edit, naming the field and what the device allows. */
export function editErrorText(e: EditError, value?: number): string {
  if (e.field === 'point') return t('plan.edit.error.noPoint');
  if (e.field === 'focus')
    return e.reason === 'outside-case' ? t('plan.edit.error.outside') : t('plan.edit.error.nan', { field: t('plan.edit.field.focus') });
  const field = t(`plan.edit.field.${e.field}` as MessageKey);
  const unit = t(UNIT[e.field]);
  if (e.reason === 'not-a-number') return t('plan.edit.error.nan', { field });
  const v = value === undefined ? '' : String(value);
  if (e.reason === 'below-minimum') return t('plan.edit.error.minimum', { field, value: v, unit, min: e.min ?? '' });
  return t('plan.edit.error.range', { field, value: v, unit, min: e.min ?? '', max: e.max ?? '' });
}

/** A point's warning in words. */
export function warningText(w: PointWarning): string {
  const names = (s: string[]) => s.map(structureName).join(', ');
  if (w.kind === 'beam-blocked') return t('plan.warn.beamBlocked', { structures: names(w.structures) });
  if (w.kind === 'beam-caution') return t('plan.warn.beamCaution', { structures: names(w.structures) });
  if (w.kind === 'outside-target') return t('plan.warn.outsideTarget');
  if (w.kind === 'off-slice') return t('plan.warn.offSlice', { offset: fmt(w.offset * 1000, 1), slice: w.nearer + 1 });
  return t('plan.warn.margin', {
    margin: t(`plan.margin.${w.margin}` as MessageKey),
    distance: fmt(w.distance * 1000, 1),
    required: fmt(w.required * 1000, 0),
  });
}

/** The warnings of a point as a list (warning rows: blocking ones as errors). */
export function warningList(warnings: readonly PointWarning[], testId: string): HTMLElement {
  return h(
    'ul',
    { class: 'findings', 'data-testid': testId },
    ...warnings.map((w) =>
      h(
        'li',
        { class: `finding ${isBlocking(w) ? 'error' : 'warning'}`, 'data-kind': w.kind },
        h('span', { class: 'severity' }, t(isBlocking(w) ? 'severity.error' : 'severity.warning')),
        warningText(w),
      ),
    ),
  );
}

/**
 * The point editor of the Plan tab: the selected point's focus (RAS mm, typed or nudged, or moved to the crosshair),
 * its power, exposure and cooling (for the point, its slice or the whole plan), its warnings, and add/delete. Values
 * outside the device's limits are refused with the reason next to the field; the plan is left as it was.
 */
export function buildPointEditor(host: HTMLElement, state: PlanState, crosshair: () => Vec3 | null): void {
  let scope: EditScope = 'point';
  let step = 1;
  const section = h('section', { class: 'point-editor', 'data-testid': 'point-editor' });
  host.append(section);

  const render = () => {
    const planned = state.planned;
    if (!planned) {
      section.replaceChildren();
      section.hidden = true;
      return;
    }
    section.hidden = false;
    const limits = state.limits();
    const index = state.point;
    const s = index === null ? undefined : state.sonications[index];
    const message = h('p', { class: 'edit-message', role: 'alert', 'data-testid': 'edit-message' });
    const fail = (text: string) => {
      message.className = 'edit-message error';
      message.textContent = text;
    };

    const add = tx('button', 'plan.edit.add', { type: 'button', 'data-testid': 'edit-add' });
    add.addEventListener('click', () => {
      const at = crosshair();
      if (!at) return fail(t('plan.edit.error.noCrosshair'));
      const r = state.add([at[0] / 1000, at[1] / 1000, at[2] / 1000]);
      if (!r.ok) fail(editErrorText(r.error));
    });
    const children: Array<Node> = [tx('h3', 'plan.edit.title')];
    if (!s || index === null) {
      children.push(tx('p', 'plan.edit.hint', { class: 'hint' }), h('div', { class: 'buttons' }, add), message);
      section.replaceChildren(...children);
      return;
    }

    // header: which point, whether edited
    children.push(
      h(
        'p',
        { class: 'point-title', 'data-testid': 'edit-point' },
        t('plan.edit.point', { label: s.label ?? String(index + 1), slice: s.slice + 1 }),
        state.isEdited(index) ? h('span', { class: 'badge' }, t('plan.edit.edited')) : null,
      ),
    );

    // focus: R, A, S mm with nudge buttons
    const focusError = h('p', { class: 'field-error', 'data-testid': 'edit-focus-error', hidden: true });
    const show = (r: EditResult, el: HTMLElement) => {
      if (r.ok) return;
      el.hidden = false;
      el.textContent = editErrorText(r.error);
    };
    const focusRows = AXES.map((axis, a) => {
      const input = h('input', {
        type: 'number',
        step: 0.5,
        value: fmt(s.focus[a] * 1000, 1),
        'data-testid': `edit-focus-${axis.toLowerCase()}`,
        'aria-label': `${axis} (mm)`,
      });
      input.addEventListener('change', () => {
        const v = input.value.trim() === '' ? Number.NaN : Number(input.value);
        const focus: Vec3 = [a === 0 ? v / 1000 : s.focus[0], a === 1 ? v / 1000 : s.focus[1], a === 2 ? v / 1000 : s.focus[2]];
        const r = state.moveTo(focus);
        if (!r.ok) {
          input.setAttribute('aria-invalid', 'true');
          show(r, focusError);
        }
      });
      const nudge = (sign: number) => {
        const b = h(
          'button',
          { type: 'button', class: 'icon', 'data-testid': `edit-nudge-${axis.toLowerCase()}${sign > 0 ? '+' : '-'}` },
          sign > 0 ? '+' : '−',
        );
        b.addEventListener('click', () => show(state.nudge(a as 0 | 1 | 2, sign * step), focusError));
        return b;
      };
      return h('div', { class: 'axis' }, h('span', { class: 'axis-name' }, axis), input, nudge(-1), nudge(1));
    });
    const stepSelect = h('select', { 'data-testid': 'edit-step' });
    for (const v of [0.5, 1, 2, 5]) stepSelect.append(h('option', { value: v, selected: v === step }, String(v)));
    stepSelect.addEventListener('change', () => {
      step = Number(stepSelect.value);
    });
    const toCrosshair = tx('button', 'plan.edit.toCrosshair', { type: 'button', 'data-testid': 'edit-to-crosshair' });
    toCrosshair.addEventListener('click', () => {
      const at = crosshair();
      if (!at) return fail(t('plan.edit.error.noCrosshair'));
      show(state.moveTo([at[0] / 1000, at[1] / 1000, at[2] / 1000]), focusError);
    });
    children.push(
      tx('p', 'plan.edit.focus', { class: 'field-label' }),
      h('div', { class: 'focus-edit' }, ...focusRows),
      h('div', { class: 'row inline step' }, tx('span', 'plan.edit.step'), stepSelect, toCrosshair),
      focusError,
    );

    // power, exposure, cooling, and the points they apply to
    const scopeSelect = h('select', { 'data-testid': 'edit-scope' });
    for (const v of ['point', 'slice', 'all'] as const)
      scopeSelect.append(h('option', { value: v, selected: v === scope }, t(`plan.edit.scope.${v}` as MessageKey)));
    scopeSelect.addEventListener('change', () => {
      scope = scopeSelect.value as EditScope;
    });
    children.push(h('label', { class: 'row inline' }, tx('span', 'plan.edit.scope'), scopeSelect));
    for (const field of SHOT_FIELDS) {
      const range = limits ? fieldLimits(limits, field) : null;
      const unit = t(UNIT[field]);
      const input = h('input', {
        type: 'number',
        step: STEP[field],
        min: range?.min,
        max: range?.max,
        value: String(s[field]),
        'data-testid': `edit-${field}`,
      });
      const error = h('p', { class: 'field-error', 'data-testid': `edit-${field}-error`, hidden: true });
      input.addEventListener('change', () => {
        const v = input.value.trim() === '' ? Number.NaN : Number(input.value);
        const n = state.scopeIndices(scope).length;
        const r = state.setShot(field, v, scope);
        if (r.ok) {
          // the editor re-renders with the plan: the confirmation goes to the status line it builds
          lastApplied = t('plan.edit.applied', { field: t(`plan.edit.field.${field}` as MessageKey), value: String(v), unit, n });
          render();
          return;
        }
        input.setAttribute('aria-invalid', 'true');
        error.hidden = false;
        error.textContent = editErrorText(r.error, v);
      });
      const hint =
        range === null
          ? ''
          : range.max === undefined
            ? t('plan.edit.minimum', { min: range.min, unit })
            : t('plan.edit.range', { min: range.min, max: range.max, unit });
      children.push(h('label', { class: 'row shot' }, tx('span', LABEL[field]), input, h('span', { class: 'hint limits' }, hint)), error);
    }
    if (lastApplied) {
      message.className = 'edit-message ok';
      message.textContent = lastApplied;
      lastApplied = null;
    }

    // warnings of this point
    const warnings = state.warnings(index);
    children.push(
      warnings.length > 0
        ? warningList(warnings, 'edit-warnings')
        : tx('p', 'plan.edit.ok', { class: 'hint ok', 'data-testid': 'edit-warnings' }),
    );
    const del = tx('button', 'plan.edit.delete', { type: 'button', class: 'danger', 'data-testid': 'edit-delete' });
    del.addEventListener('click', () => state.remove(index));
    children.push(h('div', { class: 'buttons' }, add, del), message);
    section.replaceChildren(...children);
  };
  let lastApplied: string | null = null;
  state.on('plan', render);
  state.on('selection', render);
  onLanguageChange(render);
  render();
}
