import type { Finding } from '../planning/finding.js';

/**
 * The words of the HTML treatment report, so that a viewer can render it in its user's language (the workstation
 * passes its own translations; the CLI uses English). Templates hold `{name}` placeholders.
 */
export interface ReportWords {
  /** BCP 47 language of the page (html lang) */
  lang: string;
  /** {case} */
  title: string;
  /** {case} */
  heading: string;
  /** {version} {date} {device} */
  meta: string;
  customBowl: string;
  disclaimer: string;
  outcome: string;
  npv: string;
  targetVolume: string;
  ablatedTarget: string;
  ablatedAll: string;
  eef: string;
  energy: string;
  sonications: string;
  sonicationTime: string;
  treatmentTime: string;
  peak: string;
  findings: string;
  none: string;
  severityInfo: string;
  severityWarning: string;
  severityError: string;
  slices: string;
  slicesLegend: string;
  sliceAxial: string;
  sliceCoronal: string;
  sliceSagittal: string;
  curves: string;
  temperaturePlot: string;
  focalTemperature: string;
  nearFieldMax: string;
  energyPlot: string;
  time: string;
  case: string;
  grid: string;
  /** {shape} {spacing} */
  gridValue: string;
  depth: string;
  structure: string;
  volume: string;
  maxTemperature: string;
  maxDose: string;
  /** a structure outside every simulated domain (its 37 °C is assumed) */
  notComputed: string;
  /** a temperature at 100 °C or above: boiling tissue water (held there by its latent heat) */
  boiling: string;
  plan: string;
  /** {n} {serosa} {endo} {bone} {bowel} */
  planMeta: string;
  slice: string;
  focus: string;
  power: string;
  exposure: string;
  cooling: string;
  /** a structure's name as shown (default: as in the case) */
  structureName?: (name: string) => string;
  /** a finding's text (default: its English message) */
  findingText?: (f: Finding) => string;
}

export const REPORT_WORDS_EN: ReportWords = {
  lang: 'en',
  title: 'OpenFUAS treatment report — {case}',
  heading: 'Treatment report — {case}',
  meta: 'OpenFUAS {version} · generated {date} · device {device}',
  customBowl: 'custom bowl',
  disclaimer:
    'Predicted by simulation (acoustic field, Pennes bioheat, CEM43 thermal dose). Research and training use only: not a medical device, not for clinical decisions.',
  outcome: 'Predicted outcome',
  npv: 'NPV ratio (predicted)',
  targetVolume: 'Target volume',
  ablatedTarget: 'Ablated target volume (CEM43 ≥ 240)',
  ablatedAll: 'Ablated volume, all tissue',
  eef: 'Energy efficiency factor EEF',
  energy: 'Acoustic energy',
  sonications: 'Sonications',
  sonicationTime: 'Sonication time',
  treatmentTime: 'Treatment time',
  peak: 'Peak temperature',
  findings: 'Findings',
  none: 'none',
  severityInfo: 'info',
  severityWarning: 'warning',
  severityError: 'error',
  slices: 'Slices with the 240 CEM43 contour',
  slicesLegend: 'Red: 240 CEM43 (ablation); orange: 18 CEM43 (possible damage); yellow: target outline.',
  sliceAxial: 'Axial (transverse) slice',
  sliceCoronal: 'Coronal slice (perpendicular to the beam)',
  sliceSagittal: 'Sagittal slice (along the beam; anterior on the right, as in the workstation)',
  curves: 'Temperature and energy',
  temperaturePlot: 'Temperature',
  focalTemperature: 'focal temperature',
  nearFieldMax: 'near-field max',
  energyPlot: 'Cumulative acoustic energy',
  time: 'time (s)',
  case: 'Case',
  grid: 'Grid',
  gridValue: '{shape} voxels of {spacing} mm',
  depth: 'Target depth below skin',
  structure: 'structure',
  volume: 'volume (cm³)',
  maxTemperature: 'max temperature (°C)',
  maxDose: 'max dose (CEM43 min)',
  notComputed: 'not computed',
  boiling: '100 °C (boiling)',
  plan: 'Plan',
  planMeta: '{n} sonications; margins: serosa {serosa} mm, endometrium {endo} mm, bone {bone} mm, bowel {bowel} mm.',
  slice: 'slice',
  focus: 'focus RAS (mm)',
  power: 'power (W)',
  exposure: 'exposure (s)',
  cooling: 'cooling (s)',
};

/** A template with its `{name}` placeholders filled. */
export function fillWords(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (params[name] === undefined ? m : String(params[name])));
}
