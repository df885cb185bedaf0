import type { EditError } from '../../engine/plan-edits.js';
import type { ShotField } from '../../engine/plan-edits.js';
import type { PointWarning } from '../../engine/point-safety.js';
import { type MessageKey, structureName, t } from '../../i18n/i18n.js';
import { fmt } from '../../ui/dom.js';

export const UNIT: Record<ShotField, MessageKey> = { power: 'unit.w', exposure: 'unit.s', cooling: 'unit.s' };

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
