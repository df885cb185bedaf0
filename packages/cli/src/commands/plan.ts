import { type PlanConstraints, autoPlan } from '@openfuas/core';
import { type Command, InvalidArgumentError } from 'commander';
import { writeFileBytes } from '../io.js';
import { parseIntegerOption, parseNumberOption } from '../options.js';
import { ProgressBar } from '../progress-bar.js';
import { runAction } from '../run-action.js';
import { executorFor } from '../treatment-run.js';
import { readCaseFolder } from './case.js';

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
    if (v === undefined || v === '' || !Number.isFinite(mm) || mm < 0)
      throw new InvalidArgumentError(`margin ${k} must be a number of millimetres >= 0, got "${v}"`);
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
    .option('--exposure <s>', 'sonication time per point, s', parseNumberOption('--exposure', 'positive'), 3)
    .option('--max-power <W>', 'highest acoustic power the planner may use, W', parseNumberOption('--max-power', 'positive'), 400)
    .option('--pitch-factor <k>', 'point spacing / single-shot lesion width', parseNumberOption('--pitch-factor', 'positive'), 2.5)
    .option('--threads <n>', 'worker threads for the acoustics', parseIntegerOption('--threads', 1, 64), 1)
    .option('--no-fit-cooling', 'keep the heat-budget cooling (skip fitting each pause on a near-field simulation)')
    .option('--json', 'print the plan summary as JSON on stdout')
    .action(
      runAction(
        async (
          dir: string,
          opts: {
            out: string;
            margins?: Partial<PlanConstraints>;
            exposure: number;
            maxPower: number;
            pitchFactor: number;
            threads: number;
            fitCooling: boolean;
            json?: boolean;
          },
        ) => {
          const bar = new ProgressBar();
          const c = await readCaseFolder(dir);
          bar.note(
            `case ${c.name}: planning (probe sonication, slices, beam-path checks${opts.fitCooling ? ', cooling fitted on the near field' : ''})...`,
          );
          const executor = executorFor(opts.threads);
          try {
            const planned = await autoPlan(c, {
              constraints: opts.margins,
              exposure: opts.exposure,
              maxPower: opts.maxPower,
              pitchFactor: opts.pitchFactor,
              fitCooling: opts.fitCooling,
              executor,
            });
            const added = planned.addedCooling ? planned.addedCooling.reduce((a, b) => a + b, 0) : 0;
            await writeFileBytes(opts.out, `${JSON.stringify(planned.plan, null, 1)}\n`);
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
            };
            if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
            else {
              process.stdout.write(
                `wrote ${opts.out}: ${summary.sonications} sonications in ${summary.slices} slices, ${summary.power} W × ${summary.exposure} s, ` +
                  `cooling ${summary.cooling} s + ${(added / 60).toFixed(1)} min fitted on the near field; treatment ${(summary.treatmentTime / 60).toFixed(1)} min\n` +
                  planned.findings.map((f) => `  [${f.severity}] ${f.message}\n`).join(''),
              );
            }
          } finally {
            await executor.dispose();
          }
        },
      ),
    );
}
