import type { SimulationOutcome } from '../planning/outcome.js';
import type { Plan } from '../planning/plan.js';
import type { SafetyEvent } from './safety-events.js';

/**
 * The scoring rubric of an exercise (docs/training.md), 100 points:
 * - npv (50): 50 × NPV ratio — the main outcome, linear so that every covered part of the fibroid counts (clinical
 *   series report 80–90 %: 40–45 points);
 * - efficiency (15): 15 × min(1, EEF_expert / EEF) — energy per non-perfused mm³ against the expert plan's (0 when
 *   nothing was ablated);
 * - safety (25): 25 − 25 per major event − 5 per minor event, at least 0;
 * - time (10): 10 × min(1, T_expert / T) — treatment time (sonications and pauses) against the expert plan's.
 * Pass: NPV ratio ≥ min(0.7, 0.9 × the expert's) — 70 % is the usual technical-success line, lowered where even the
 * expert plan cannot reach it on this case — and no major safety event.
 */
export const RUBRIC = {
  npv: { points: 50 },
  efficiency: { points: 15 },
  safety: { points: 25, major: 25, minor: 5 },
  time: { points: 10 },
  pass: { npvRatio: 0.7, ofExpert: 0.9 },
} as const;

/** A feedback item: a stable code and its values (the workstation words it in each language) and English text. */
export interface FeedbackItem {
  code: string;
  params: Record<string, number | string>;
  text: string;
}

/** What an exercise is scored on: its outcome, its plan (points, slices) and its safety events. */
export interface ExerciseResult {
  outcome: SimulationOutcome;
  plan?: Plan;
  events: SafetyEvent[];
}

/** The score of an exercise: the contract of `fuas training score --json` plus the feedback's codes. */
export interface ExerciseScore {
  case: string;
  score: number;
  passed: boolean;
  npvRatio: number;
  /** J/mm³ */
  eef: number;
  safetyEvents: Array<{ code: string; severity: string }>;
  components: { npv: number; efficiency: number; safety: number; time: number };
  feedback: string[];
  /** the feedback as codes and params, for translation */
  feedbackItems: FeedbackItem[];
  /** the pass line this case used (NPV ratio) */
  passNpvRatio: number;
  /** the safety events in full */
  events: SafetyEvent[];
}

const round1 = (v: number) => Math.round(v * 10) / 10;
const pct = (v: number) => `${(v * 100).toFixed(0)} %`;

function slicesOf(plan: Plan | undefined): number {
  return plan ? new Set(plan.sonications.map((s) => s.slice)).size : 0;
}

/** Scores an exercise against the expert reference of its case (pure: no simulation here). */
export function scoreExercise(caseId: string, trainee: ExerciseResult, expert: { outcome: SimulationOutcome; plan: Plan }): ExerciseScore {
  const o = trainee.outcome;
  const e = expert.outcome;
  const majors = trainee.events.filter((x) => x.severity === 'major').length;
  const minors = trainee.events.length - majors;
  const npv = RUBRIC.npv.points * Math.min(1, Math.max(0, o.npvRatio));
  const efficiency = o.eef > 0 && o.nonPerfusedTargetVolume > 0 ? RUBRIC.efficiency.points * Math.min(1, e.eef / o.eef) : 0;
  const safety = Math.max(0, RUBRIC.safety.points - RUBRIC.safety.major * majors - RUBRIC.safety.minor * minors);
  const time =
    o.treatmentTime > 0 && o.nonPerfusedTargetVolume > 0 ? RUBRIC.time.points * Math.min(1, e.treatmentTime / o.treatmentTime) : 0;
  const components = { npv: round1(npv), efficiency: round1(efficiency), safety: round1(safety), time: round1(time) };
  const score = round1(components.npv + components.efficiency + components.safety + components.time);
  const passNpvRatio = Math.min(RUBRIC.pass.npvRatio, RUBRIC.pass.ofExpert * e.npvRatio);
  const passed = o.npvRatio >= passNpvRatio && majors === 0;
  const items = feedbackOf(trainee, expert, passNpvRatio);
  return {
    case: caseId,
    score,
    passed,
    npvRatio: o.npvRatio,
    eef: o.eef,
    safetyEvents: trainee.events.map((x) => ({ code: x.code, severity: x.severity })),
    components,
    feedback: items.map((i) => i.text),
    feedbackItems: items,
    passNpvRatio,
    events: trainee.events,
  };
}

