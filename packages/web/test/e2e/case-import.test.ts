import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DicomFile, decodeDicomSeries, encodeNifti } from '@openfuas/core';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenWorkstation, openWorkstation, planPoints } from './browser.js';
import { drawnFraction, shot } from './pixels.js';

// Issue 7 in the browser: a DICOM series opened from a folder or a drop (decoded in the case worker), with its label
// map; errors that name the file and keep the current case; the Results tab's findings in Chinese and French.

const SCREENSHOTS = fileURLToPath(new URL('../../../../docs/screenshots/', import.meta.url));
/** The pydicom-written series of the core's DICOM reader tests (packages/core/test/case/fixtures/make-dicom-fixtures.py). */
const DICOM = fileURLToPath(new URL('../../../core/test/case/fixtures/dicom/', import.meta.url));
const VIEWER_BACKGROUND: [number, number, number] = [10, 13, 15];

/** Fraction of pixels that differ by more than 24 in some channel between two screenshots of one element. */
function changedFraction(a: Buffer, b: Buffer): number {
  const pa = PNG.sync.read(a);
  const pb = PNG.sync.read(b);
  expect([pb.width, pb.height]).toEqual([pa.width, pa.height]);
  let changed = 0;
  for (let o = 0; o < pa.data.length; o += 4) {
    if (
      Math.max(Math.abs(pa.data[o] - pb.data[o]), Math.abs(pa.data[o + 1] - pb.data[o + 1]), Math.abs(pa.data[o + 2] - pb.data[o + 2])) > 24
    )
      changed++;
  }
  return changed / (pa.width * pa.height);
}

const seriesFiles = (name: string) => readdirSync(join(DICOM, name)).sort();
const readSeries = (name: string): DicomFile[] =>
  seriesFiles(name).map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(DICOM, name, f))) }));

/** A label map on a series' grid: uterus (5) around a fibroid (7), 0 (unsegmented) elsewhere. */
function labelMapFor(series: string): Uint8Array {
  const v = decodeDicomSeries(readSeries(series));
  const [nx, ny, nz] = v.grid.shape;
  const labels = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) for (let i = 1; i < nx - 1; i++) labels[i + nx * (j + ny * k)] = i >= 2 && i <= 3 && j >= 1 ? 7 : 5;
  return encodeNifti({ grid: v.grid, data: labels }, { gzip: true });
}

/** Folders as a user would pick them (under a temporary directory). */
function makeFolders(root: string): Record<string, string> {
  const folder = (name: string, files: Record<string, string | Uint8Array>) => {
    const dir = join(root, name);
    for (const [rel, content] of Object.entries(files)) {
      mkdirSync(join(dir, rel, '..'), { recursive: true });
      if (typeof content === 'string') copyFileSync(content, join(dir, rel));
      else writeFileSync(join(dir, rel), content);
    }
    return dir;
  };
  const series = (name: string, prefix = '') => Object.fromEntries(seriesFiles(name).map((f) => [`${prefix}${f}`, join(DICOM, name, f)]));
  return {
    imageOnly: folder('mr-image-only', series('mr-oblique')),
    withLabels: folder('pelvis-mr', {
      ...series('mr-oblique'),
      'labels.nii.gz': labelMapFor('mr-oblique'),
      'map.json': new TextEncoder().encode('{"5": "uterus", "7": "fibroid"}'),
      '.DS_Store': new Uint8Array([0, 0, 0, 1]),
    }),
    notDicom: folder('mr-with-notes', { ...series('mr-oblique'), 'notes.txt': new TextEncoder().encode('scan notes, not an image') }),
    compressed: folder('jpeg-series', series('compressed')),
    mixed: folder('study', { ...series('mr-oblique', 'mr/'), ...series('ct-implicit', 'ct/') }),
  };
}

