import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { autoPlan, encodeCaseFiles, generatePhantom, provenance } from '@openfuas/core';
import type { Command } from 'commander';
import { checkOutputFolder, writeFolder } from '../io.js';
import { checkThreads } from '../heating-output.js';
import { parseIntegerOption, parseRangeOption } from '../options.js';
import { ProgressBar } from '../progress-bar.js';
import { runAction } from '../run-action.js';
import { parsePacing } from './plan.js';
import {
  RESULT_VOLUME_FILES,
  executorFor,
  outcomeJson,
  outcomeSummary,
  reportHtml,
  resultVolumeFiles,
  simulateWithProgress,
} from '../treatment-run.js';

/** ", + N min of fitted cooling (up to M s a pause)" when the planner lengthened pauses. */
function addedNote(added: Float64Array | undefined): string {
  if (!added) return '';
  let total = 0;
  let longest = 0;
  for (const a of added) {
    total += a;
    longest = Math.max(longest, a);
  }
  return total > 0 ? ` + ${(total / 60).toFixed(1)} min fitted on the near field (up to ${longest} s a pause)` : '';
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('the built-in case end to end: fibroid phantom → automatic plan → whole-treatment simulation → report')
    .option('--out <dir>', 'folder for the case, plan, volumes and report', 'openfuas-demo')
    .option('--json', 'print the outcome as JSON on stdout (as fuas simulate --json)')
    // both cores of a 2-core machine by default: the treatment's coarse level runs on the pool beside the fine window
    .option(
      '--threads <n>',
      'worker threads (default: 2, or 1 on a single core)',
      parseIntegerOption('--threads', 1, 64),
      Math.min(2, availableParallelism()),
    )
    .option('--no-near-field', 'skip the coarse near-field (skin, fat, muscle) simulation')
    .option(
      '--fibroid-diameter <mm>',
      'diameter of the phantom fibroid, mm (10–120; a smaller one is a quicker demo)',
      parseRangeOption('--fibroid-diameter', 10, 120, 'mm'),
      55,
    )
    .option(
      '--pacing <mode>',
      "'clinical': 400 W shots repeated until the greyscale change (default); 'sized': power for a focus below boiling",
      parsePacing,
      'clinical',
    )
    .option('--linear', 'plan and heat with the linear source only (default: the nonlinear one where the focal heating ratio exceeds 1.1)')
    .action(
      runAction(
        async (opts: {
          out: string;
          json?: boolean;
          threads: number;
          nearField: boolean;
          linear?: boolean;
          pacing: 'sized' | 'clinical';
          fibroidDiameter: number;
        }) => {
          checkThreads(opts.threads);
          // the folder is written whole at the end (case/, plan.json, volumes, report): check it can be, first
          const ours = new Set(['case', 'plan.json', 'report.html', ...RESULT_VOLUME_FILES]);
          await checkOutputFolder(opts.out, '--out', (n) => ours.has(n));
          const t0 = performance.now();
          const bar = new ProgressBar();
          bar.note(`phantom: ${opts.fibroidDiameter} mm anterior intramural fibroid, T2 type 2 (built-in case)`);
          const c = generatePhantom(opts.fibroidDiameter === 55 ? {} : { fibroids: [{ diameterMm: opts.fibroidDiameter }] });
          const files: Record<string, Uint8Array | string> = {};
          const caseFiles = encodeCaseFiles(c);
          for (const [name, bytes] of Object.entries(caseFiles)) files[`case/${name}`] = bytes;
          const caseSha256 = createHash('sha256').update(caseFiles['case.json']).digest('hex');
          const executor = executorFor(opts.threads);
          try {
            bar.note('planning: probe sonication, slices, points, beam-path checks, cooling fitted on the near field...');
            const tp = performance.now();
            const planned = await autoPlan(c, { executor, pacing: opts.pacing, ...(opts.linear ? { domains: { linear: true } } : {}) });
            const planSeconds = (performance.now() - tp) / 1000;
            const plan = { ...planned.plan, caseName: c.name, caseSha256 };
            const planJson = `${JSON.stringify(plan, null, 1)}\n`;
            files['plan.json'] = planJson;
            bar.note(
              `plan: ${plan.sonications.length} sonications, ${planned.shot.power} W × ${planned.shot.exposure} s, cooling ${planned.cooling.seconds} s${addedNote(planned.addedCooling)}`,
            );
            const result = await simulateWithProgress(c, plan, executor, bar, opts.nearField, planned, opts.linear === true);
            const from = provenance({
              'case.json': caseSha256,
              'plan.json': planJson,
              flags: JSON.stringify({ nearField: opts.nearField, ...(opts.linear ? { linear: true } : {}) }),
            });
            const volumeFiles = resultVolumeFiles(result, from);
            Object.assign(files, volumeFiles);
            files['report.html'] = reportHtml(c, plan, result);
            await writeFolder(opts.out, files);
            const volumes = Object.keys(volumeFiles).map((n) => join(opts.out, n));
            const report = join(opts.out, 'report.html');
            const outcome = {
              ...result.outcome,
              findings: [...planned.findings.filter((f) => f.severity !== 'info' || f.code === 'probe-shot'), ...result.outcome.findings],
            };
            const seconds = (performance.now() - t0) / 1000;
            if (opts.json) process.stdout.write(`${JSON.stringify({ ...outcomeJson(outcome), provenance: from })}\n`);
            else
              process.stdout.write(
                outcomeSummary(outcome, [
                  `Files: ${join(opts.out, 'case')}/, ${join(opts.out, 'plan.json')}, ${volumes.join(', ')}, ${report}`,
                  `Done in ${seconds.toFixed(1)} s (planning ${planSeconds.toFixed(1)} s with the acoustics and the near field of its cooling fit, treatment heating ${result.stats.treatmentSeconds.toFixed(1)} s)`,
                ]),
              );
          } finally {
            await executor.dispose();
          }
        },
      ),
    );
}
