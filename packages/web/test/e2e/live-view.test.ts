import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenWorkstation, openWorkstation, planPoints } from './browser.js';
import { countDoseRed, shot } from './pixels.js';

/**
 * Longest main-thread task allowed while the simulation runs (from the click to its result), ms: a freeze detector,
 * not the 100 ms target. Timing targets live in the benchmark (`npm run bench -- workstation` reports the
 * longest task during the whole demo plan); here a timed bound only has to fail when the page freezes, as it would
 * with the simulation on the main thread (one task as long as the run, several seconds). Live frames measured 50–96 ms
 * alone on the 2-core machine, ~300 ms in the full web suite and 651 ms once in CI, where two browser tests and their
 * simulations share the two cores; a bound near 100 ms is noise there.
 */
const LONG_TASK_BOUND_MS = 1500;
/**
 * Longest task allowed while the run's result is drawn (after the simulation), ms: measured 340–610 ms (850 with
 * the 3D view on), 1.9–3.1 s before this work. NiiVue re-renders every overlay volume (labels, maximum
 * temperature, dose) into its blended overlay texture there, one pass per volume in software WebGL.
 */
const RESULT_TASK_BOUND_MS = 2000;

declare global {
  interface Window {
    __longTasks: { start: number; duration: number }[];
  }
}

describe('live view of a running simulation in headless Chromium', () => {
  let ws: OpenWorkstation | undefined;
  let url: string;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ws = await openWorkstation();
    ({ url, page, errors } = ws);
    // every main-thread task over 50 ms, from the page's start (buffered)
    await page.addInitScript(() => {
      window.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
  });
  afterAll(async () => {
    await ws?.close();
  });

  it('draws live frames with the 240 CEM43 contour and keeps main-thread tasks short while the simulation runs', async () => {
    await page.goto(url);
    await page.locator('#app[data-ready="true"]').waitFor({ timeout: 30_000 });
    await planPoints(page);
    await page.getByTestId('tab-simulate').click();
    await page.getByTestId('sim-scope').selectOption('quick');
    await page.waitForTimeout(500);
    const viewer = page.getByTestId('viewer');
    const panel = page.getByTestId('panel-simulate');
    const redBefore = countDoseRed(await shot(viewer));

    const started = await page.evaluate(() => performance.now());
    await page.getByTestId('sim-run').click();
    // a live frame with voxels at lesion dose is on the slices (the page counts them per frame shown)
    await page.locator('[data-testid="panel-simulate"][data-live-dose]:not([data-live-dose="0"])').waitFor({ timeout: 90_000 });
    const liveShot = await shot(viewer);
    // still live after the shot (the run's own result had not replaced the live frame when it was taken)
    const stillLive = (await panel.getAttribute('data-running')) === 'true' && (await page.getByTestId('sim-live').textContent()) !== '';
    const doseVoxels = Number(await panel.getAttribute('data-live-dose'));
    await page.locator('[data-testid="panel-simulate"][data-running="false"]').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('sim-message').textContent()).toMatch(/^Finished in/);

    const timing = await page.evaluate(() => {
      const gl = document.createElement('canvas').getContext('webgl2');
      const info = gl?.getExtension('WEBGL_debug_renderer_info');
      return {
        result: performance.getEntriesByName('openfuas:simulation-result').at(-1)?.startTime ?? Number.NaN,
        tasks: window.__longTasks,
        renderer: gl && info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : 'unknown',
      };
    });
    // the task that delivers the result goes on to draw it: it counts with the result's
    const whileRunning = timing.tasks.filter((t) => t.start >= started && t.start + t.duration <= timing.result);
    const after = timing.tasks.filter((t) => t.start + t.duration > timing.result);
    const longest = Math.max(0, ...whileRunning.map((t) => t.duration));
    const longestAfter = Math.max(0, ...after.map((t) => t.duration));
    const redDuring = countDoseRed(liveShot);
    const fmt = (ts: { start: number; duration: number }[]) =>
      ts.map((t) => `${Math.round(t.start - started)}:${Math.round(t.duration)}`).join(' ');
    console.log(
      `live view (WebGL: ${timing.renderer}): ${await panel.getAttribute('data-live-frames')} frames, longest ${await panel.getAttribute('data-live-ms')} ms ` +
        `(script and paint); simulation ${Math.round(timing.result - started)} ms; shot ${stillLive ? 'while live' : 'after the run'} ` +
        `of a frame with ${doseVoxels} voxels at lesion dose: ${redDuring} contour-red pixels (${redBefore} before the run)\n` +
        `  long tasks during the simulation (start ms after the click: duration ms): ${fmt(whileRunning) || 'none'}; longest ${Math.round(longest)} ms\n` +
        `  long tasks while the result is drawn: ${fmt(after) || 'none'}; longest ${Math.round(longestAfter)} ms\n` +
        `  the issue's 100 ms during the simulation: ${longest < 100 ? 'met' : 'not met'}`,
    );
    // (a) the live frame drew the contour: red pixels on the canvas that were not there before the run
    expect(stillLive).toBe(true);
    expect(doseVoxels).toBeGreaterThan(0);
    expect(redDuring).toBeGreaterThan(20);
    expect(redBefore).toBeLessThan(redDuring / 5);
    // (b) main-thread long tasks while the simulation ran (buffered 'longtask' entries between the click and the result)
    expect(Number.isFinite(timing.result)).toBe(true);
    expect(longest).toBeLessThan(LONG_TASK_BOUND_MS);
    expect(longestAfter).toBeLessThan(RESULT_TASK_BOUND_MS);
    expect(errors).toEqual([]);
  });
});
