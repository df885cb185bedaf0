import type { ChildProcess } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorkstation, launchBrowser, startServer } from './browser.js';

describe('workstation in headless Chromium', () => {
  let server: { url: string; process: ChildProcess };
  let browser: Browser;
  let closeBrowser: () => Promise<void>;

  beforeAll(async () => {
    buildWorkstation();
    server = await startServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
  });
  afterAll(async () => {
    await closeBrowser?.();
    server?.process.kill();
  });

  it('serves the page with its title, the rendered app and cross-origin isolation', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const response = await page.goto(server.url);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
    expect(await page.title()).toBe('OpenFUAS workstation');
    await page.getByTestId('app-ready').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('version').textContent()).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    expect(await page.getByTestId('isolation').textContent()).toBe('available');
    expect(errors).toEqual([]);
    await page.close();
  });
});
