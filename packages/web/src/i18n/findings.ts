import type { Finding } from '@openfuas/core';
import { fmt } from '../ui/dom.js';
import { doseText } from '../ui/dose-text.js';
import { type MessageKey, structureName, t } from './i18n.js';

/**
 * Findings of the core (planner, auto-plan, plan simulation, outcome) in the workstation's languages: each code has a
 * message template (`finding.<code>` in messages.ts; `finding.structure-<kind>` for the per-structure codes
 * `<structure>-ablated`, `-dose`, `-temperature`) filled from the finding's `params` (SI units) as the UI shows
 * them. A code without a template, or a finding missing a value its template needs, shows the core's English
 * message.
 */

type Params = Record<string, number | string>;
/** Display values of a finding's placeholders; undefined where the finding lacks the value. */
type Values = Record<string, string | undefined>;

function numberOf(v: number | string | undefined): number | undefined {
  if (typeof v === 'number') return Number.isNaN(v) ? undefined : v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}
const shown = (v: number | string | undefined, format: (x: number) => string) => {
  const x = numberOf(v);
  return x === undefined ? undefined : format(x);
};

/** °C with one decimal */
const celsius = (v: number | string | undefined) => shown(v, (x) => fmt(x, 1));
/** CEM43 min, compact: one decimal below 10, whole numbers to 10⁴, then a × 10ⁿ */
const cem43 = (v: number | string | undefined) => shown(v, (x) => (x < 10 ? fmt(x, 1) : doseText(x, 0)));
/** a count */
const count = (v: number | string | undefined) => shown(v, (x) => fmt(x, 0));
/** seconds or watts: whole numbers as such, others with one decimal; "Infinity" as ∞ */
const plain = (v: number | string | undefined) =>
  shown(v, (x) => (!Number.isFinite(x) ? '∞' : Number.isInteger(x) ? String(x) : fmt(x, 1)));
/** m³ → cm³, one decimal (two below 1 cm³) */
const cm3 = (v: number | string | undefined) => shown(v, (x) => fmt(x * 1e6, x * 1e6 < 1 ? 2 : 1));
/** m → mm, one decimal */
const mm = (v: number | string | undefined) => shown(v, (x) => fmt(x * 1000, 1));
/** a fraction → %, one decimal (two below 10 %, as the Results tab shows the NPV ratio) */
const percent = (v: number | string | undefined) => shown(v, (x) => fmt(x * 100, x < 0.1 ? 2 : 1));
const structure = (v: number | string | undefined) => (typeof v === 'string' && v ? structureName(v) : undefined);

