import type { Vec3 } from '@openfuas/core';
import { Fragment } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { type EditResult, SHOT_FIELDS, type ShotField, fieldLimits } from '../../engine/plan-edits.js';
import { type PointWarning, isBlocking } from '../../engine/point-safety.js';
import { type MessageKey, t } from '../../i18n/i18n.js';
import { useLanguage } from '../../i18n/language-signal.js';
import { fmt } from '../../ui/dom.js';
import type { EditScope, PlanState } from './plan-state.js';
import { UNIT, editErrorText, warningText } from './edit-text.js';
import { usePlanState } from './use-plan-state.js';

const LABEL: Record<ShotField, MessageKey> = { power: 'plan.edit.power', exposure: 'plan.edit.exposure', cooling: 'plan.edit.cooling' };
const STEP: Record<ShotField, number> = { power: 5, exposure: 0.5, cooling: 1 };
const AXES = ['R', 'A', 'S'] as const;

/** The warnings of a point as a list (warning rows: blocking ones as errors). */
export function WarningList({ warnings, testId }: { warnings: readonly PointWarning[]; testId: string }) {
  return (
    <ul class="findings" data-testid={testId}>
      {warnings.map((w, i) => (
        <li key={i} class={`finding ${isBlocking(w) ? 'error' : 'warning'}`} data-kind={w.kind}>
          <span class="severity">{t(isBlocking(w) ? 'severity.error' : 'severity.warning')}</span>
          {warningText(w)}
        </li>
      ))}
    </ul>
  );
}

/** A message under the editor: an edit applied (ok) or refused (error). */
type EditMessage = { ok: boolean; text: string } | null;

/** A number input that applies on "change"; a refused value stays typed, marked invalid, with the reason below. */
function FieldError({ text, testId }: { text: string | null; testId: string }) {
  return (
    <p class="field-error" data-testid={testId} hidden={text === null}>
      {text ?? ''}
    </p>
  );
}

interface EditorProps {
  state: PlanState;
  crosshair: () => Vec3 | null;
  scope: { value: EditScope };
  step: { value: number };
  /** the message of the last edit, shown by this rendering only */
  applied: string | null;
  onApplied: (text: string) => void;
}

