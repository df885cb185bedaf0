import { parsePlan } from '@openfuas/core';
import type { Command } from 'commander';
import { readJsonFile } from '../io.js';
import { parseIntegerOption } from '../options.js';
import { ProgressBar } from '../progress-bar.js';
import { runAction } from '../run-action.js';
import { executorFor, outcomeJson, outcomeSummary, simulateWithProgress, writeReport, writeResultVolumes } from '../treatment-run.js';
import { readCaseFolder } from './case.js';

export function register(program: Command): void {
  program
    .command('simulate')
    .description('simulate a whole treatment plan on a case and predict its outcome (NPV ratio, EEF, energy, safety)')
    .argument('<case-dir>', 'case folder')
    .argument('<plan.json>', 'plan (format openfuas-plan v1)')
    .option('--json', 'print the outcome as JSON on stdout (SI units)')
    .option('--report <file.html>', 'write a self-contained HTML report')
    .option('--out <dir>', 'write temperature-max and dose NIfTI volumes to this folder')
    .option('--threads <n>', 'worker threads', parseIntegerOption('--threads', 1, 64), 1)
    .option('--no-near-field', 'skip the coarse near-field (skin, fat, muscle) simulation')
    .action(
      runAction(
        async (
          dir: string,
          planPath: string,
          opts: { json?: boolean; report?: string; out?: string; threads: number; nearField: boolean },
        ) => {
          const c = await readCaseFolder(dir);
          const plan = parsePlan(await readJsonFile(planPath));
          const bar = new ProgressBar();
          const executor = executorFor(opts.threads);
          try {
            const result = await simulateWithProgress(c, plan, executor, bar, opts.nearField);
            const written: string[] = [];
            if (opts.out) written.push(...(await writeResultVolumes(result, opts.out)));
            if (opts.report) {
              await writeReport(c, plan, result, opts.report);
              written.push(opts.report);
            }
            if (opts.json) process.stdout.write(`${JSON.stringify(outcomeJson(result.outcome))}\n`);
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