/** Per code: the message key and the display values of its placeholders. */
const WORDINGS: Record<string, { key: MessageKey; values: (p: Params) => Values }> = {
  boiling: { key: 'finding.boiling', values: (p) => ({ temperature: celsius(p.temperature) }) },
  'low-npv-ratio': { key: 'finding.low-npv-ratio', values: (p) => ({ npv: percent(p.npvRatio) }) },
  'no-reachable-target': { key: 'finding.no-reachable-target', values: () => ({}) },
  'beam-path-gas': { key: 'finding.beam-path-gas', values: (p) => ({ count: count(p.count) }) },
  'beam-path-bone': { key: 'finding.beam-path-bone', values: (p) => ({ count: count(p.count) }) },
  'beam-path-bowel': { key: 'finding.beam-path-bowel', values: (p) => ({ count: count(p.count) }) },
  'plan-summary': {
    key: 'finding.plan-summary',
    values: (p) => ({
      sonications: count(p.sonications),
      slices: count(p.slices),
      reachable: cm3(p.reachableVolume),
      target: cm3(p.targetVolume),
    }),
  },
  'cooling-capped': {
    key: 'finding.cooling-capped',
    values: (p) => ({ cooling: plain(p.cooling), structure: structure(p.structure), maxCooling: plain(p.maxCooling) }),
  },
  'probe-shot': {
    key: 'finding.probe-shot',
    values: (p) => ({
      power: plain(p.power),
      exposure: plain(p.exposure),
      temperature: celsius(p.temperature),
      width: mm(p.lesionWidth),
      length: mm(p.lesionLength),
      cooling: plain(p.cooling),
      structure: structure(p.structure),
    }),
  },
  'near-field-skipped': { key: 'finding.near-field-skipped', values: () => ({}) },
  'no-water-bath': { key: 'finding.no-water-bath', values: () => ({}) },
  'cooling-fitted': {
    key: 'finding.cooling-fitted',
    values: (p) => ({
      pauses: count(p.pauses),
      sonications: count(p.sonications),
      minutes: shown(p.addedCooling, (x) => fmt(x / 60, 1)),
      longest: plain(p.longest),
      limit: celsius(p.limit),
    }),
  },
  'near-field-single-shot': {
    key: 'finding.near-field-single-shot',
    values: (p) => ({ voxels: count(p.voxels), limit: celsius(p.limit) }),
  },
  'near-field-wait-capped': {
    key: 'finding.near-field-wait-capped',
    values: (p) => ({ pauses: count(p.pauses), maxAdded: plain(p.maxAdded) }),
  },
  'beam-reuse': {
    key: 'finding.beam-reuse',
    values: (p) => ({ computations: count(p.computations), sonications: count(p.sonications) }),
  },
  // points the planner dropped because the transducer cannot treat them (core reachable-plan.ts)
  'skipped-focus-too-deep': { key: 'finding.skipped-focus-too-deep', values: (p) => ({ count: count(p.count), reach: mm(p.reach) }) },
  'skipped-focus-too-shallow': { key: 'finding.skipped-focus-too-shallow', values: (p) => ({ count: count(p.count) }) },
  'skipped-axis-gas': {
    key: 'finding.skipped-axis-gas',
    values: (p) => ({ count: count(p.count), structure: structure(p.structure) }),
  },
  'skipped-axis-bone': {
    key: 'finding.skipped-axis-bone',
    values: (p) => ({ count: count(p.count), structure: structure(p.structure) }),
  },
  'skipped-axis-leaves-image': { key: 'finding.skipped-axis-leaves-image', values: (p) => ({ count: count(p.count) }) },
  'skipped-focus-in-skin': { key: 'finding.skipped-focus-in-skin', values: (p) => ({ count: count(p.count) }) },
  'skipped-focus-outside-body': { key: 'finding.skipped-focus-outside-body', values: (p) => ({ count: count(p.count) }) },
  'skipped-outside-window': {
    key: 'finding.skipped-outside-window',
    values: (p) => ({ count: count(p.count), windowRadius: mm(p.windowRadius) }),
  },
  'covered-by-deeper-lesion': {
    key: 'finding.covered-by-deeper-lesion',
    values: (p) => ({ count: count(p.count), lesionLength: mm(p.lesionLength) }),
  },
};

/** The per-structure findings (`<structure>-<kind>`, the structure in params). */
const STRUCTURE_WORDINGS: Record<string, { key: MessageKey; values: (p: Params) => Values }> = {
  ablated: {
    key: 'finding.structure-ablated',
    values: (p) => ({ structure: structure(p.structure), dose: cem43(p.dose), threshold: cem43(p.threshold) }),
  },
  dose: {
    key: 'finding.structure-dose',
    values: (p) => ({ structure: structure(p.structure), dose: cem43(p.dose), threshold: cem43(p.threshold) }),
  },
  temperature: {
    key: 'finding.structure-temperature',
    values: (p) => ({ structure: structure(p.structure), temperature: celsius(p.temperature), limit: celsius(p.limit) }),
  },
};

function wordingOf(f: Finding): { key: MessageKey; values: (p: Params) => Values } | null {
  const s = f.params?.structure;
  if (typeof s === 'string' && f.code.startsWith(`${s}-`)) {
    const w = STRUCTURE_WORDINGS[f.code.slice(s.length + 1)];
    if (w) return w;
  }
  return Object.hasOwn(WORDINGS, f.code) ? WORDINGS[f.code] : null;
}

/** The message key that words a finding, or null when the workstation has none for its code. */
export function findingKey(f: Finding): MessageKey | null {
  return wordingOf(f)?.key ?? null;
}

/** A finding in the current language, from its code and params; the core's English message when it cannot be. */
export function findingText(f: Finding): string {
  const w = wordingOf(f);
  if (!w) return f.message;
  const values = w.values(f.params ?? {});
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined) params[k] = v;
  const text = t(w.key, params);
  // a placeholder left open: the finding lacks a value its template needs
  return /\{\w+\}/.test(text) ? f.message : text;
}
