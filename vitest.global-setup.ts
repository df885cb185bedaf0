// One workstation build per test run, shared by the browser tests: each e2e file used to run its own `vite build`
// (8 builds, 10–25 s each on two cores). The folder is made here and removed at the end; the first e2e file that
// needs the build makes it (packages/web/test/e2e/browser.ts), so a run without browser tests builds nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** folder holding the run's shared workstation build (made on first use) */
    e2eBuildRoot: string;
  }
}

export default function setup(project: TestProject): () => void {
  const root = mkdtempSync(join(tmpdir(), 'openfuas-e2e-run-'));
  project.provide('e2eBuildRoot', root);
  return () => rmSync(root, { recursive: true, force: true });
}
