// Shared set-up of the browser tests: build the workstation, serve it with `fuas serve` on a free port, and
// drive Debian's Chromium through playwright-core (flags from shared/reference/ecosystem-notes.md).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page, chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * Builds packages/web (vite build) into a temporary folder of its own and returns it: test files run side by
 * side, and a rebuild into one shared dist would pull the chunks from under another file's page.
 */
export function buildWorkstation(): string {
  const dir = mkdtempSync(join(tmpdir(), 'openfuas-web-'));
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error', '--outDir', dir, '--emptyOutDir'],
    { cwd: join(ROOT, 'packages/web'), stdio: 'inherit' },
  );
  return dir;
}

/** Removes a folder made by buildWorkstation. */
export function removeBuild(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** Starts `fuas serve --port 0 --root DIR [args]` and resolves with its URL once it prints it. */
export function startServer(root: string, args: string[] = []): Promise<{ url: string; process: ChildProcess }> {
  const child = spawn(process.execPath, [join(ROOT, 'packages/cli/bin/fuas.js'), 'serve', '--port', '0', '--root', root, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(/http:\/\/\S+/);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[0], process: child });
      }
    });
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

/** Launches headless Chromium (playwright gives it a fresh temporary profile); returns it and a cleanup function. */
export async function launchBrowser(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
    },
  };
}

/**
 * Runs the auto planner from the Plan tab without fitting the pauses on the near field (tens of seconds under the
 * suite's load; the tests that call this need the plan's points, not its pauses), and waits for its summary.
 */
export async function planPoints(page: Page): Promise<void> {
  await page.getByTestId('tab-plan').click();
  await page.getByTestId('plan-fit-cooling').uncheck();
  await page.getByTestId('plan-run').click();
  await page.getByTestId('plan-summary').waitFor({ timeout: 90_000 });
}

/** The built workstation served and opened in a 1440 × 900 page, with the page's errors collected. */
export interface OpenWorkstation {
  url: string;
  page: Page;
  /** uncaught page errors, as text */
  errors: string[];
  /** closes the browser, stops the server and removes the build */
  close: () => Promise<void>;
}

/** Builds the workstation into its own folder, serves it (`serveArgs`: more `fuas serve` options) and opens a page (not yet navigated). */
export async function openWorkstation(serveArgs: string[] = []): Promise<OpenWorkstation> {
  const dist = buildWorkstation();
  let server: { url: string; process: ChildProcess } | undefined;
  let browser: { close: () => Promise<void> } | undefined;
  const close = async () => {
    await browser?.close();
    server?.process.kill();
    removeBuild(dist);
  };
  try {
    server = await startServer(dist, serveArgs);
    const launched = await launchBrowser();
    browser = launched;
    const page = await launched.browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    return { url: server.url, page, errors, close };
  } catch (e) {
    await close();
    throw e;
  }
}
