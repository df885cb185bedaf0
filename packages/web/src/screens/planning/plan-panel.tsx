import { type Vec3, planTotals } from '@openfuas/core';
import { signal } from '@preact/signals';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { DEFAULT_PLAN_PARAMS, PACING_DEFAULTS, type PlanParams, type WorkstationPlan } from '../../engine/planning.js';
import { isBlocking } from '../../engine/point-safety.js';
import type { WorkstationCase } from '../../engine/workstation-case.js';
import { errorText } from '../../i18n/error-text.js';
import { type MessageKey, structureName, t } from '../../i18n/i18n.js';
import { useLanguage } from '../../i18n/language-signal.js';
import { fmt } from '../../ui/dom.js';
import type { PlanState } from './plan-state.js';
import { temperatureText } from '../../ui/temperature-text.js';
import { BowlView } from './bowl-view.js';
import { warningText } from './edit-text.js';
import { FindingsList } from './findings-list.js';
import { PointEditor } from './point-editor.js';
import { usePlanState } from './use-plan-state.js';
import { NumberRow } from './number-row.js';

export interface PlanPanelActions {
  /** runs the planner; `progress` shows how far it is (0..1) and its stage (a message key) */
  plan: (p: PlanParams, progress: (fraction: number, stage: MessageKey) => void) => Promise<void>;
  /** the crosshair, RAS mm (where points are added or moved to), or null before any */
  crosshair: () => Vec3 | null;
  /** the case shown */
  currentCase: () => WorkstationCase | null;
}

/** The planner's state line: running (how far), failed (its error, worded again on a language change) or empty. */
type PlanStatus = { running: true; fraction?: number; stage?: MessageKey } | { running: false; error: unknown } | null;

