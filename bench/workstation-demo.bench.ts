// Issue 7's browser target: the whole demo plan simulated in the workstation (Web Workers, headless Chromium) within
// 1.5× of the Node time. This runs the page's auto-plan and "whole plan" simulation on the default phantom and the
// same plan through simulatePlan in Node (1 thread, as `fuas demo`), and reports both and their ratio, with the
// issue's responsiveness target: the longest main-thread task while the simulation runs (≤ 100 ms asked) and while
// its result is drawn, from the browser's 'longtask' entries (tasks over 50 ms).
import { autoPlan, generatePhantom, simulatePlan } from '../packages/core/src/index.ts';
import { openWorkstation } from '../packages/web/test/e2e/browser.ts';
import type { BenchFile, BenchResult } from '../scripts/bench-types.ts';

const bench: BenchFile = {
  name: 'workstation-demo',
  async run(): Promise<BenchResult[]> {
    const { url, page, close } = await openWorkstation();
    try {
      await page.addInitScript(() => {
        const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
        w.__longTasks = [];
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
        }).observe({ type: 'longtask', buffered: true });
      });
      await page.goto(url);
      await page.locator('#app[data-ready="true"]').waitFor({ timeout: 60_000 });
      await page.getByTestId('tab-plan').click();
      await page.getByTestId('plan-run').click();
      await page.getByTestId('plan-summary').waitFor({ timeout: 120_000 });
      const browserSonications = Number(((await page.getByTestId('plan-summary').textContent()) ?? '').match(/^(\d+) points/)?.[1]);
      await page.getByTestId('tab-simulate').click();
      await page.getByTestId('sim-scope').selectOption('all');
      const t0 = Date.now();
      const started = await page.evaluate(() => performance.now());
      await page.getByTestId('sim-run').click();
      await page.locator('[data-testid="panel-simulate"][data-running="true"]').waitFor({ timeout: 10_000 });
      await page.locator('[data-testid="panel-simulate"][data-running="false"]').waitFor({ timeout: 590_000 });
      const browserSeconds = (Date.now() - t0) / 1000;
      const message = (await page.getByTestId('sim-message').textContent()) ?? '';
      if (!/^Finished/.test(message)) throw new Error(`the browser simulation did not finish: ${message}`);
      const tasks = await page.evaluate(() => ({
        result: performance.getEntriesByName('openfuas:simulation-result').at(-1)?.startTime ?? Number.NaN,
        all: (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks,
      }));
      const running = tasks.all.filter((t) => t.start >= started && t.start + t.duration <= tasks.result);
      const drawing = tasks.all.filter((t) => t.start + t.duration > tasks.result);
      const c = generatePhantom();
      const planned = await autoPlan(c);
      const t1 = performance.now();
      await simulatePlan(c, planned.plan);
      const nodeSeconds = (performance.now() - t1) / 1000;
      return [
        {
          name: 'whole-plan-browser-vs-node',
          parameters: { case: c.name, browserThreads: 'navigator.hardwareConcurrency', nodeThreads: 1 },
          figures: {
            browserSeconds,
            browserSonications,
            nodeSeconds,
            nodeSonications: planned.plan.sonications.length,
            ratio: browserSeconds / nodeSeconds,
            longTasksWhileRunning: running.length,
            longestTaskWhileRunningMs: Math.max(0, ...running.map((t) => t.duration)),
            longestTaskDrawingResultMs: Math.max(0, ...drawing.map((t) => t.duration)),
          },
        },
      ];
    } finally {
      await close();
    }
  },
};
export default bench;