/** What to change, compared with the expert reference: safety first, then coverage, efficiency, time. */
function feedbackOf(trainee: ExerciseResult, expert: { outcome: SimulationOutcome; plan: Plan }, passNpv: number): FeedbackItem[] {
  const o = trainee.outcome;
  const e = expert.outcome;
  const out: FeedbackItem[] = [];
  for (const ev of trainee.events) {
    if (ev.code.startsWith('margin-'))
      out.push({
        code: 'move-point-out-of-margin',
        params: { ...ev.params, margin: ev.code.slice(7) },
        text: `Move ${ev.params.point} (and ${Number(ev.params.points) - 1} other point(s)) out of the ${ev.code.slice(7)} margin: it is ${(Number(ev.params.distance) * 1000).toFixed(1)} mm, the margin is ${(Number(ev.params.margin) * 1000).toFixed(0)} mm.`,
      });
    else if (ev.code.startsWith('beam-path-'))
      out.push({
        code: 'avoid-beam-path',
        params: ev.params,
        text: `Do not sonicate through ${ev.params.structure}: move the beam's entry or drop ${ev.params.point} and the points behind it.`,
      });
    else if (ev.code.startsWith('near-field-'))
      out.push({
        code: 'protect-near-field',
        params: ev.params,
        text: `The near field (${ev.params.structure}) heats too much: lengthen cooling between points or lower power in shallow slices.`,
      });
    else if (ev.code.startsWith('sacrum-'))
      out.push({
        code: 'protect-far-field',
        params: ev.params,
        text: 'The sacrum heats: keep deep points away from bone and shorten deep sonications.',
      });
    else if (ev.code.startsWith('bowel-'))
      out.push({
        code: 'protect-bowel',
        params: ev.params,
        text: 'Bowel receives a damaging dose: keep the beam and the foci away from it.',
      });
    else if (ev.code === 'session-terminated')
      out.push({
        code: 'session-terminated',
        params: ev.params,
        text: `The treatment stopped early (${ev.params.reason} at ${Number(ev.params.time).toFixed(0)} s): react to warnings before they trip an interlock.`,
      });
    else if (ev.code.startsWith('interlock-') && ev.severity === 'minor')
      out.push({
        code: 'interlock-warning',
        params: ev.params,
        text: `Interlock warning ${ev.params.interlock}: pause or lower power when it appears.`,
      });
  }
  const points = trainee.plan?.sonications.length ?? o.sonications;
  const ePoints = expert.plan.sonications.length;
  if (o.npvRatio < passNpv)
    out.push({
      code: 'npv-low',
      params: {
        npvRatio: o.npvRatio,
        required: passNpv,
        expertNpvRatio: e.npvRatio,
        points,
        expertPoints: ePoints,
        slices: slicesOf(trainee.plan),
        expertSlices: slicesOf(expert.plan),
      },
      text: `Predicted NPV ratio ${pct(o.npvRatio)} is below the ${pct(passNpv)} this case needs (expert ${pct(e.npvRatio)}): cover more of the fibroid — you placed ${points} point(s) in ${slicesOf(trainee.plan)} slice(s), the expert ${ePoints} in ${slicesOf(expert.plan)}.`,
    });
  else if (o.npvRatio < e.npvRatio - 0.05)
    out.push({
      code: 'npv-below-expert',
      params: { npvRatio: o.npvRatio, expertNpvRatio: e.npvRatio },
      text: `NPV ratio ${pct(o.npvRatio)} passes, but the expert reaches ${pct(e.npvRatio)}: fill gaps between points and slices.`,
    });
  if (o.eef > 0 && e.eef > 0 && o.eef > 1.5 * e.eef)
    out.push({
      code: 'eef-high',
      params: { eef: o.eef, expertEef: e.eef },
      text: `Energy per non-perfused volume ${o.eef.toFixed(1)} J/mm³ against the expert's ${e.eef.toFixed(1)}: stop repeating shots once the greyscale changes, and do not overlap points.`,
    });
  if (o.treatmentTime > 1.5 * e.treatmentTime)
    out.push({
      code: 'time-long',
      params: { time: o.treatmentTime, expertTime: e.treatmentTime },
      text: `Treatment time ${(o.treatmentTime / 60).toFixed(0)} min against the expert's ${(e.treatmentTime / 60).toFixed(0)} min: shorten pauses where the near field allows.`,
    });
  if (out.length === 0)
    out.push({
      code: 'expert-level',
      params: { npvRatio: o.npvRatio, expertNpvRatio: e.npvRatio },
      text: 'At expert level: safe, covering and efficient.',
    });
  // one item per advice (near-field dose and temperature, for example, give the same advice)
  return out.filter((item, i) => out.findIndex((x) => x.code === item.code && x.text === item.text) === i);
}
