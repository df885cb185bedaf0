import type { FeedbackItem, TrainingCaseEntry } from '@openfuas/core';
import { type MessageKey, structureName, t } from '../../i18n/i18n.js';
import { en } from '../../i18n/messages.js';
import { fmt } from '../../ui/dom.js';

/**
 * The training texts of the core (case titles and goals, difficulty factors, feedback, safety events) in the
 * workstation's language: each has a stable key or code and its values; a code without a message shows the core's
 * English text.
 */
const has = (key: string): key is MessageKey => key in en;

export function caseTitle(e: Pick<TrainingCaseEntry, 'id' | 'title'>): string {
  const key = `training.case.${e.id}.title`;
  return has(key) ? t(key) : e.title;
}

export function caseGoals(e: Pick<TrainingCaseEntry, 'id' | 'goals'>): string[] {
  return e.goals.map((g, i) => {
    const key = `training.case.${e.id}.goal.${i + 1}`;
    return has(key) ? t(key) : g;
  });
}

/** The factor rules that raised a case's difficulty. */
export function difficultyTerms(e: Pick<TrainingCaseEntry, 'difficultyTerms'>): string[] {
  return e.difficultyTerms.map((d) => {
    const key = `training.factor.${d.key}`;
    return has(key) ? t(key) : d.rule;
  });
}

/** The measured factors of a case, short. */
export function factorSummary(e: Pick<TrainingCaseEntry, 'factors'>): string[] {
  const f = e.factors;
  const out = [
    t('training.factor.size', { d: fmt(f.fibroidDiameterMm, 0) }),
    t(`case.phantom.position.${f.position}` as MessageKey),
    t('training.factor.t2', { n: f.t2Type }),
    t('training.factor.wall', { d: fmt(f.wallThicknessMm, 0) }),
    t('training.factor.depth', { d: fmt(f.maxDepthMm, 0) }),
    t('training.factor.sacrum', { d: fmt(f.sacrumDistanceMm, 0) }),
  ];
  if (f.bowelInPath) out.push(t('training.factor.bowel'));
  return out;
}

const mm = (v: unknown) => fmt(Number(v) * 1000, 1);
const pct = (v: unknown) => fmt(Number(v) * 100, 0);
const name = (v: unknown) => (typeof v === 'string' ? structureName(v) : String(v ?? ''));
const marginName = (v: unknown) => {
  const key = `plan.margin.${String(v)}`;
  return has(key) ? t(key) : String(v);
};

/** A feedback item of the score in the current language. */
export function feedbackText(f: FeedbackItem): string {
  const p = f.params;
  switch (f.code) {
    case 'move-point-out-of-margin':
      return t('training.feedback.move-point-out-of-margin', {
        point: String(p.point),
        others: Math.max(0, Number(p.points) - 1),
        margin: marginName(p.margin),
        distance: mm(p.distance),
      });
    case 'avoid-beam-path':
      return t('training.feedback.avoid-beam-path', { structure: name(p.structure), point: String(p.point) });
    case 'protect-near-field':
      return t('training.feedback.protect-near-field', { structure: name(p.structure) });
    case 'protect-far-field':
    case 'protect-bowel':
    case 'expert-level':
      return t(`training.feedback.${f.code}`);
    case 'session-terminated':
      return t('training.feedback.session-terminated', { reason: String(p.reason), time: fmt(Number(p.time), 0) });
    case 'interlock-warning':
      return t('training.feedback.interlock-warning', { interlock: String(p.interlock) });
    case 'npv-low':
      return t('training.feedback.npv-low', {
        npv: pct(p.npvRatio),
        required: pct(p.required),
        expert: pct(p.expertNpvRatio),
        points: Number(p.points),
        slices: Number(p.slices),
        expertPoints: Number(p.expertPoints),
        expertSlices: Number(p.expertSlices),
      });
    case 'npv-below-expert':
      return t('training.feedback.npv-below-expert', { npv: pct(p.npvRatio), expert: pct(p.expertNpvRatio) });
    case 'eef-high':
      return t('training.feedback.eef-high', { eef: fmt(Number(p.eef), 1), expert: fmt(Number(p.expertEef), 1) });
    case 'time-long':
      return t('training.feedback.time-long', { time: fmt(Number(p.time) / 60, 0), expert: fmt(Number(p.expertTime) / 60, 0) });
    default:
      return f.text;
  }
}

/** A safety event (code, severity, params) in the current language. */
export function eventText(ev: { code: string; params?: Record<string, number | string>; message?: string }): string {
  const p = ev.params ?? {};
  let m = /^margin-(.+)$/.exec(ev.code);
  if (m) return t('training.event.margin', { margin: marginName(m[1]), points: Number(p.points ?? 1), distance: mm(p.distance) });
  m = /^beam-path-(.+)$/.exec(ev.code);
  if (m) return t('training.event.beam-path', { structure: name(p.structure ?? m[1]), points: Number(p.points ?? 1) });
  m = /^(.+)-(ablated|dose|temperature)$/.exec(ev.code);
  if (m) {
    const structure = name(p.structure ?? m[1]);
    const value = m[2] === 'temperature' ? fmt(Number(p.value), 1) : fmt(Number(p.value), 0);
    return t(`training.event.${m[2] as 'ablated' | 'dose' | 'temperature'}`, { structure, value });
  }
  if (ev.code === 'session-terminated')
    return t('training.event.session-terminated', { reason: String(p.reason), time: fmt(Number(p.time), 0) });
  m = /^interlock-(.+)$/.exec(ev.code);
  if (m) return t('training.event.interlock', { interlock: m[1], time: fmt(Number(p.time ?? 0), 0) });
  return ev.message ?? ev.code;
}
