import { describe, expect, it } from 'vitest';
import { createGrid, parsePlan } from '../../src/index.js';
import type { SimulationOutcome } from '../../src/planning/outcome.js';
import { type TreatmentReportData, renderReportHtml } from '../../src/report/report-html.js';
import { REPORT_WORDS_EN } from '../../src/report/report-words.js';
import { renderSlice } from '../../src/report/slice-image.js';

describe('renderSlice orientation (as the workstation: radiological, anterior up; sagittal anterior right)', () => {
  // 6 × 8 × 5 RAS grid (+i towards patient right, +j anterior, +k superior); the image holds one coordinate
  const grid = createGrid([6, 8, 5], [1e-3, 1e-3, 1e-3]);
  const [nx, ny, nz] = grid.shape;
  const volume = (f: (i: number, j: number, k: number) => number) => {
    const out = new Float32Array(nx * ny * nz);
    for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) out[i + nx * (j + ny * k)] = f(i, j, k);
    return out;
  };
  const grey = (img: { width: number; rgba: Uint8Array }, x: number, y: number) => img.rgba[4 * (x + img.width * y)];

  it('sagittal: anterior (high j) on the right, superior (high k) at the top', () => {
    const a = renderSlice({ grid, image: volume((_, j) => j), plane: 'sagittal', index: 2, scale: 1 });
    expect(a.width).toBe(ny);
    expect(grey(a, a.width - 1, 2)).toBeGreaterThan(grey(a, 0, 2));
    const s = renderSlice({ grid, image: volume((_, __, k) => k), plane: 'sagittal', index: 2, scale: 1 });
    expect(grey(s, 3, 0)).toBeGreaterThan(grey(s, 3, s.height - 1));
  });

  it('axial and coronal: patient right (high i) on the left of the image, anterior / superior at the top', () => {
    for (const plane of ['axial', 'coronal'] as const) {
      const r = renderSlice({ grid, image: volume((i) => i), plane, index: 2, scale: 1 });
      expect(grey(r, 0, 1)).toBeGreaterThan(grey(r, r.width - 1, 1));
    }
    const a = renderSlice({ grid, image: volume((_, j) => j), plane: 'axial', index: 2, scale: 1 });
    expect(grey(a, 2, 0)).toBeGreaterThan(grey(a, 2, a.height - 1));
  });

  it('a grid whose j runs posterior still shows anterior on the right', () => {
    // j → −y: the affine's (1, 1) entry is negative
    const flipped = createGrid([6, 8, 5], [1e-3, 1e-3, 1e-3], [0, 0, 0], [1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    const img = renderSlice({ grid: flipped, image: volume((_, j) => j), plane: 'sagittal', index: 2, scale: 1 });
    // high j is posterior here: it goes to the left
    expect(grey(img, 0, 2)).toBeGreaterThan(grey(img, img.width - 1, 2));
  });
});

describe('renderReportHtml(data, words)', () => {
  const plan = parsePlan({
    format: 'openfuas-plan',
    version: 1,
    device: { preset: 'clinical-0.8mhz' },
    sonications: [{ focus: [0, 0, 0], power: 400, exposure: 3, cooling: 6, slice: 0 }],
  });
  const outcome: SimulationOutcome = {
    target: { volume: 1e-6 },
    ablatedTargetVolume: 5e-7,
    ablatedVolume: 6e-7,
    nonPerfusedVolume: 7e-7,
    nonPerfusedTargetVolume: 5e-7,
    npvRatio: 0.5,
    eef: 3,
    energy: 1200,
    sonicationTime: 3,
    treatmentTime: 9,
    sonications: 1,
    peakTemperature: 355,
    structures: {
      fibroid: { maxTemperature: 355, maxDose: 1e6, simulated: true },
      skin: { maxTemperature: 41.2, maxDose: 0.5, simulated: true },
      bone: { maxTemperature: 37, maxDose: 0, simulated: false },
    },
    findings: [
      { severity: 'warning', code: 'boiling', message: 'peak temperature 355 °C: boiling at the focus', params: { temperature: 355 } },
    ],
  };
  const data: TreatmentReportData = {
    caseName: 'phantom',
    generatedAt: '2026-01-01T00:00:00Z',
    version: '0.1.0',
    caseSummary: { shape: [4, 4, 4], spacing: [1e-3, 1e-3, 1e-3], structureVolumes: { fibroid: 1e-6, skin: 2e-6, bone: 3e-6 } },
    plan,
    outcome,
    timeline: { t: [0, 1, 2], focalTemperature: [37, 80, 60], energy: [0, 400, 800] },
    slices: [],
  };

  it('shows a structure outside the simulated domains as not computed and ≥ 100 °C as boiling, not as a number', () => {
    const html = renderReportHtml(data);
    expect(html).toMatch(/<td>bone<\/td><td>3<\/td><td>not computed<\/td><td>not computed<\/td>/);
    expect(html).toMatch(/<td>fibroid<\/td><td>1<\/td><td>100 °C \(boiling\)<\/td>/);
    expect(html).toMatch(/<td>skin<\/td><td>2<\/td><td>41.2<\/td>/);
    expect(html).toContain('Peak temperature</th><td>100 °C (boiling)</td>');
    expect(html).not.toContain('355 °C</td>');
  });

  it('is written in the words given: language, headings, structure names and findings', () => {
    const fr = {
      ...REPORT_WORDS_EN,
      lang: 'fr',
      heading: 'Rapport de traitement — {case}',
      npv: 'Ratio NPV (prédit)',
      notComputed: 'non calculé',
      structureName: (n: string) => (n === 'bone' ? 'Os (sacrum)' : n),
      findingText: () => 'Température maximale 355 °C : ébullition au foyer',
    };
    const html = renderReportHtml(data, fr);
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('<h1>Rapport de traitement — phantom</h1>');
    expect(html).toContain('Ratio NPV (prédit)</th><td>50 %');
    expect(html).toMatch(/<td>Os \(sacrum\)<\/td><td>3<\/td><td>non calculé<\/td>/);
    expect(html).toContain('Température maximale 355 °C : ébullition au foyer');
    expect(html).not.toContain('NPV ratio (predicted)');
  });

  it('reads right to left in Arabic (dir="rtl", cells aligned to the start of the line)', () => {
    const html = renderReportHtml(data, { ...REPORT_WORDS_EN, lang: 'ar', heading: 'تقرير العلاج — {case}' });
    expect(html).toContain('<html lang="ar" dir="rtl">');
    expect(html).toContain('<h1>تقرير العلاج — phantom</h1>');
    expect(html).toContain('text-align:start');
    expect(html).not.toContain('text-align:left');
    expect(renderReportHtml(data)).toContain('<html lang="en">');
  });
});
