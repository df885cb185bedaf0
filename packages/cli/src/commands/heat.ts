import { LIMITS, checkLimit, heatScenario, heatingGrid, parseScenario, parseSonication, provenance, voxelCount } from '@openfuas/core';
import type { Command } from 'commander';
import {
  type HeatingOutputFlags,
  addHeatingOutputOptions,
  checkHeatingOutputs,
  heatingExecutor,
  heatingSummary,
  heatingText,
  writeHeatingVolumes,
} from '../heating-output.js';
import { parseJsonBytes, readFileBytes } from '../io.js';
import { heatScenarioNonlinear } from '../nonlinear-heating.js';
import { parseIntegerOption } from '../options.js';
import { CliUsageError, runAction } from '../run-action.js';

/** Boxes smaller than this run on the main thread (a pool's start-up would cost more than it saves). */
const POOL_MIN_VOXELS = 32 ** 3;

/** JSON cannot hold NaN: unresolved widths/lengths print as null. */
const num = (v: number) => (Number.isFinite(v) ? v : null);

export function register(program: Command): void {
  const command = program
    .command('heat')
    .description(
      'one sonication from sound to lesion: the field of SCENARIO.json (as fuas field) on a box around the focus, ' +
        'its heat source, Pennes bioheat for sonication.duration then sonication.cooling s, dose and lesion',
    )
    .argument('<scenario>', 'SCENARIO.json: { transducer, medium, sonication: { duration (s), cooling (s) } }');
  addHeatingOutputOptions(command)
    .option('--nonlinear', 'heat with the finite-amplitude (nonlinear) heat source: harmonics and shocks (axisymmetric beam)')
    .option('--harmonics <n>', 'harmonics carried by --nonlinear (default 32)', parseIntegerOption('--harmonics', 1, 512))
    .option('--linear', 'linear heat source (the default; refuses --nonlinear)')
    .action(
      runAction(async (file: string, opts: HeatingOutputFlags & { nonlinear?: boolean; linear?: boolean; harmonics?: number }) => {
        if (opts.nonlinear && opts.linear) throw new CliUsageError('--nonlinear and --linear exclude each other');
        if (opts.harmonics !== undefined && !opts.nonlinear) throw new CliUsageError('--harmonics needs --nonlinear');
        await checkHeatingOutputs(opts);
        const bytes = await readFileBytes(file);
        const json = parseJsonBytes(bytes, file);
        const scenario = parseScenario(json);
        const sonication = parseSonication((json as Record<string, unknown>).sonication);
        const voxels = voxelCount(heatingGrid(scenario, sonication));
        checkLimit(`${file}: memory of the heating box (bytes)`, voxels * 64, LIMITS.memoryBytes, 'a shorter sonication or cooling');
        const from = provenance({ scenario: bytes });
        const executor = heatingExecutor(opts.threads, voxels, POOL_MIN_VOXELS);
        try {
          const r = opts.nonlinear
            ? await heatScenarioNonlinear(scenario, sonication, { executor, harmonics: opts.harmonics ?? 32 })
            : await heatScenario(scenario, sonication, { executor });
          await writeHeatingVolumes(r.grid, r, opts, ', transducer frame', from);
          if (opts.json) {
            const out = {
              ...heatingSummary(r),
              lesion: { ...r.lesion, centroidShift: r.centroidShift },
              focus: {
                position: r.focus.position,
                pressure: r.focus.pressure,
                intensity: r.focus.intensity,
                width6dB: num(r.focus.width6dB),
                length6dB: num(r.focus.length6dB),
              },
              absorbedPower: r.absorbedPower,
              grid: { shape: r.grid.shape, spacing: r.grid.spacing, origin: r.grid.origin },
              provenance: from,
            };
            process.stdout.write(`${JSON.stringify(out)}\n`);
          } else {
            const mm = (v: number) => (Number.isFinite(v) ? `${(v * 1000).toFixed(2)} mm` : 'n/a');
            process.stdout.write(
              `focus z = ${mm(r.focus.position[2])} (shift ${mm(r.focus.focalShift)}), p = ${(r.focus.pressure / 1e6).toFixed(3)} MPa, ` +
                `-6 dB width ${mm(r.focus.width6dB)}, length ${mm(r.focus.length6dB)}\n` +
                `box ${r.grid.shape.join('×')} at ${mm(r.grid.spacing[0])}, ${r.absorbedPower.toFixed(2)} W absorbed in it\n` +
                heatingText(r) +
                (opts.out ? `wrote ${opts.out}\n` : '') +
                (opts.doseOut ? `wrote ${opts.doseOut}\n` : ''),
            );
          }
        } finally {
          await executor.dispose();
        }
      }),
    );
}
