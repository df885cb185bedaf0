import { type PlanConstraints, autoPlan, provenance } from '@openfuas/core';
import { type Command, InvalidArgumentError } from 'commander';
import { checkOutputFile, writeFileBytes } from '../io.js';
import { checkThreads } from '../heating-output.js';
import { parseIntegerOption, parseRangeOption } from '../options.js';
import { ProgressBar } from '../progress-bar.js';
import { CliUsageError, runAction } from '../run-action.js';
import { executorFor } from '../treatment-run.js';
import { readCaseFolderWithHash } from './case.js';

const MARGIN_KEYS: Record<string, keyof PlanConstraints> = {
  serosa: 'serosaMargin',
  endometrium: 'endometriumMargin',
  bone: 'boneMargin',
  bowel: 'bowelMargin',
};

/** Parses --margins "serosa=10,endometrium=15,bone=15,bowel=10" (millimetres) into constraint fields (metres). */
export function parseMargins(value: string): Partial<PlanConstraints> {
  const out: Partial<Record<keyof PlanConstraints, number>> = {};
  for (const part of value.split(',')) {
    const [k, v] = part.split('=').map((s) => s.trim());
    const key = MARGIN_KEYS[k];
    const mm = Number(v);
    if (!key)
      throw new InvalidArgumentError(
        `unknown margin "${k}"; use ${Object.keys(MARGIN_KEYS).join(', ')} (mm), e.g. serosa=10,endometrium=15`,
      );
    if (v === undefined || v === '' || !Number.isFinite(mm) || mm < 0 || mm > 100)
      throw new InvalidArgumentError(`margin ${k} must be a number of millimetres in [0, 100], got "${v}"`);
    out[key] = mm / 1000;
  }
  return out as Partial<PlanConstraints>;
}

export function register(program: Command): void {
  program
    .command('plan')
    .description('plan a fibroid ablation on a case folder: slices, points, power, exposure and cooling from the physics')
    .argument('<case-dir>', 'case folder (case.json, image, labels), e.g. from `fuas case phantom`')
    .requiredOption('--out <plan.json>', 'where to write the plan (JSON, format openfuas-plan v1)')
    .option('--margins <list>', 'safety margins in mm: serosa=10,endometrium=15,bone=15,bowel=10', parseMargins)
    .option(
      '--pacing <mode>',
      "'clinical': 400 W shots repeated until the greyscale change (default); 'sized': power for a focus below boiling",
      parsePacing,
      'clinical',
    )
    .option(
      '--exposure <s>',
      'sonication time per shot, s (0.1–60; default 2 clinical, 3 sized)',
      parseRangeOption('--exposure', 0.1, 60, 's'),
    )
    .option('--max-power <W>', 'highest acoustic power the planner may use, W (1–2000)', parseRangeOption('--max-power', 1, 2000, 'W'), 400)
    .option(
      '--pitch-factor <k>',
      'point spacing / lesion width (0.5–10; default 1 clinical, 2.5 sized)',
      parseRangeOption('--pitch-factor', 0.5, 10),
    )
    .option('--threads <n>', 'worker threads for the acoustics', parseIntegerOption('--threads', 1, 64), 1)
    .option('--no-fit-cooling', 'keep the heat-budget cooling (skip fitting each pause on a near-field simulation)')
    .option('--json', 'print the plan summary as JSON on stdout')
    .option('--linear', 'plan with the linear heat source only (default: the nonlinear one where the focal heating ratio exceeds 1.1)')
    .action(
      runAction(
        async (
          dir: string,
          opts: {
            out: string;
            margins?: Partial<PlanConstraints>;
            pacing: 'sized' | 'clinical';
            exposure?: number;
            maxPower: number;
            pitchFactor?: number;
            threads: number;
            fitCooling: boolean;
            json?: boolean;
            linear?: boolean;
          },
        ) => {
          checkThreads(opts.threads);
          await checkOutputFile(opts.out, '--out');
          const bar = new ProgressBar();
          const { case: c, sha256: caseSha256 } = await readCaseFolderWithHash(dir);
          bar.note(
            `case ${c.name}: planning (probe sonication, slices, beam-path checks${opts.fitCooling ? ', cooling fitted on the near field' : ''})...`,
          );
          const executor = executorFor(opts.threads);
          try {
            const planned = await autoPlan(c, {
              constraints: opts.margins,
              pacing: opts.pacing,
              exposure: opts.exposure,
              maxPower: opts.maxPower,
              pitchFactor: opts.pitchFactor,
              fitCooling: opts.fitCooling,
              ...(opts.linear ? { domains: { linear: true } } : {}),
              executor,
            });
            const added = planned.addedCooling ? planned.addedCooling.reduce((a, b) => a + b, 0) : 0;
            const errors = planned.findings.filter((f) => f.severity === 'error');
            const empty = planned.plan.sonications.length === 0;
            // the plan names its case by name and by the hash of its case.json (checked by `fuas simulate`)
            const plan = { ...planned.plan, caseName: c.name, caseSha256 };
            if (!empty) await writeFileBytes(opts.out, `${JSON.stringify(plan, null, 1)}\n`);
            const summary = {
              plan: opts.out,
              sonications: planned.plan.sonications.length,
              slices: new Set(planned.plan.sonications.map((s) => s.slice)).size,
              power: planned.shot.power,
              exposure: planned.shot.exposure,
              cooling: planned.cooling.seconds,
              addedCooling: added,
              treatmentTime: planned.plan.sonications.reduce((t, s) => t + s.exposure + s.cooling, 0),
              lesion: { width: planned.shot.lesionWidth, length: planned.shot.lesionLength },
              reachableVolume: planned.reachableVolume,
              targetVolume: planned.targetVolume,
              skipped: planned.skipped.length,
              findings: planned.findings,
              provenance: provenance({ 'case.json': caseSha256, flags: JSON.stringify({ ...opts, json: undefined }) }),
            };
            if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
            else if (!empty) {
              process.stdout.write(
                `wrote ${opts.out}: ${summary.sonications} sonications in ${summary.slices} slices, ${summary.power} W × ${summary.exposure} s, ` +
                  `cooling ${summary.cooling} s + ${(added / 60).toFixed(1)} min fitted on the near field; treatment ${(summary.treatmentTime / 60).toFixed(1)} min\n` +
                  planned.findings.map((f) => `  [${f.severity}] ${f.message}\n`).join(''),
              );
            }
            // an empty plan, or one with errors, is not a result: exit 2 with one line saying why
            if (empty)
              throw new CliUsageError(`no sonication planned, ${opts.out} not written${errors[0] ? `: ${errors[0].message}` : ''}`);
            if (errors.length)
              throw new CliUsageError(
                `the plan has ${errors.length} error finding(s): ${errors[0].message} (written to ${opts.out} for review)`,
              );
          } finally {
            await executor.dispose();
          }
        },
      ),
    );
}

/** --pacing: 'sized' or 'clinical'. */
export function parsePacing(value: string): 'sized' | 'clinical' {
  if (value === 'sized' || value === 'clinical') return value;
  throw new InvalidArgumentError(`must be "sized" or "clinical", got "${value}"`);
}