describe('DICOM import and translated findings in headless Chromium', () => {
  let ws: OpenWorkstation | undefined;
  let url: string;
  let page: Page;
  let tmp: string;
  let folders: Record<string, string>;
  let errors: string[];

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'openfuas-dicom-'));
    folders = makeFolders(tmp);
    ws = await openWorkstation();
    ({ url, page, errors } = ws);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.goto(url);
    await page.locator('#app[data-ready="true"]').waitFor({ timeout: 30_000 });
  });
  afterAll(async () => {
    await ws?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('shows the Results findings in Chinese and French from their codes, re-worded on a language change', async () => {
    await planPoints(page);
    await page.getByTestId('tab-simulate').click();
    await page.getByTestId('sim-scope').selectOption('quick');
    await page.getByTestId('sim-run').click();
    await page.locator('[data-testid="panel-results"][data-done="true"]').waitFor({ state: 'attached', timeout: 120_000 });
    await page.getByTestId('tab-results').click();
    const items = page.getByTestId('result-findings').locator('li');
    const texts = async () => (await items.allTextContents()).map((s) => s.trim());
    const codes = await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
    const english = await texts();
    console.log(`findings of a quick simulation: ${codes.join(', ')}`);
    expect(codes.length).toBeGreaterThan(0);
    await page.getByTestId('language').selectOption('zh');
    const chinese = await texts();
    for (const [i, text] of chinese.entries()) {
      // severity and message, both translated; no placeholder left and no English sentence
      expect(text, codes[i] ?? '').toMatch(/^(信息|警告|错误)/);
      expect(text.slice(2), codes[i] ?? '').toMatch(/[\u4e00-\u9fff]/);
      expect(text, codes[i] ?? '').not.toMatch(/\{\w*\}|undefined|NaN| the | of /);
    }
    // the panel scrolls: a window tall enough to show it whole, findings included
    await page.setViewportSize({ width: 1440, height: 1500 });
    await page.waitForTimeout(200);
    writeFileSync(`${SCREENSHOTS}results-zh.png`, await shot(page.getByTestId('panel-results')));
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByTestId('language').selectOption('fr');
    const french = await texts();
    for (const [i, text] of french.entries()) {
      expect(text).not.toBe(chinese[i]);
      expect(text).not.toBe(english[i]);
      expect(text).not.toMatch(/\{\w*\}/);
    }
    await page.getByTestId('language').selectOption('en');
    expect(await texts()).toEqual(english);
    expect(errors).toEqual([]);
  }, 240_000);

  it('opens a DICOM folder without a label map: the image shows, the Case tab says planning needs one and how', async () => {
    await page.getByTestId('tab-case').click();
    await page.getByTestId('dicom-section').locator('summary').click();
    await page.waitForTimeout(200);
    const before = await shot(page.getByTestId('viewer'));
    await page.getByTestId('dicom-folder').setInputFiles(folders.imageOnly);
    expect(await page.getByTestId('dicom-selection').textContent()).toBe('5 DICOM files · label map: none · label names: none');
    const t0 = Date.now();
    await page.getByTestId('dicom-open').click();
    await page.locator('[data-testid="case-name"]', { hasText: 'mr-image-only' }).waitFor({ timeout: 10_000 });
    console.log(`DICOM folder (5 slices) opened in ${Date.now() - t0} ms`);
    expect(await page.getByTestId('case-grid').textContent()).toBe('6 × 4 × 5');
    expect(await page.getByTestId('case-source').textContent()).toMatch(
      /^DICOM MR OpenFUAS synthetic MR, 5 slices, Explicit VR Little Endian/,
    );
    const needs = (await page.getByTestId('case-needs-labels').textContent()) ?? '';
    expect(needs).toMatch(/planning needs a label map/);
    expect(needs).toMatch(/NIfTI \(\.nii or \.nii\.gz\)/);
    expect(await page.getByTestId('status-message').textContent()).toBe(
      'Loaded mr-image-only: image only; planning needs a label map (Case tab)',
    );
    expect(await page.getByTestId('case-error').isHidden()).toBe(true);
    await page.waitForTimeout(500);
    const after = await shot(page.getByTestId('viewer'));
    const changed = changedFraction(before, after);
    console.log(`viewer: ${(changed * 100).toFixed(1)} % of pixels changed from the phantom to the DICOM series`);
    expect(changed).toBeGreaterThan(0.05);
    expect(drawnFraction(after, VIEWER_BACKGROUND)).toBeGreaterThan(0.05);
    writeFileSync(`${SCREENSHOTS}case-dicom.png`, await shot(page));
    // planning refuses a case without labels
    await page.getByTestId('language').selectOption('zh');
    expect(await page.getByTestId('case-needs-labels').textContent()).toMatch(/制定计划需要标签图/);
    await page.getByTestId('language').selectOption('en');
  });

  it('opens a folder holding the series, its label map and label names as a case with structures', async () => {
    await page.getByTestId('dicom-folder').setInputFiles(folders.withLabels);
    expect(await page.getByTestId('dicom-selection').textContent()).toBe(
      '5 DICOM files · label map: pelvis-mr/labels.nii.gz · label names: pelvis-mr/map.json',
    );
    await page.getByTestId('dicom-open').click();
    await page.locator('[data-testid="case-name"]', { hasText: 'pelvis-mr' }).waitFor({ timeout: 10_000 });
    const rows = page.getByTestId('case-structures').locator('tr[data-structure]');
    expect(await rows.evaluateAll((r) => r.map((e) => e.getAttribute('data-structure')).sort())).toEqual(
      expect.arrayContaining(['fibroid', 'uterus']),
    );
    expect(await page.getByTestId('case-needs-labels').count()).toBe(0);
    expect(await page.getByTestId('status-message').textContent()).toBe('Loaded pelvis-mr');
  });

  it('names the file and the problem for bad input, keeping the current case and a usable page', async () => {
    const viewerBefore = await shot(page.getByTestId('viewer'));
    const attempt = async (folder: string) => {
      await page.getByTestId('dicom-folder').setInputFiles(folder);
      await page.getByTestId('dicom-open').click();
      await page.getByTestId('case-error').waitFor({ state: 'visible', timeout: 10_000 });
      await page.locator('[data-testid="dicom-form"]:not([data-loading])').waitFor();
      return (await page.getByTestId('case-error').textContent()) ?? '';
    };
    const notDicom = await attempt(folders.notDicom);
    expect(notDicom).toMatch(/^Could not load the case: mr-with-notes\/notes\.txt: not a readable DICOM file/);
    const jpeg = await attempt(folders.compressed);
    expect(jpeg).toMatch(/jpeg-series\/jpeg\.dcm: pixel data use JPEG Baseline .* does not decode; convert the series/);
    const mixed = await attempt(folders.mixed);
    expect(mixed).toMatch(/the files hold 2 series; open a folder with one series: /);
    expect(mixed).toMatch(/“MR OpenFUAS synthetic MR” × 5 \(study\/mr\/a01\.dcm, study\/mr\/b00\.dcm, …\)/);
    expect(mixed).toMatch(/“CT OpenFUAS synthetic CT” × 3 \(study\/ct\/IM0000/);
    // the workstation's own message follows the language
    await page.getByTestId('language').selectOption('zh');
    expect(await page.getByTestId('case-error').textContent()).toMatch(/^无法加载病例：这些文件包含 2 个序列/);
    await page.getByTestId('language').selectOption('en');
    // the case loaded before is still the case: name, structures, image
    expect(await page.getByTestId('case-name').textContent()).toBe('pelvis-mr');
    expect(await page.getByTestId('case-structures').locator('tr[data-structure="fibroid"]').count()).toBe(1);
    expect(changedFraction(viewerBefore, await shot(page.getByTestId('viewer')))).toBeLessThan(0.01);
    // and the page answers: tabs, the phantom form
    await page.getByTestId('tab-plan').click();
    expect(await page.getByTestId('panel-plan').isVisible()).toBe(true);
    await page.getByTestId('tab-case').click();
    expect(await page.getByTestId('phantom-generate').isEnabled()).toBe(true);
    expect(errors).toEqual([]);
  });

  it('opens files dropped on the drop zone (series, label map, names) and reports a corrupt dropped file', async () => {
    const file = (name: string, bytes: Uint8Array | Buffer) => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
    const ct = seriesFiles('ct-implicit').map((f) => file(f, readFileSync(join(DICOM, 'ct-implicit', f))));
    const drop = page.getByTestId('dicom-drop');
    await drop.drop({
      files: [
        ...ct,
        file('ct-labels.nii.gz', labelMapFor('ct-implicit')),
        file('names.json', Buffer.from('{"5": "uterus", "7": "fibroid"}')),
      ],
    });
    await page.locator('[data-testid="case-name"]', { hasText: 'IM0000' }).waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('case-grid').textContent()).toBe('5 × 3 × 3');
    expect(await page.getByTestId('case-structures').locator('tr[data-structure="fibroid"]').count()).toBe(1);
    expect(await page.getByTestId('case-error').isHidden()).toBe(true);
    // a file cut short: the reader names it; the dropped case stays
    const cut = readFileSync(join(DICOM, 'ct-implicit', 'IM0001')).subarray(0, 300);
    await drop.drop({ files: [ct[0], file('IM0001', cut), ct[2]] });
    await page.getByTestId('case-error').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.getByTestId('case-error').textContent()).toMatch(/^Could not load the case: IM0001: /);
    expect(await page.getByTestId('case-name').textContent()).toBe('IM0000');
    expect(errors).toEqual([]);
  });
});
