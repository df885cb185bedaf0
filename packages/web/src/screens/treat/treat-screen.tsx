import { INTERLOCK_CODES, type LogEvent, type Plan } from '@openfuas/core';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { currentCase, currentPlan } from '../../app/workstation-state.js';
import { type MessageKey, t } from '../../i18n/i18n.js';
import { useLanguage } from '../../i18n/language-signal.js';
import * as cons from './console-client.js';
import type { CurveSample, Modality } from './console-protocol.js';
import { type Curve, CurvePlot } from './curve-plot.js';
import { ImageCanvas } from './image-canvas.js';
import './console.css';

/** The speeds offered: real time, ×N, and as fast as possible (0). */
const SPEEDS = [1, 2, 5, 10, 0];

/** Keys that press the emergency stop on the Treat screen (documented in the UI next to the button). */
export const EMERGENCY_KEYS = ['Escape', ' '];

const fixed = (v: number, d: number) => (Number.isFinite(v) ? v.toFixed(d) : '–');

/** A logged event as one line of the log view (the log's own words: event types and codes are its vocabulary). */
export function eventLine(e: LogEvent): string {
  const { seq, time, tick, type, ...rest } = e;
  void tick;
  let detail: string;
  if (type === 'state') detail = `${rest.from} → ${rest.to} (${rest.action}${typeof rest.point === 'number' ? ` #${rest.point + 1}` : ''})`;
  else if (type === 'interlock')
    detail = `${rest.code} ${rest.level}${typeof rest.value === 'number' ? ` ${Number(rest.value).toPrecision(3)}` : ''}`;
  else if (type === 'end') detail = String((rest.summary as { state?: string })?.state ?? '');
  else {
    detail = Object.entries(rest)
      .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : JSON.stringify(v)}`)
      .join(' ');
  }
  return `${String(seq).padStart(4)}  ${time.toFixed(1).padStart(7)} s  ${type.padEnd(13)} ${detail}`;
}

export function stateName(state: string): string {
  return t(`console.state.${state}` as MessageKey);
}

export function interlockName(code: string): string {
  return t(`console.interlock.${code}` as MessageKey);
}

/** Curves of the live session: MR temperatures and dose volumes, or the B-mode focal grey and energy (US). */
export function consoleCurves(s: CurveSample[], modality: Modality): { temp: Curve[]; dose: Curve[]; x: number[] } {
  const x = s.map((p) => p.time);
  const v = (f: (p: CurveSample) => number | undefined) => s.map((p) => f(p) ?? null);
  if (modality === 'mr')
    return {
      x,
      temp: [
        { label: t('console.curve.focus'), color: '#ff6b6b', side: 'left', values: v((p) => p.focusTemperature) },
        { label: t('console.curve.nearField'), color: '#f2b33d', side: 'left', values: v((p) => p.nearFieldTemperature) },
        { label: t('console.curve.farField'), color: '#38c7e8', side: 'left', values: v((p) => p.farFieldTemperature) },
      ],
      dose: [
        { label: t('console.curve.dose240'), color: '#ff6b6b', side: 'left', values: v((p) => p.dose240Volume) },
        { label: t('console.curve.dose17'), color: '#ffd60a', side: 'left', values: v((p) => p.dose17Volume) },
        { label: t('console.curve.energy'), color: '#5ed18a', side: 'right', values: v((p) => p.energy) },
      ],
    };
  return {
    x,
    temp: [{ label: t('console.curve.focalGrey'), color: '#e3eaf0', side: 'left', values: v((p) => p.focalGrey) }],
    dose: [{ label: t('console.curve.energy'), color: '#5ed18a', side: 'left', values: v((p) => p.energy) }],
  };
}

function Setup() {
  useLanguage();
  const c = currentCase.value;
  const planned = currentPlan.value;
  const [modality, setModality] = useState<Modality>('us');
  const [limit, setLimit] = useState<string>('');
  const plan: Plan | null = planned?.plan ?? null;
  const ready = c?.core && plan && plan.sonications.length > 0;
  const start = () => {
    if (!c?.core || !plan) return;
    const n = Number(limit);
    const sonications = limit !== '' && Number.isInteger(n) && n > 0 ? plan.sonications.slice(0, n) : plan.sonications;
    cons.prepare(c.core, { ...plan, sonications }, modality);
  };
  return (
    <section class="console-setup" data-testid="treat-setup">
      <h2>{t('console.title')}</h2>
      {ready ? (
        <p>{t('console.setup.what', { case: c.name, points: plan.sonications.length })}</p>
      ) : (
        <p class="console-note" data-testid="treat-no-plan">
          {t('console.setup.noPlan')}
        </p>
      )}
      <label>
        {t('console.modality')}{' '}
        <select
          value={modality}
          onChange={(e) => setModality((e.target as HTMLSelectElement).value as Modality)}
          data-testid="treat-modality"
        >
          <option value="us">{t('console.modality.us')}</option>
          <option value="mr">{t('console.modality.mr')}</option>
        </select>
      </label>
      <label>
        {t('console.points')}{' '}
        <input
          type="number"
          min="1"
          step="1"
          value={limit}
          placeholder={t('console.points.all')}
          onInput={(e) => setLimit((e.target as HTMLInputElement).value)}
          data-testid="treat-points"
        />
      </label>
      <button type="button" disabled={!ready || cons.phase.value === 'preparing'} onClick={start} data-testid="treat-prepare">
        {t('console.prepare')}
      </button>
    </section>
  );
}

function Controls() {
  useLanguage();
  const shownPower = cons.shownPower.value;
  const info = cons.session.value;
  const [power, setPower] = useState('');
  const state = cons.state.value;
  const phase = cons.phase.value;
  const ended = phase === 'finished' || state === 'completed' || state === 'terminated';
  const act = cons.act;
  const applyPower = () => {
    const w = Number(power);
    if (!(w > 0)) return;
    act({ type: 'setParameters', power: w });
  };
  return (
    <section class="console-controls" data-testid="treat-controls">
      <div class="console-row">
        {phase === 'ready' ? (
          <button type="button" class="console-start" onClick={() => cons.run()} data-testid="treat-start">
            {t('console.start')}
          </button>
        ) : null}
        <label>
          {t('console.speed')}{' '}
          <select
            value={String(cons.speed.value)}
            onChange={(e) => cons.setSpeed(Number((e.target as HTMLSelectElement).value))}
            data-testid="treat-speed"
          >
            {SPEEDS.map((s) => (
              <option key={s} value={String(s)}>
                {s === 0 ? t('console.speed.max') : s === 1 ? t('console.speed.real') : `×${s}`}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div class="console-row">
        <button type="button" disabled={ended || state !== 'sonicating'} onClick={() => act({ type: 'pause' })} data-testid="treat-pause">
          {t('console.pause')}
        </button>
        <button type="button" disabled={ended || state !== 'paused'} onClick={() => act({ type: 'resume' })} data-testid="treat-resume">
          {t('console.resume')}
        </button>
        <button
          type="button"
          disabled={ended || (state !== 'sonicating' && state !== 'paused')}
          onClick={() => act({ type: 'stop' })}
          data-testid="treat-stop"
        >
          {t('console.stop')}
        </button>
        <button
          type="button"
          disabled={ended || (state !== 'armed' && state !== 'paused')}
          onClick={() => act({ type: 'skipPoint' })}
          data-testid="treat-skip"
        >
          {t('console.skip')}
        </button>
      </div>
      <div class="console-row">
        <label>
          {t('console.power')}{' '}
          <input
            type="number"
            min={info?.minPower ?? 0}
            max={info?.maxPower ?? 0}
            step="1"
            value={power}
            placeholder={shownPower !== null ? String(shownPower) : ''}
            onInput={(e) => setPower((e.target as HTMLInputElement).value)}
            data-testid="treat-power"
          />{' '}
          W
        </label>
        <button
          type="button"
          disabled={ended || !(state === 'armed' || state === 'paused' || state === 'planLocked')}
          onClick={applyPower}
          data-testid="treat-power-apply"
          title={t('console.power.when')}
        >
          {t('console.power.apply')}
        </button>
        {info ? <span class="console-note">{t('console.power.limits', { min: info.minPower, max: info.maxPower })}</span> : null}
      </div>
      <button type="button" class="console-estop" disabled={ended} onClick={() => cons.emergencyStop()} data-testid="treat-estop">
        {t('console.estop')}
        <small>{t('console.estop.keys')}</small>
      </button>
      {cons.refusal.value ? (
        <p class="console-error" data-testid="treat-refusal">
          {t('console.refused', { message: cons.refusal.value })}
        </p>
      ) : null}
    </section>
  );
}

function Readouts() {
  useLanguage();
  const r = cons.readout.value;
  if (!r) return null;
  const rows: Array<[MessageKey, string, string]> = [
    ['console.readout.time', `${fixed(r.time, 1)} s`, 'time'],
    ['console.readout.point', r.point >= 0 ? `${r.point + 1} / ${r.points}` : '–', 'point'],
    ['console.readout.delivered', `${r.delivered} / ${r.points}`, 'delivered'],
    ['console.readout.power', `${fixed(r.power, 0)} W`, 'power'],
    ['console.readout.pointEnergy', `${fixed(r.pointEnergy, 0)} J`, 'point-energy'],
    ['console.readout.energy', `${fixed(r.energy / 1000, 2)} kJ`, 'energy'],
    ['console.readout.sonicationTime', `${fixed(r.sonicationTime, 1)} s`, 'sonication-time'],
    ['console.readout.tickCost', `${fixed(r.stepMs + r.imageMs, 0)} ms`, 'tick-cost'],
  ];
  return (
    <dl class="console-readouts" data-testid="treat-readouts" data-step-ms={r.stepMs.toFixed(1)} data-image-ms={r.imageMs.toFixed(1)}>
      {rows.map(([k, v, id]) => (
        <div key={id}>
          <dt>{t(k)}</dt>
          <dd data-testid={`readout-${id}`}>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function Interlocks() {
  useLanguage();
  const levels = cons.interlocks.value;
  return (
    <section class="console-interlocks" data-testid="treat-interlocks">
      <h3>{t('console.interlocks')}</h3>
      <ul>
        {INTERLOCK_CODES.map((code) => {
          const level = levels[code] ?? 'ok';
          return (
            <li key={code} class={`interlock-${level}`} data-testid={`interlock-${code}`} data-level={level}>
              <span class="interlock-lamp" aria-hidden="true" />
              {interlockName(code)}
              <span class="interlock-level">{t(`console.level.${level}` as MessageKey)}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function LogView() {
  useLanguage();
  const list = cons.events.value;
  const ref = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [list.length]);
  const shown = list.slice(-300);
  return (
    <section class="console-log">
      <h3>
        {t('console.log', { n: list.length })}{' '}
        <button type="button" onClick={() => cons.downloadLog()} disabled={!cons.session.value} data-testid="treat-download">
          {t('console.log.download')}
        </button>
      </h3>
      <p class="console-note">{t('console.log.where', { name: cons.session.value?.logName ?? '–' })}</p>
      <pre ref={ref} data-testid="treat-log" data-events={list.length}>
        {shown.map((e) => `${eventLine(e)}\n`).join('')}
      </pre>
    </section>
  );
}

function Curves() {
  const info = cons.session.value;
  const s = cons.samples.value;
  const lang = useLanguage();
  const c = useMemo(() => consoleCurves(s, info?.modality ?? 'us'), [s, info?.modality, lang]);
  if (!info) return null;
  const mr = info.modality === 'mr';
  return (
    <section class="console-curves">
      <CurvePlot
        title={mr ? t('console.plot.temperature') : t('console.plot.grey')}
        x={c.x}
        xLabel={t('console.axis.time')}
        left={mr ? '°C' : t('console.axis.grey')}
        curves={c.temp}
        testid="treat-plot-temperature"
      />
      <CurvePlot
        title={mr ? t('console.plot.dose') : t('console.plot.energy')}
        x={c.x}
        xLabel={t('console.axis.time')}
        left={mr ? 'cm³' : 'kJ'}
        right={mr ? 'kJ' : undefined}
        curves={c.dose}
        testid="treat-plot-dose"
      />
    </section>
  );
}

function LiveImage() {
  useLanguage();
  const f = cons.frame.value;
  const info = cons.session.value;
  const fps = cons.framesPerSecond.value;
  return (
    <section class="console-live">
      <h3>{info?.modality === 'mr' ? t('console.image.mr') : t('console.image.us')}</h3>
      <ImageCanvas
        image={f?.image ?? null}
        marks={f}
        testid="console-image"
        label={info?.modality === 'mr' ? t('console.image.mr') : t('console.image.us')}
        attrs={{ fps: fps.toFixed(1), frames: cons.framesDrawn.value, time: f ? f.time.toFixed(1) : '' }}
      />
      <p class="console-note">
        {info?.modality === 'mr' ? t('console.image.mrLegend') : t('console.image.usLegend')}{' '}
        {t('console.image.fps', { fps: fps.toFixed(1) })}
      </p>
    </section>
  );
}

/** The treatment console: runs the current plan on the current case in simulated time, as an operator sees it. */
export function TreatScreen() {
  useLanguage();
  const phase = cons.phase.value;
  // the state and the stop as their own signals: this screen does not re-render with every tick's readout
  const state = cons.state.value;
  useEffect(() => {
    // the patient's button on the keyboard: Escape or Space anywhere on this screen (not while typing in a field)
    const onKey = (e: KeyboardEvent) => {
      if (!EMERGENCY_KEYS.includes(e.key) || !cons.live()) return;
      const el = e.target as HTMLElement | null;
      if (el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') && e.key === ' ') return;
      e.preventDefault();
      e.stopPropagation();
      cons.emergencyStop();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
  const stop = cons.stop.value ?? cons.summary.value?.stop ?? null;
  return (
    <div class="console-screen" data-testid="treat-screen" data-phase={phase} data-state={state}>
      <Setup />
      {phase === 'preparing' ? (
        <p class="console-note" data-testid="treat-preparing">
          {t(`console.stage.${cons.stage.value || 'acoustics'}` as MessageKey)}
        </p>
      ) : null}
      {cons.failure.value ? (
        <p class="console-error" data-testid="treat-error">
          {cons.failure.value}
        </p>
      ) : null}
      {cons.session.value ? (
        <>
          <div class={`console-state state-${state}`} data-testid="treat-state" data-state={state}>
            {t('console.state')}: <strong>{stateName(state)}</strong>
            {stop ? (
              <span data-testid="treat-stop-reason">
                {' '}
                — {t('console.stopped', { time: stop.time.toFixed(1), reason: interlockName(stop.reason.split(':')[0]) })}
              </span>
            ) : null}
            {phase === 'finished' && !cons.outcomeDone.value ? <span> — {t('console.stage.outcome')}</span> : null}
            {cons.outcomeDone.value && cons.summary.value?.outcome ? (
              <span data-testid="treat-outcome">
                {' '}
                — {t('console.outcome', { npv: (cons.summary.value.outcome.npvRatio * 100).toFixed(1) })}
              </span>
            ) : null}
          </div>
          <div class="console-grid">
            <LiveImage />
            <div class="console-side">
              <Readouts />
              <Controls />
              <Interlocks />
            </div>
          </div>
          <Curves />
          <LogView />
        </>
      ) : null}
    </div>
  );
}