function statusText(s: PlanStatus): string {
  if (!s) return '';
  if (!s.running) return errorText(s.error);
  if (s.stage === undefined || s.fraction === undefined) return t('plan.running');
  return `${t('plan.running')} ${Math.round(s.fraction * 100)} % · ${t(s.stage)}`;
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

function Row({ label, value, testId }: { label: MessageKey; value: string; testId: string }) {
  return (
    <>
      <dt>{t(label)}</dt>
      <dd data-testid={testId}>{value}</dd>
    </>
  );
}

/** The probe sonication that set power, spacing and cooling, and the overrides that replaced them. */
function Probe({ p }: { p: WorkstationPlan }) {
  const shot = p.shot;
  const pitch = pitchOf(p);
  const over = (value: string, o: number | null, unit: string) =>
    o === null ? value : `${value} → ${t('plan.overridden', { value: `${fmt(o, 0)} ${unit}` })}`;
  return (
    <section class="probe" data-testid="plan-probe">
      <h3>{t('plan.probe')}</h3>
      <dl>
        <Row
          label="plan.probe.shot"
          value={over(`${fmt(shot.power, 0)} ${t('unit.w')} × ${fmt(shot.exposure, 1)} ${t('unit.s')}`, p.overrides.powerW, t('unit.w'))}
          testId="probe-shot"
        />
        <Row label="plan.probe.peak" value={temperatureText(shot.peakTemperature).text} testId="probe-peak" />
        <Row
          label="plan.probe.lesion"
          value={`${fmt(shot.lesionWidth * 1000, 1)} × ${fmt(shot.lesionLength * 1000, 1)} ${t('unit.mm')}`}
          testId="probe-lesion"
        />
        <Row label="plan.probe.spacing" value={pitch !== null ? `${fmt(pitch * 1000, 1)} ${t('unit.mm')}` : '–'} testId="probe-spacing" />
        <Row
          label="plan.probe.cooling"
          value={over(
            t('plan.probe.coolingFrom', { s: fmt(p.cooling.seconds, 0), structure: structureName(p.cooling.structure) }),
            p.overrides.coolingS,
            t('unit.s'),
          )}
          testId="probe-cooling"
        />
      </dl>
    </section>
  );
}

/** Energy, beam-on time and treatment time of the plan as it stands (core planTotals), before any simulation. */
function Totals({ p }: { p: WorkstationPlan }) {
  const tot = planTotals(p.plan);
  return (
    <section class="plan-totals" data-testid="plan-totals">
      <h3>{t('plan.totals')}</h3>
      <dl>
        <Row label="plan.totals.energy" value={`${fmt(tot.energy / 1000, 1)} ${t('unit.kj')}`} testId="plan-total-energy" />
        <Row label="plan.totals.beamOn" value={minutes(tot.sonicationTime)} testId="plan-total-beam-on" />
        <Row label="plan.totals.treatment" value={minutes(tot.treatmentTime)} testId="plan-total-treatment" />
      </dl>
    </section>
  );
}

/** The planner's parameters; submitting runs it, its progress and error in the status line below. */
function PlannerForm({ plan, status }: { plan: PlanPanelActions['plan']; status: ReturnType<typeof signal<PlanStatus>> }) {
  // reads a signal (status), so @preact/signals re-renders it only on its signals or props: the language is one of them
  useLanguage();
  const d = DEFAULT_PLAN_PARAMS;
  const running = status.value?.running === true;
  const optional = (v: FormDataEntryValue | null) => (v === null || String(v).trim() === '' ? null : Number(v));
  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    status.value = { running: true };
    try {
      await plan(
        {
          device: d.device,
          pacing: f.get('pacing') === 'clinical' ? 'clinical' : 'sized',
          exposureS: Number(f.get('exposure')),
          maxPowerW: Number(f.get('max-power')),
          pitchFactor: Number(f.get('pitch')),
          sliceSpacingMm: Number(f.get('slices')),
          powerW: optional(f.get('power')),
          coolingS: optional(f.get('cooling')),
          fitCooling: f.get('fit-cooling') !== null,
        },
        (fraction, stage) => {
          status.value = { running: true, fraction, stage };
        },
      );
      status.value = null;
    } catch (err) {
      status.value = { running: false, error: err };
    }
  };
  // a protocol comes with its own exposure and pitch (the fields stay editable)
  const choosePacing = (e: Event) => {
    const select = e.currentTarget as HTMLSelectElement;
    const form = select.form;
    const p = PACING_DEFAULTS[select.value === 'clinical' ? 'clinical' : 'sized'];
    const field = (name: string) => form?.elements.namedItem(name) as HTMLInputElement | null;
    const exposure = field('exposure');
    const pitch = field('pitch');
    if (exposure) exposure.value = String(p.exposureS);
    if (pitch) pitch.value = String(p.pitchFactor);
  };
  return (
    <form class="form" onSubmit={submit}>
      {/* biome-ignore lint/a11y/noLabelWithoutControl: a read-only row laid out like the fields below it */}
      <label class="row">
        <span>{t('plan.device')}</span>
        <span class="mono">{d.device}</span>
      </label>
      <label class="row">
        <span>{t('plan.pacing')}</span>
        <select name="pacing" data-testid="plan-pacing" onChange={choosePacing}>
          <option value="sized" selected={d.pacing === 'sized'}>
            {t('plan.pacing.sized')}
          </option>
          <option value="clinical" selected={d.pacing === 'clinical'}>
            {t('plan.pacing.clinical')}
          </option>
        </select>
      </label>
      <NumberRow label="plan.exposure" name="exposure" testId="plan-exposure" value={d.exposureS} min={0.5} max={5} step={0.5} />
      <NumberRow label="plan.maxPower" name="max-power" testId="plan-max-power" value={d.maxPowerW} min={50} max={520} step={10} />
      <NumberRow label="plan.pitchFactor" name="pitch" testId="plan-pitch" value={d.pitchFactor} min={1} max={5} step={0.1} />
      <NumberRow label="plan.sliceSpacing" name="slices" testId="plan-slices" value={d.sliceSpacingMm} min={2} max={15} step={0.5} />
      <p class="hint">{t('plan.overrides')}</p>
      <NumberRow label="plan.powerOverride" name="power" testId="plan-power" value={null} min={50} max={520} step={10} />
      <NumberRow label="plan.coolingOverride" name="cooling" testId="plan-cooling" value={null} min={1} max={120} step={1} />
      <label class="row check">
        <input type="checkbox" name="fit-cooling" defaultChecked={d.fitCooling} data-testid="plan-fit-cooling" />
        <span>{t('plan.fitCooling')}</span>
      </label>
      <button type="submit" class="primary" data-testid="plan-run" disabled={running}>
        {t('plan.run')}
      </button>
    </form>
  );
}

