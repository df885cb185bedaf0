import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenWorkstation, openWorkstation, planPoints } from './browser.js';
import { countColor, drawnFraction, shot } from './pixels.js';

const SCREENSHOTS = fileURLToPath(new URL('../../../../docs/screenshots/', import.meta.url));
/** Where the working screenshots of this test go (looked at while developing; not kept in the repository). */
const WORK = '/tmp/openfuas-plan-editing';
/** The side view's background (bowl-view.ts BACKGROUND) and the colours it draws the bowl and the focus in. */
const BOWL_BACKGROUND: [number, number, number] = [10, 12, 14];
const BOWL_COLOR: [number, number, number] = [214, 222, 230];
const FOCUS_COLOR: [number, number, number] = [60, 255, 120];
/** NiiVue's crosshair colour (viewer.ts crosshairColor 0.2, 0.9, 1). */
const CROSSHAIR: [number, number, number] = [51, 230, 255];

/** A point row of the table: its label, focus (mm) and settings as shown. */
async function rowOf(row: Locator) {
  const cells = await row.locator('td').allTextContents();
  return {
    label: (await row.getAttribute('data-label')) ?? '',
    focus: cells[1].split(',').map(Number),
    shot: cells[2],
  };
}

/** The crosshair's intersection in the top-left slice panel of a viewer screenshot (pixels of the PNG). */
function crosshairInTopLeft(png: Buffer): { x: number; y: number } {
  const img = PNG.sync.read(png);
  const near = (o: number) =>
    Math.abs(img.data[o] - CROSSHAIR[0]) < 40 &&
    Math.abs(img.data[o + 1] - CROSSHAIR[1]) < 40 &&
    Math.abs(img.data[o + 2] - CROSSHAIR[2]) < 40;
  const w = Math.floor(img.width / 2);
  const h = Math.floor(img.height / 2);
  const cols = new Array(w).fill(0);
  const rows = new Array(h).fill(0);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      if (near(4 * (x + img.width * y))) {
        cols[x]++;
        rows[y]++;
      }
  return { x: cols.indexOf(Math.max(...cols)), y: rows.indexOf(Math.max(...rows)) };
}

