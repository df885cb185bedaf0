import { LIMITS, checkLimit, expandShots, parsePlan, provenance } from '@openfuas/core';
import type { Command } from 'commander';
import { checkOutputFile, checkOutputFolder, parseJsonBytes, readFileBytes } from '../io.js';
import { checkThreads } from '../heating-output.js';
import { parseIntegerOption } from '../options.js';
import { ProgressBar } from '../progress-bar.js';
import { CliUsageError, runAction } from '../run-action.js';
import {
  RESULT_VOLUME_FILES,
  executorFor,
  outcomeJson,
  outcomeSummary,
  simulateWithProgress,
  writeReport,
  writeResultVolumes,
} from '../treatment-run.js';
import { readCaseFolderWithHash } from './case.js';

export function register(program: Command): void {
  program
    .command('simulate')
    .description('simulate a whole treatment plan on a case and predict its outcome (NPV ratio, EEF, energy, safety)')
    .argument('<case-dir>', 'case folder')
    .argument('<plan.json>', 'plan (format openfuas-plan v2; v1 is read too)')
    .option('--json', 'print the outcome as JSON on stdout (SI units)')
    .option('--report <file.html>', 'write a self-contained HTML report')
    .option('--out <dir>', 'write temperature-max and dose NIfTI volumes to this folder')
    .option('--threads <n>', 'worker threads', parseIntegerOption('--threads', 1, 64), 1)
    .option('--no-near-field', 'skip the coarse near-field (skin, fat, muscle) simulation')
    .option(
      '--linear',
      'heat with the linear source only (default: the nonlinear one, harmonics and shocks, where the focal heating ratio exceeds 1.1)',
    )
    .action(
      runAction(
        async (
          dir: string,
          planPath: string,
          opts: { json?: boolean; report?: string; out?: string; threads: number; nearField: boolean; linear?: boolean },
        ) => {
          checkThreads(opts.threads);
          if (opts.out) await checkOutputFolder(opts.out, '--out', (n) => RESULT_VOLUME_FILES.includes(n));
          if (opts.report) await checkOutputFile(opts.report, '--report');
          const { case: c, sha256: caseSha256 } = await readCaseFolderWithHash(dir);
          const planBytes = await readFileBytes(planPath);
          const plan = expandShots(parsePlan(parseJsonBytes(planBytes, planPath))); // v1 or v2, one sonication per shot
          // a plan is made for one case: its name and the hash of its case.json must match this folder's
          if (plan.caseName !== undefined && plan.caseName !== c.name) {
            throw new CliUsageError(`${planPath}: the plan is for case "${plan.caseName}", ${dir} holds case "${c.name}"`);
          }
          if (plan.caseSha256 !== undefined && plan.caseSha256 !== caseSha256) {
            throw new CliUsageError(
              `${planPath}: the plan was made on another version of case "${c.name}" (case.json SHA-256 ${plan.caseSha256.slice(0, 12)}…, ${dir} has ${caseSha256.slice(0, 12)}…); plan it again`,
            );
          }
          // the whole treatment's simulated time bounds the work (a pause of 10^5 s is a typo, not a plan)
          const seconds = plan.sonications.reduce((t, s) => t + s.exposure + s.cooling, 0);
          checkLimit(`${planPath}: treatment time (s)`, seconds, LIMITS.simulatedSeconds, 'sonications and pauses together');
          const from = provenance({
            'case.json': caseSha256,
            'plan.json': planBytes,
            flags: JSON.stringify({ nearField: opts.nearField, ...(opts.linear ? { linear: true } : {}) }),
          });
          const bar = new ProgressBar();
          const executor = executorFor(opts.threads);
          try {
            const result = await simulateWithProgress(c, plan, executor, bar, opts.nearField, {}, opts.linear === true);
            const written: string[] = [];
            if (opts.out) written.push(...(await writeResultVolumes(result, opts.out, from)));
            if (opts.report) {
              await writeReport(c, plan, result, opts.report);
              written.push(opts.report);
            }
            if (opts.json) process.stdout.write(`${JSON.stringify({ ...outcomeJson(result.outcome), provenance: from })}\n`);
            else
              process.stdout.write(
                outcomeSummary(
                  result.outcome,
                  written.map((w) => `wrote ${w}`),
                ),
              );
          } finally {
            await executor.dispose();
          }
        },
      ),
    );
}