/** The plan's summary, totals, undo/redo, edit summary and slice choice. */
function PlanHead({ state, planned }: { state: PlanState; planned: WorkstationPlan }) {
  const sons = planned.plan.sonications;
  const slices = [...new Set(sons.map((s) => s.slice))].sort((a, b) => a - b);
  let warned = 0;
  sons.forEach((_, i) => {
    if (state.warnings(i).length > 0) warned++;
  });
  const edited = state.editedCount();
  return (
    <div>
      <p data-testid="plan-summary" class="summary">
        {t('plan.summary', { points: sons.length, slices: slices.length })}
      </p>
      <Totals p={planned} />
      <div class="buttons undo">
        <button type="button" data-testid="plan-undo" title={t('plan.undo.hint')} disabled={!state.canUndo} onClick={() => state.undo()}>
          {t('plan.undo')}
        </button>
        <button type="button" data-testid="plan-redo" title={t('plan.undo.hint')} disabled={!state.canRedo} onClick={() => state.redo()}>
          {t('plan.redo')}
        </button>
      </div>
      <p class={`hint${warned ? ' caution' : ''}`} data-testid="plan-edit-summary" hidden={!edited && !warned}>
        {[edited ? t('plan.edited', { n: edited }) : '', warned ? t('plan.withWarnings', { n: warned }) : ''].filter(Boolean).join(' · ')}
      </p>
      <label class="row inline">
        <span>{t('plan.slices')}</span>
        <select
          data-testid="plan-slice"
          value={state.slice === null ? '' : String(state.slice)}
          onChange={(e) => {
            const v = (e.currentTarget as HTMLSelectElement).value;
            state.select(v === '' ? null : Number(v), null);
          }}
        >
          <option value="">–</option>
          {slices.map((s) => (
            <option key={s} value={String(s)}>
              {`${t('plan.slice', { n: s + 1 })} (${sons.filter((x) => x.slice === s).length})`}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

/** The points of the selected slice (or all, at most 400 rows), with warning rows under the flagged ones. */
function PointsTable({ state, planned }: { state: PlanState; planned: WorkstationPlan }) {
  const scroll = useRef<HTMLDivElement>(null);
  const sons = planned.plan.sonications;
  const rows = [];
  for (let i = 0; i < sons.length && rows.length < 400; i++) {
    const s = sons[i];
    if (state.slice !== null && s.slice !== state.slice) continue;
    const warnings = state.warnings(i);
    const blocking = warnings.some(isBlocking);
    const cls = [i === state.point ? 'selected' : '', warnings.length ? (blocking ? 'flag-error' : 'flag-warning') : ''].join(' ').trim();
    rows.push(
      <tr key={`p${i}`} class={cls || undefined} data-point={i} data-label={s.label} onClick={() => state.select(s.slice, i)}>
        <td>
          {s.label ?? String(i + 1)}
          {state.isEdited(i) ? (
            <span class="edited-mark" title={t('plan.edit.edited')}>
              {' ✎'}
            </span>
          ) : null}
          {warnings.length ? <span class="warn-mark">{' ⚠'}</span> : null}
        </td>
        <td class="num mono">{(s.focus as Vec3).map((v) => fmt(v * 1000, 1)).join(', ')}</td>
        <td class="num">{`${fmt(s.power, 0)} ${t('unit.w')} · ${fmt(s.exposure, 1)} ${t('unit.s')} · ${fmt(s.cooling, 0)} ${t('unit.s')}`}</td>
        <td>
          <button
            type="button"
            class="icon"
            title={t('plan.delete')}
            aria-label={t('plan.delete')}
            onClick={(ev) => {
              ev.stopPropagation();
              state.remove(i);
            }}
          >
            ×
          </button>
        </td>
      </tr>,
    );
    if (warnings.length)
      rows.push(
        <tr key={`w${i}`} class={`warning-row ${blocking ? 'error' : 'warning'}`} data-warning-for={i}>
          <td colSpan={4}>{warnings.map(warningText).join(' · ')}</td>
        </tr>,
      );
  }
  // keep the selected row in view inside the table's own scroll area (not the whole panel)
  useLayoutEffect(() => {
    const table = scroll.current;
    const row = table?.querySelector<HTMLElement>('tr.selected');
    if (!table || !row) return;
    const top = row.offsetTop;
    const bottom = top + row.offsetHeight;
    if (top < table.scrollTop + 30 || bottom > table.scrollTop + table.clientHeight)
      table.scrollTop = Math.max(0, top - table.clientHeight / 3);
  });
  return (
    <div class="points-scroll" data-testid="plan-points-scroll" ref={scroll}>
      <table class="points" data-testid="plan-points">
        <thead>
          <tr>
            <th>{t('plan.point')}</th>
            <th class="num">{t('plan.focus')}</th>
            <th class="num">{t('plan.shotColumns')}</th>
            <th />
          </tr>
        </thead>
        <tbody>{rows}</tbody>
      </table>
    </div>
  );
}

/** The probe sonication, volumes and margins (folded), and the planner's findings. */
function PlanTail({ planned }: { planned: WorkstationPlan }) {
  const c = planned.plan.constraints;
  return (
    <div>
      <details class="plan-details" data-testid="plan-details">
        <summary>{t('plan.details')}</summary>
        <Probe p={planned} />
        <dl>
          <dt>{t('results.target')}</dt>
          <dd>{`${fmt(planned.targetVolume * 1e6, 1)} ${t('unit.ml')}`}</dd>
          <dt>{t('plan.reachable')}</dt>
          <dd>{`${fmt(planned.reachableVolume * 1e6, 1)} ${t('unit.ml')}`}</dd>
        </dl>
        <p class="hint">
          {t('plan.margins', {
            serosa: fmt(c.serosaMargin * 1000, 0),
            endo: fmt(c.endometriumMargin * 1000, 0),
            bone: fmt(c.boneMargin * 1000, 0),
            bowel: fmt(c.bowelMargin * 1000, 0),
          })}
        </p>
        <p class="hint">{t('plan.marginContour')}</p>
      </details>
      <h3>{t('plan.findings')}</h3>
      <FindingsList findings={planned.findings} testId="plan-findings" />
    </div>
  );
}

/**
 * The Plan tab: planner parameters, the automatic plan, its slices and points (select, delete; warning rows under
 * points that break a rule of the planner), the point editor, the transducer side view, the probe sonication and the
 * planner's findings. The plan and the selection live in `state`; this panel renders them and edits through it.
 */
export function PlanPanel({ actions, state }: { actions: PlanPanelActions; state: PlanState }) {
  useLanguage();
  usePlanState(state);
  const status = useRef(signal<PlanStatus>(null)).current;
  const planned = state.planned;
  // for tests and profiling: the checks of the whole plan arrived, in this many ms
  const checks = state.checked || state.checksMs > 0 ? { checked: String(state.checked), ms: state.checksMs.toFixed(0) } : null;
  return (
    <>
      <h2>{t('plan.auto')}</h2>
      <p class="hint">{t('plan.hint')}</p>
      <PlannerForm plan={actions.plan} status={status} />
      <p class="hint" data-testid="plan-status">
        {statusText(status.value)}
      </p>
      <div data-testid="plan-body" data-checked={checks?.checked} data-checks-ms={checks?.ms}>
        {planned ? (
          <PlanHead state={state} planned={planned} />
        ) : (
          <div>
            <p class="hint">{t('plan.none')}</p>
          </div>
        )}
        {planned ? <PointsTable state={state} planned={planned} /> : <div class="points-scroll" data-testid="plan-points-scroll" />}
        <div>
          <PointEditor state={state} crosshair={actions.crosshair} />
        </div>
        <div>
          <BowlView state={state} getCase={actions.currentCase} />
        </div>
        {planned ? <PlanTail planned={planned} /> : <div />}
      </div>
    </>
  );
}
