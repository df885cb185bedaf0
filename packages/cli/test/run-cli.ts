// Runs the real `fuas` binary as a user would, for CLI contract tests.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const FUAS_BIN = fileURLToPath(new URL('../bin/fuas.js', import.meta.url));

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `fuas ...args` synchronously (timeout in ms) and returns exit code and output. */
export function runFuas(args: string[], options: { cwd?: string; timeout?: number; input?: string } = {}): CliRun {
  const r = spawnSync(process.execPath, [FUAS_BIN, ...args], {
    cwd: options.cwd,
    timeout: options.timeout ?? 60_000,
    input: options.input,
    encoding: 'utf8',
    // the tests check the sources, not a dist/ that may be older
    env: { ...process.env, OPENFUAS_SOURCE: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
