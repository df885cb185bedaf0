import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorkstation, launchBrowser, startServer } from './browser.js';
import { drawnFraction, shot } from './pixels.js';

const SCREENSHOTS = fileURLToPath(new URL('../../../../docs/screenshots/', import.meta.url));
/** The viewer's background colour (viewer.ts BACKGROUND, 0.04/0.05/0.06 of 255). */
const VIEWER_BACKGROUND: [number, number, number] = [10, 13, 15];

describe('workstation in headless Chromium', () => {
  let server: { url: string; process: ChildProcess };
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    buildWorkstation();
    server = await startServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    mkdirSync(SCREENSHOTS, { recursive: true });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (e) => errors.push(String(e)));
  });
  afterAll(async () => {
    await closeBrowser?.();
    server?.process.kill();
  });

  it('serves the page with its title, cross-origin isolation and no page errors', async () => {
    const response = await page.goto(server.url);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
    expect(await page.title()).toBe('OpenFUAS workstation');
    await page.locator('#app[data-ready="true"]').waitFor({ timeout: 20_000 });
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    expect(errors).toEqual([]);
  });

  it('shows the demo case within 3 s and the viewer draws non-blank slices', async () => {
    const ms = Number(await page.locator('#app').getAttribute('data-first-paint-ms'));
    expect(ms).toBeGreaterThan(0);
    console.log("first paint", await page.locator("#app").getAttribute("data-timings"));
    expect(ms).toBeLessThan(3000);
    await page.waitForTimeout(300);
    const png = await shot(page.getByTestId('viewer'));
    // three slice panels of a body phantom: well over a tenth of the canvas is image, not background
    const drawn = drawnFraction(png, VIEWER_BACKGROUND);
    expect(drawn).toBeGreaterThan(0.15);
    writeFileSync(`${SCREENSHOTS}case-view.png`, await shot(page));
    // the case tab lists the target structure with a volume
    expect(await page.getByTestId('case-structures').locator('tr[data-structure="fibroid"]').count()).toBe(1);
  });

  it('reports position, tissue and depth from skin under the crosshair', async () => {
    const box = (await page.getByTestId('viewer').boundingBox())!;
    // click in the middle of the first (top-left) slice panel
    await page.mouse.click(box.x + box.width * 0.25, box.y + box.height * 0.25);
    await page.waitForTimeout(100);
    expect(await page.getByTestId('status-position').textContent()).toMatch(/mm$/);
    expect(await page.getByTestId('status-tissue').textContent()).not.toBe('–');
  });

  it('switches the visible labels to Chinese and French at run time', async () => {
    const tab = page.getByTestId('tab-simulate');
    expect(await tab.textContent()).toBe('Simulate');
    await page.getByTestId('language').selectOption('zh');
    expect(await tab.textContent()).toBe('仿真');
    expect(await page.getByTestId('tab-case').textContent()).toBe('病例');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-Hans');
    writeFileSync(`${SCREENSHOTS}case-view-zh.png`, await shot(page));
    await page.getByTestId('language').selectOption('fr');
    expect(await tab.textContent()).toBe('Simuler');
    expect(await page.getByTestId('tab-results').textContent()).toBe('Résultats');
    await page.getByTestId('language').selectOption('en');
    expect(await tab.textContent()).toBe('Simulate');
  });
});