/** The editor's contents for the plan as it stands now (rebuilt, errors cleared, on every change of plan or selection). */
function EditorBody({ state, crosshair, scope, step, applied, onApplied }: EditorProps) {
  const [message, setMessage] = useState<EditMessage>(applied ? { ok: true, text: applied } : null);
  const [focusError, setFocusError] = useState<string | null>(null);
  const [focusInvalid, setFocusInvalid] = useState<number | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<ShotField, string>>>({});
  const fail = (text: string) => setMessage({ ok: false, text });
  const showFocus = (r: EditResult) => {
    if (!r.ok) setFocusError(editErrorText(r.error));
  };
  const limits = state.limits();
  const index = state.point;
  const s = index === null ? undefined : state.sonications[index];
  const add = (
    <button
      type="button"
      data-testid="edit-add"
      onClick={() => {
        const at = crosshair();
        if (!at) return fail(t('plan.edit.error.noCrosshair'));
        const r = state.add([at[0] / 1000, at[1] / 1000, at[2] / 1000]);
        if (!r.ok) fail(editErrorText(r.error));
      }}
    >
      {t('plan.edit.add')}
    </button>
  );
  const messageLine = (
    <p class={message ? `edit-message ${message.ok ? 'ok' : 'error'}` : 'edit-message'} role="alert" data-testid="edit-message">
      {message?.text ?? ''}
    </p>
  );
  if (!s || index === null)
    return (
      <>
        <h3>{t('plan.edit.title')}</h3>
        <p class="hint">{t('plan.edit.hint')}</p>
        <div class="buttons">{add}</div>
        {messageLine}
      </>
    );
  const warnings = state.warnings(index);
  return (
    <>
      <h3>{t('plan.edit.title')}</h3>
      {/* header: which point, whether edited */}
      <p class="point-title" data-testid="edit-point">
        {t('plan.edit.point', { label: s.label ?? String(index + 1), slice: s.slice + 1 })}
        {state.isEdited(index) ? <span class="badge">{t('plan.edit.edited')}</span> : null}
      </p>
      {/* focus: R, A, S mm with nudge buttons */}
      <p class="field-label">{t('plan.edit.focus')}</p>
      <div class="focus-edit">
        {AXES.map((axis, a) => (
          <div class="axis" key={axis}>
            <span class="axis-name">{axis}</span>
            <input
              type="number"
              step={0.5}
              value={fmt(s.focus[a] * 1000, 1)}
              data-testid={`edit-focus-${axis.toLowerCase()}`}
              aria-label={`${axis} (mm)`}
              aria-invalid={focusInvalid === a ? 'true' : undefined}
              onChange={(e) => {
                const input = e.currentTarget as HTMLInputElement;
                const v = input.value.trim() === '' ? Number.NaN : Number(input.value);
                const focus: Vec3 = [a === 0 ? v / 1000 : s.focus[0], a === 1 ? v / 1000 : s.focus[1], a === 2 ? v / 1000 : s.focus[2]];
                const r = state.moveTo(focus);
                if (!r.ok) {
                  setFocusInvalid(a);
                  showFocus(r);
                }
              }}
            />
            {[-1, 1].map((sign) => (
              <button
                key={sign}
                type="button"
                class="icon"
                data-testid={`edit-nudge-${axis.toLowerCase()}${sign > 0 ? '+' : '-'}`}
                onClick={() => showFocus(state.nudge(a as 0 | 1 | 2, sign * step.value))}
              >
                {sign > 0 ? '+' : '−'}
              </button>
            ))}
          </div>
        ))}
      </div>
      <div class="row inline step">
        <span>{t('plan.edit.step')}</span>
        <select
          data-testid="edit-step"
          onChange={(e) => {
            step.value = Number((e.currentTarget as HTMLSelectElement).value);
          }}
        >
          {[0.5, 1, 2, 5].map((v) => (
            <option key={v} value={v} selected={v === step.value}>
              {String(v)}
            </option>
          ))}
        </select>
        <button
          type="button"
          data-testid="edit-to-crosshair"
          onClick={() => {
            const at = crosshair();
            if (!at) return fail(t('plan.edit.error.noCrosshair'));
            showFocus(state.moveTo([at[0] / 1000, at[1] / 1000, at[2] / 1000]));
          }}
        >
          {t('plan.edit.toCrosshair')}
        </button>
      </div>
      <FieldError text={focusError} testId="edit-focus-error" />
      {/* power, exposure, cooling, and the points they apply to */}
      <label class="row inline">
        <span>{t('plan.edit.scope')}</span>
        <select
          data-testid="edit-scope"
          onChange={(e) => {
            scope.value = (e.currentTarget as HTMLSelectElement).value as EditScope;
          }}
        >
          {(['point', 'slice', 'all'] as const).map((v) => (
            <option key={v} value={v} selected={v === scope.value}>
              {t(`plan.edit.scope.${v}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      {SHOT_FIELDS.map((field) => {
        const range = limits ? fieldLimits(limits, field) : null;
        const unit = t(UNIT[field]);
        const hint =
          range === null
            ? ''
            : range.max === undefined
              ? t('plan.edit.minimum', { min: range.min, unit })
              : t('plan.edit.range', { min: range.min, max: range.max, unit });
        const error = fieldErrors[field] ?? null;
        return (
          <Fragment key={field}>
            <label class="row shot">
              <span>{t(LABEL[field])}</span>
              <input
                type="number"
                step={STEP[field]}
                min={range?.min}
                max={range?.max}
                value={String(s[field])}
                data-testid={`edit-${field}`}
                aria-invalid={error !== null ? 'true' : undefined}
                onChange={(e) => {
                  const input = e.currentTarget as HTMLInputElement;
                  const v = input.value.trim() === '' ? Number.NaN : Number(input.value);
                  const n = state.scopeIndices(scope.value).length;
                  const r = state.setShot(field, v, scope.value);
                  // the editor is rebuilt with the plan: the confirmation goes to the message line of the new one
                  if (r.ok)
                    onApplied(t('plan.edit.applied', { field: t(`plan.edit.field.${field}` as MessageKey), value: String(v), unit, n }));
                  else setFieldErrors({ ...fieldErrors, [field]: editErrorText(r.error, v) });
                }}
              />
              <span class="hint limits">{hint}</span>
            </label>
            <FieldError text={error} testId={`edit-${field}-error`} />
          </Fragment>
        );
      })}
      {/* warnings of this point */}
      {warnings.length > 0 ? (
        <WarningList warnings={warnings} testId="edit-warnings" />
      ) : (
        <p class="hint ok" data-testid="edit-warnings">
          {t('plan.edit.ok')}
        </p>
      )}
      <div class="buttons">
        {add}
        <button type="button" class="danger" data-testid="edit-delete" onClick={() => state.remove(index)}>
          {t('plan.edit.delete')}
        </button>
      </div>
      {messageLine}
    </>
  );
}

/**
 * The point editor of the Plan tab: the selected point's focus (RAS mm, typed or nudged, or moved to the crosshair),
 * its power, exposure and cooling (for the point, its slice or the whole plan), its warnings, and add/delete. Values
 * outside the device's limits are refused with the reason next to the field; the plan is left as it was.
 */
export function PointEditor({ state, crosshair }: { state: PlanState; crosshair: () => Vec3 | null }) {
  const lang = useLanguage();
  const events = usePlanState(state, ['plan', 'selection']);
  const version = events.current;
  const settings = useRef({ scope: { value: 'point' as EditScope }, step: { value: 1 } }).current;
  const [applied, setApplied] = useState<{ text: string; version: number } | null>(null);
  if (!state.planned) return <section class="point-editor" data-testid="point-editor" hidden />;
  return (
    <section class="point-editor" data-testid="point-editor">
      <EditorBody
        key={`${lang}:${version}`}
        state={state}
        crosshair={crosshair}
        scope={settings.scope}
        step={settings.step}
        applied={applied && applied.version === version ? applied.text : null}
        onApplied={(text) => setApplied({ text, version: events.current })}
      />
    </section>
  );
}