describe('plan editing and the transducer side view in headless Chromium', () => {
  let ws: OpenWorkstation | undefined;
  let url: string;
  let page: Page;
  let errors: string[];
  const points = () => page.locator('[data-testid="plan-points"] tbody tr[data-point]');
  const selectedLabel = async () => (await page.getByTestId('edit-point').textContent()) ?? '';
  /** Types a value into an input and commits it (Enter fires "change"). */
  const enter = async (testId: string, value: string) => {
    await page.getByTestId(testId).fill(value);
    await page.getByTestId(testId).press('Enter');
  };
  const total = async () => Number(((await page.getByTestId('plan-summary').textContent()) ?? '').match(/^(\d+) points/)?.[1]);

  beforeAll(async () => {
    ws = await openWorkstation();
    ({ url, page, errors } = ws);
    mkdirSync(SCREENSHOTS, { recursive: true });
    mkdirSync(WORK, { recursive: true });
    await page.goto(url);
    await page.locator('#app[data-ready="true"]').waitFor({ timeout: 30_000 });
    const t0 = Date.now();
    await planPoints(page);
    const t1 = Date.now();
    // the checks of every point and the margin region follow from the worker
    await page.locator('[data-testid="plan-body"][data-checked="true"]').waitFor({ timeout: 30_000 });
    console.log(`auto-plan: ${t1 - t0} ms; its checks ${Date.now() - t1} ms later`);
  });
  afterAll(async () => {
    await ws?.close();
  });

  it('offers the clinical protocol beside the sized one, each filling its own exposure and pitch', async () => {
    const pacing = page.getByTestId('plan-pacing');
    expect(await pacing.inputValue()).toBe('sized');
    await pacing.selectOption('clinical');
    expect([await page.getByTestId('plan-exposure').inputValue(), await page.getByTestId('plan-pitch').inputValue()]).toEqual(['2', '1']);
    await pacing.selectOption('sized');
    expect([await page.getByTestId('plan-exposure').inputValue(), await page.getByTestId('plan-pitch').inputValue()]).toEqual(['3', '2.5']);
  });

  it('selects a point from the table, and another by clicking its marker on the slices', async () => {
    await page.getByTestId('plan-slice').selectOption({ index: 1 });
    // two points of the first slice at the same depth (A coordinate), 2 lattice steps apart
    const rows = await Promise.all((await points().all()).map(rowOf));
    const a = rows.find((r, i) => rows.some((q, j) => j > i + 1 && q.focus[1] === r.focus[1]));
    const b = rows.find(
      (q) => a && q !== a && q.focus[1] === a.focus[1] && Math.hypot(q.focus[0] - a.focus[0], q.focus[2] - a.focus[2]) > 8,
    );
    expect(a && b, 'two points of slice 1 at one depth').toBeTruthy();
    if (!a || !b) return;
    await page.locator(`tr[data-label="${a.label}"]`).click();
    expect(await selectedLabel()).toContain(a.label);
    expect(await page.locator(`tr[data-label="${a.label}"]`).getAttribute('class')).toContain('selected');
    // the crosshair went to a: its position in the top-left (coronal) panel
    await page.waitForTimeout(400);
    const viewer = page.getByTestId('viewer');
    const at = crosshairInTopLeft(await shot(viewer));
    expect(await page.getByTestId('status-position').textContent()).toBe(`${a.focus.map((v) => v.toFixed(1)).join(', ')} mm`);
    await page.locator(`tr[data-label="${b.label}"]`).click();
    expect(await selectedLabel()).toContain(b.label);
    await page.waitForTimeout(400);
    // a click where a's marker is drawn (same depth: the coronal panel shows both) selects a again
    const box = (await viewer.boundingBox())!;
    const png = PNG.sync.read(await shot(viewer));
    await page.mouse.click(box.x + (at.x * box.width) / png.width, box.y + (at.y * box.height) / png.height);
    await page.waitForTimeout(300);
    expect(await selectedLabel()).toContain(a.label);
    writeFileSync(`${WORK}/selected.png`, await shot(page));
  });

  it('edits power within the device limits and shows why an impossible value is refused', async () => {
    const label = (await page.locator('tr.selected').getAttribute('data-label')) ?? '';
    const row = () => page.locator(`tr[data-label="${label}"]`);
    await enter('edit-power', '300');
    await expect.poll(async () => (await rowOf(row())).shot).toMatch(/^300 W/);
    expect(await page.getByTestId('edit-message').textContent()).toMatch(/^Power set to 300 W for 1 point/);
    // the device's range is shown next to the field; 900 W is outside it: refused, said next to the field
    expect(await page.getByTestId('edit-power').locator('xpath=..').textContent()).toContain('device 50–520 W');
    await enter('edit-power', '900');
    const error = page.getByTestId('edit-power-error');
    await error.waitFor({ state: 'visible' });
    expect(await error.textContent()).toBe('Power: 900 W is outside the device’s range 50–520 W; the plan is unchanged');
    expect(await page.getByTestId('edit-power').getAttribute('aria-invalid')).toBe('true');
    expect((await rowOf(row())).shot).toMatch(/^300 W/);
    // an empty field is not a number: no NaN anywhere
    await enter('edit-exposure', '');
    expect(await page.getByTestId('edit-exposure-error').textContent()).toBe('Exposure: enter a number');
    expect(await page.getByTestId('plan-points').textContent()).not.toContain('NaN');
    writeFileSync(`${WORK}/power-error.png`, await shot(page));
    // cooling for every point of the slice
    await page.getByTestId('edit-scope').selectOption('slice');
    await enter('edit-cooling', '12');
    const shots = await Promise.all((await points().all()).map(async (r) => (await rowOf(r)).shot));
    expect(shots.length).toBeGreaterThan(5);
    for (const s of shots) expect(s).toMatch(/· 12 s$/);
    await page.getByTestId('edit-scope').selectOption('point');
  });

  it('moves the point by nudges and typed coordinates, and flags it outside the margins', async () => {
    const label = (await page.locator('tr.selected').getAttribute('data-label')) ?? '';
    const row = () => page.locator(`tr[data-label="${label}"]`);
    const before = (await rowOf(row())).focus;
    await page.getByTestId('edit-step').selectOption('1');
    await page.getByTestId('edit-nudge-r+').click();
    await page.getByTestId('edit-nudge-r+').click();
    await expect.poll(async () => (await rowOf(row())).focus[0]).toBeCloseTo(before[0] + 2, 5);
    expect((await rowOf(row())).focus.slice(1)).toEqual(before.slice(1));
    expect(await row().textContent()).toContain('✎');
    // the crosshair follows the moved point
    await expect
      .poll(async () => page.getByTestId('status-position').textContent())
      .toBe(`${[before[0] + 2, before[1], before[2]].map((v) => v.toFixed(1)).join(', ')} mm`);
    // 40 mm superior: out of the target and the serosa margin; a warning row under the point, errors in the editor
    await enter('edit-focus-s', String(before[2] + 40));
    await expect.poll(async () => (await rowOf(row())).focus[2]).toBeCloseTo(before[2] + 40, 5);
    const warningRow = page.locator(`tr.warning-row[data-warning-for="${await row().getAttribute('data-point')}"]`);
    await warningRow.waitFor();
    expect(await warningRow.textContent()).toContain('Focus outside the target');
    expect(await page.getByTestId('edit-warnings').locator('li.error').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('plan-edit-summary').textContent()).toMatch(/^\d+ edited by hand · \d+ with warnings$/);
    writeFileSync(`${WORK}/outside-margins.png`, await shot(page));
    // a position outside the case image is refused
    await enter('edit-focus-a', '900');
    expect(await page.getByTestId('edit-focus-error').textContent()).toBe(
      'That position is outside the case image; the plan is unchanged.',
    );
    // back into the target: the warnings go
    await enter('edit-focus-s', String(before[2]));
    await expect.poll(async () => warningRow.count()).toBe(0);
    expect(await page.getByTestId('edit-warnings').textContent()).toMatch(/^No warning/);
  });

  it('deletes a point and adds one at the crosshair, in the selected slice', async () => {
    const n = await total();
    const rows = await points().all();
    const victim = await rowOf(rows[rows.length - 1]);
    const slice = Number(victim.label.match(/^S(\d+)-/)?.[1]);
    await page.locator(`tr[data-label="${victim.label}"]`).click();
    await page.getByTestId('edit-delete').click();
    await expect.poll(total).toBe(n - 1);
    expect(await page.locator(`tr[data-label="${victim.label}"]`).count()).toBe(0);
    // the crosshair stayed where the deleted point was: a new point there, in the same slice
    expect(await page.getByTestId('status-position').textContent()).toBe(`${victim.focus.map((v) => v.toFixed(1)).join(', ')} mm`);
    await page.getByTestId('edit-add').click();
    await expect.poll(total).toBe(n);
    const added = await rowOf(page.locator('tr.selected'));
    expect(added.label).toMatch(new RegExp(`^S${slice}-P\\d+$`));
    expect(added.label).not.toBe(victim.label);
    for (let a = 0; a < 3; a++) expect(Math.abs(added.focus[a] - victim.focus[a])).toBeLessThanOrEqual(0.11);
    expect(await selectedLabel()).toContain(`slice ${slice}`);
    expect(await page.getByTestId('edit-warnings').textContent()).toMatch(/^No warning/);
  });

  it('the plan download carries every edit', async () => {
    const table = await Promise.all((await page.locator('[data-testid="plan-points"] tbody tr[data-point]').all()).map(rowOf));
    await page.getByTestId('tab-results').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-plan').click()]);
    const plan = JSON.parse(readFileSync((await download.path()) as string, 'utf8'));
    await page.getByTestId('tab-plan').click();
    expect(plan.format).toBe('openfuas-plan');
    expect(plan.sonications).toHaveLength(await total());
    // every point shown in the table (the selected slice) is in the file as shown: focus to 0.05 mm, power
    const byLabel = new Map(plan.sonications.map((s: { label: string }) => [s.label, s]));
    for (const r of table) {
      const s = byLabel.get(r.label) as { focus: number[]; power: number; cooling: number };
      expect(s, r.label).toBeDefined();
      for (let a = 0; a < 3; a++) expect(Math.abs(s.focus[a] * 1000 - r.focus[a])).toBeLessThan(0.051);
      expect(r.shot.startsWith(`${s.power.toFixed(0)} W`)).toBe(true);
      expect(s.cooling).toBe(12);
    }
    expect(plan.sonications.filter((s: { power: number }) => s.power === 300)).toHaveLength(1);
  });

  it('draws the transducer side view: bowl, water bath, cone and focus, following the selection', async () => {
    const canvas = page.getByTestId('bowl-view');
    await canvas.scrollIntoViewIfNeeded();
    await page.locator('[data-testid="bowl-view"][data-margins="shown"]').waitFor({ timeout: 30_000 });
    const png = await shot(canvas);
    writeFileSync(`${WORK}/bowl-view.png`, png);
    const drawn = drawnFraction(png, BOWL_BACKGROUND);
    const bowl = countColor(png, BOWL_COLOR, 20);
    const focus = countColor(png, FOCUS_COLOR, 40);
    console.log(`side view: ${(drawn * 100).toFixed(0)} % drawn, ${bowl} bowl pixels, ${focus} focus pixels`);
    console.log(
      `checks of every planned point and the margin region: ${await page.getByTestId('plan-body').getAttribute('data-checks-ms')} ms (worker)`,
    );
    expect(drawn).toBeGreaterThan(0.5);
    expect(bowl).toBeGreaterThan(150);
    expect(focus).toBeGreaterThan(15);
    // the bowl's apex is the focus minus R (150 mm) along the beam (−y): 150 mm anterior of the focus
    const focusMm = ((await canvas.getAttribute('data-focus')) ?? '').split(',').map(Number);
    const apex = ((await canvas.getAttribute('data-bowl-apex-mm')) ?? '').split(',').map(Number);
    // (both rounded to 0.1 mm)
    expect(Math.abs(apex[0] - focusMm[0])).toBeLessThan(0.11);
    expect(Math.abs(apex[1] - (focusMm[1] + 150))).toBeLessThan(0.11);
    expect(Math.abs(apex[2] - focusMm[2])).toBeLessThan(0.11);
    // another point: the view follows it
    await points().first().click();
    const other = await rowOf(points().first());
    await expect.poll(async () => canvas.getAttribute('data-focus')).toBe(other.focus.map((v) => v.toFixed(1)).join(','));
    const moved = await shot(canvas);
    expect(moved.equals(png)).toBe(false);
    // the transverse plane draws too
    await page.getByTestId('bowl-plane').selectOption('transverse');
    expect(drawnFraction(await shot(canvas), BOWL_BACKGROUND)).toBeGreaterThan(0.5);
    await page.getByTestId('bowl-plane').selectOption('sagittal');
  });

  it('keeps the edits on screen in Chinese and French, and leaves no page errors', async () => {
    await page.getByTestId('language').selectOption('zh');
    expect(await page.getByTestId('point-editor').locator('h3').textContent()).toBe('编辑辐照点');
    await page.getByTestId('language').selectOption('fr');
    expect(await page.getByTestId('edit-add').textContent()).toBe('Ajouter un point au réticule');
    await page.getByTestId('language').selectOption('en');
    // the screenshot of the editing screen: a point of the lattice selected (the slices through it cut its
    // neighbours' markers), the editor and the side view in the panel
    await page.getByTestId('plan-slice').selectOption({ index: 3 });
    await points().nth(2).click();
    await page.getByTestId('point-editor').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.waitForTimeout(500);
    await page.waitForTimeout(300);
    writeFileSync(`${SCREENSHOTS}plan-editing.png`, await shot(page));
    expect(errors).toEqual([]);
  });
});
