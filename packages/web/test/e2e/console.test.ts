import { readFileSync } from 'node:fs';
import { decodeLog } from '@openfuas/core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenWorkstation, openWorkstation, planPoints } from './browser.js';

/**
 * The treatment console and the review (issue 13) in headless Chromium: the planned phantom's first three points
 * run under ultrasound guidance in a Web Worker, first in real time (the page counts the B-mode images it draws per
 * second: data-fps), then as fast as possible; the emergency stop key (Escape) ends the session terminated, with
 * the interlock and the output-off event in the log, which lives in the origin's storage (OPFS) and downloads as a
 * valid framed log; the review screen opens it and replays it through the core replay, identical.
 */
describe('treatment console and review in headless Chromium (issue 13)', () => {
  let ws: OpenWorkstation | undefined;
  let page: Page;
  let errors: string[];
  const text = async (testId: string) => (await page.getByTestId(testId).textContent()) ?? '';

  beforeAll(async () => {
    ws = await openWorkstation();
    ({ page, errors } = ws);
    await page.goto(ws.url);
    await page.locator('#app[data-ready="true"]').waitFor({ timeout: 90_000 });
    await planPoints(page);
  }, 240_000);
  afterAll(async () => {
    await ws?.close();
  });

  it('runs a few points, stops on the emergency-stop key, shows the terminated state and the log; the review replays it', async () => {
    await page.getByTestId('screen-treat').click();
    await page.getByTestId('treat-points').fill('3');
    await page.getByTestId('treat-modality').selectOption('us');
    await page.getByTestId('treat-prepare').click();
    await page.getByTestId('treat-start').waitFor({ timeout: 240_000 });
    expect(await page.getByTestId('treat-screen').getAttribute('data-phase')).toBe('ready');

    // real time: B-mode images drawn while the first point runs, counted over 5 s of wall time once the first
    // second of treatment (the first point's beam placed on the patient grid) is behind
    await page.getByTestId('treat-start').click();
    await page.waitForFunction(
      () => Number.parseFloat(document.querySelector('[data-testid="readout-time"]')?.textContent ?? '0') >= 1,
      null,
      {
        timeout: 60_000,
      },
    );
    const sample = () =>
      page.evaluate(() => ({
        wall: performance.now(),
        frames: Number(document.querySelector('[data-testid="console-image"]')?.getAttribute('data-frames')),
        time: Number.parseFloat(document.querySelector('[data-testid="readout-time"]')?.textContent ?? ''),
      }));
    // the page's main-thread busy time (Chrome's TaskDuration, s) over the same window: its work per image
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const busy = async () =>
      ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) as number;
    const b0 = await busy();
    const s0 = await sample();
    await page.waitForTimeout(5000);
    const s1 = await sample();
    const b1 = await busy();
    await cdp.detach();
    const readouts = page.getByTestId('treat-readouts');
    const workerMs = `${await readouts.getAttribute('data-step-ms')} ms step + ${await readouts.getAttribute('data-image-ms')} ms images`;
    const fps = ((s1.frames - s0.frames) * 1000) / (s1.wall - s0.wall);
    const rate = ((s1.time - s0.time) * 1000) / (s1.wall - s0.wall);
    console.log(
      `console e2e: ${fps.toFixed(1)} B-mode images/s at real time, ${rate.toFixed(2)} s of treatment per s of wall time; worker per tick: ${workerMs}; page main thread ${(((b1 - b0) * 1000) / Math.max(1, s1.frames - s0.frames)).toFixed(1)} ms busy per image`,
    );
    await page.getByTestId('console-image').evaluate((el, v) => el.setAttribute('data-measured-fps', v), fps.toFixed(1));
    // a freeze detector (the target ≥ 10/s is the benchmark's; in the suite this machine's 2 cores are shared)
    expect(fps).toBeGreaterThan(2);
    expect(rate).toBeGreaterThan(0.2);
    expect(rate).toBeLessThan(1.5);

    // as fast as possible until two points are delivered, then the patient's button (Escape)
    await page.getByTestId('treat-speed').selectOption('0');
    await page.waitForFunction(
      () => Number.parseInt(document.querySelector('[data-testid="readout-delivered"]')?.textContent ?? '0', 10) >= 2,
      null,
      {
        timeout: 180_000,
      },
    );
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="treat-state"][data-state="terminated"]').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('interlock-emergency-stop').getAttribute('data-level')).toBe('error');
    expect(await text('treat-stop-reason')).toContain('Emergency stop');
    const log = await text('treat-log');
    expect(log).toMatch(/interlock\s+emergency-stop error/);
    expect(log).toContain('output-off');
    expect(log).toMatch(/→ terminated \(emergencyStop\)/);
    // every control is off once terminated
    expect(await page.getByTestId('treat-estop').isDisabled()).toBe(true);

    // the outcome of what was delivered ends the log; then the log downloads as a valid framed file
    await page.getByTestId('treat-outcome').waitFor({ timeout: 180_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('treat-download').click()]);
    const bytes = new Uint8Array(readFileSync((await download.path()) as string));
    const decoded = decodeLog(bytes);
    expect(decoded.valid).toBe(true);
    expect(decoded.tornTail).toBe(false);
    const types = decoded.events.map((e) => e.type);
    expect(types.at(-1)).toBe('end');
    // two points had output (the second one cut short by the stop)
    expect(decoded.events.filter((e) => e.type === 'state' && e.action === 'start').length).toBeGreaterThanOrEqual(2);
    expect(Number(await page.getByTestId('treat-log').getAttribute('data-events'))).toBe(decoded.events.length);

    // the review: the log from the origin's storage, replayed through the core replay
    await page.getByTestId('screen-review').click();
    await page.getByTestId('review-open-stored').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('review-open-stored').first().getAttribute('data-name')).toBe(download.suggestedFilename());
    await page.getByTestId('review-open-stored').first().click();
    const opened = page.getByTestId('review-log');
    await opened.waitFor();
    expect(await opened.getAttribute('data-valid')).toBe('true');
    expect(Number(await opened.getAttribute('data-events'))).toBe(decoded.events.length);
    await page.getByTestId('review-replay').click();
    const result = page.getByTestId('review-result');
    await result.waitFor({ timeout: 300_000 });
    expect(await result.getAttribute('data-identical'), (await result.textContent()) ?? '').toBe('true');
    expect(await result.getAttribute('data-state')).toBe('terminated');
    const snapshots = Number(await page.getByTestId('review-scrubber').getAttribute('data-snapshots'));
    expect(snapshots).toBeGreaterThan(5);
    // scrub back to the start: the time shown follows
    await page.getByTestId('review-scrub').fill('0');
    expect(await page.getByTestId('review-scrubber').textContent()).toMatch(/Time [0-3]\.\d s/);
    expect(await page.getByTestId('review-gap').textContent()).toMatch(/true focal temperature \d+\.\d °C/);

    // MR guidance: thermometry maps (every 3 s) drawn with their contours, the measured curves growing; Space stops
    await page.getByTestId('screen-treat').click();
    await page.getByTestId('treat-points').fill('1');
    await page.getByTestId('treat-modality').selectOption('mr');
    await page.getByTestId('treat-prepare').click();
    await page.getByTestId('treat-start').waitFor({ timeout: 240_000 });
    // real time, so that the point is still being delivered when Space is pressed (at full speed a loaded machine
    // may finish it between the wait below and the key press)
    await page.getByTestId('treat-speed').selectOption('1');
    await page.getByTestId('treat-start').click();
    await page
      .locator('[data-testid="treat-plot-temperature"]:not([data-points="0"]):not([data-points="1"])')
      .waitFor({ timeout: 120_000 });
    expect(Number(await page.getByTestId('console-image').getAttribute('data-time'))).toBeGreaterThanOrEqual(3);
    await page.keyboard.press('Space');
    await page.locator('[data-testid="treat-state"][data-state="terminated"]').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('interlock-emergency-stop').getAttribute('data-level')).toBe('error');

    // the language selector sits in the navigation bar, on every screen: the console follows it
    await page.getByTestId('language').selectOption('zh');
    await expect.poll(() => text('treat-estop')).toContain('紧急停止');
    expect(await text('treat-state')).toContain('已终止');
    expect(await text('interlock-emergency-stop')).toContain('紧急停止');
    await page.getByTestId('language').selectOption('ar');
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    await expect.poll(() => text('screen-treat')).toBe('العلاج');
    await page.getByTestId('language').selectOption('en');
    await expect.poll(() => text('treat-estop')).toContain('EMERGENCY STOP');

    // a crash: the page reloads mid-treatment (the worker dies; the log in the origin's storage has no end), the
    // review offers to resume it, and the session goes on in the same log through 'recovered' to completion
    await page.getByTestId('treat-points').fill('2');
    await page.getByTestId('treat-modality').selectOption('us');
    await page.getByTestId('treat-prepare').click();
    await page.getByTestId('treat-start').waitFor({ timeout: 240_000 });
    // real time, so that the reload lands while the second point is still to come
    await page.getByTestId('treat-speed').selectOption('1');
    await page.getByTestId('treat-start').click();
    await page.waitForFunction(
      () => Number.parseInt(document.querySelector('[data-testid="readout-delivered"]')?.textContent ?? '0', 10) >= 1,
      null,
      { timeout: 180_000 },
    );
    await page.reload();
    await page.locator('#app[data-ready="true"]').waitFor({ timeout: 60_000 });
    await page.getByTestId('screen-review').click();
    await page.getByTestId('review-open-stored').first().click();
    await page.getByTestId('review-resume').click();
    await page.locator('[data-testid="treat-state"][data-state="recovered"]').waitFor({ timeout: 240_000 });
    await page.getByTestId('treat-speed').selectOption('0');
    await page.getByTestId('treat-start').click();
    await page.getByTestId('treat-outcome').waitFor({ timeout: 240_000 });
    expect(await page.getByTestId('treat-state').getAttribute('data-state')).toBe('completed');
    const [again] = await Promise.all([page.waitForEvent('download'), page.getByTestId('treat-download').click()]);
    const resumed = decodeLog(new Uint8Array(readFileSync((await again.path()) as string)));
    expect(resumed.valid).toBe(true);
    expect(resumed.events.filter((e) => e.type === 'crash').length).toBe(1);
    const end = resumed.events.at(-1) as { type: string; summary?: { delivered: { sonications: number } } };
    expect(end.type).toBe('end');
    // both points delivered, none twice: one complete sonication end per point
    expect(end.summary?.delivered.sonications).toBe(2);
    const ends = resumed.events.filter((e) => e.type === 'sonication-end' && e.complete === true).map((e) => e.point);
    expect(new Set(ends).size).toBe(ends.length);
    expect(errors).toEqual([]);
  }, 1_200_000);
});
