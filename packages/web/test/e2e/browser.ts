// Shared set-up of the browser tests: build the workstation, serve it with `fuas serve` on a free port, and
// drive Debian's Chromium through playwright-core (flags from shared/reference/ecosystem-notes.md).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

const BUILD_WAIT_MS = 600_000;

/**
 * The run's shared build (vitest.global-setup.ts gives the folder): the first file to arrive takes the lock (an
 * atomic mkdir) and builds; the others wait for its `done` marker. Nothing writes into a served build, so one
 * folder serves every file. Undefined outside a test run or where no run folder is provided (then each caller builds its own).
 */
async function sharedBuild(): Promise<string | undefined> {
  let root: string | undefined;
  try {
    // vitest only inside a test run: the benchmarks (npm run bench) open the workstation through this file too
    root = (await import('vitest')).inject('e2eBuildRoot');
  } catch {
    return undefined;
  }
  if (!root) return undefined;
  const dist = join(root, 'dist');
  const done = join(root, 'done');
  const failed = join(root, 'failed');
  let builder = true;
  try {
    mkdirSync(join(root, 'lock'));
  } catch {
    builder = false;
  }
  if (builder) {
    try {
      execFileSync(
        process.execPath,
        [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error', '--outDir', dist, '--emptyOutDir'],
        { cwd: join(ROOT, 'packages/web'), stdio: 'inherit' },
      );
      writeFileSync(done, '');
    } catch (e) {
      writeFileSync(failed, String(e));
      throw e;
    }
    return dist;
  }
  const deadline = Date.now() + BUILD_WAIT_MS;
  while (!existsSync(done)) {
    if (existsSync(failed)) throw new Error(`the shared workstation build failed: ${readFileSync(failed, 'utf8')}`);
    if (Date.now() > deadline) throw new Error(`no shared workstation build after ${BUILD_WAIT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return dist;
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
  /** closes the browser, stops the server and removes the build if it was its own */
  close: () => Promise<void>;
}

/** Serves the run's workstation build (`serveArgs`: more `fuas serve` options) and opens a page (not yet navigated). */
export async function openWorkstation(serveArgs: string[] = []): Promise<OpenWorkstation> {
  const shared = await sharedBuild();
  const own = shared ? undefined : buildWorkstation();
  const dist = shared ?? (own as string);
  let server: { url: string; process: ChildProcess } | undefined;
  let browser: { close: () => Promise<void> } | undefined;
  const close = async () => {
    await browser?.close();
    server?.process.kill();
    removeBuild(own);
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
