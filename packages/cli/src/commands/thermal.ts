import { availableParallelism } from 'node:os';
import {
  type ParallelExecutor,
  SerialExecutor,
  type ThermalMaterial,
  decodeNifti,
  encodeNifti,
  fieldSource,
  getTissue,
  homogeneousThermalMedium,
  simulateHeating,
  voxelCount,
} from '@openfuas/core';
import type { Command } from 'commander';
import { readFileBytes, writeFileBytes } from '../io.js';
import { parseIntegerOption, parseNumberOption } from '../options.js';
import { WorkerPoolExecutor } from '../parallel/worker-pool.js';
import { CliUsageError, runAction } from '../run-action.js';

interface ThermalFlags {
  source: string;
  duration: number;
  cooling: number;
  dt?: number;
  tissue?: string;
  density?: number;
  specificHeat?: number;
  conductivity?: number;
  perfusion?: number;
  bloodDensity?: number;
  bloodSpecificHeat?: number;
  out?: string;
  doseOut?: string;
  json?: boolean;
  threads?: number;
}

/** Grids smaller than this run on the main thread (a pool's start-up would cost more than it saves). */
const POOL_MIN_VOXELS = 64 ** 3;

function material(opts: ThermalFlags): ThermalMaterial {
  const custom = [opts.density, opts.specificHeat, opts.conductivity, opts.perfusion];
  if (opts.tissue !== undefined) {
    if (custom.some((v) => v !== undefined)) throw new CliUsageError('give either --tissue or the four properties, not both');
    return getTissue(opts.tissue, '--tissue');
  }
  if (custom.some((v) => v === undefined)) {
    throw new CliUsageError('give --tissue NAME or all of --density, --specific-heat, --conductivity and --perfusion');
  }
  return {
    name: 'custom',
    density: opts.density!,
    specificHeat: opts.specificHeat!,
    conductivity: opts.conductivity!,
    perfusion: opts.perfusion!,
  };
}

export function register(program: Command): void {
  program
    .command('thermal')
    .description('Pennes bioheat: heat a tissue with a heat-source volume (W/m³, NIfTI) for a duration, then let it cool')
    .requiredOption('--source <file>', 'heat-source density Q in W/m³ (.nii or .nii.gz; voxel size from the header)')
    .requiredOption('--duration <s>', 'heating time, s', parseNumberOption('--duration', 'positive'))
    .option('--cooling <s>', 'cooling time after heating, s', parseNumberOption('--cooling', 'non-negative'), 0)
    .option(
      '--dt <s>',
      'time step, s (default: 0.9 × the stability limit; beyond the limit is an error)',
      parseNumberOption('--dt', 'positive'),
    )
    .option('--tissue <name>', 'built-in tissue (e.g. muscle, fibroid, liver)')
    .option('--density <kg_m3>', 'tissue density ρ, kg/m³', parseNumberOption('--density', 'positive'))
    .option('--specific-heat <J_kgK>', 'tissue specific heat C, J/kg/K', parseNumberOption('--specific-heat', 'positive'))
    .option('--conductivity <W_mK>', 'thermal conductivity k, W/m/K', parseNumberOption('--conductivity', 'positive'))
    .option(
      '--perfusion <per_s>',
      'volumetric blood flow w_b, 1/s (enters as ρ_b c_b w_b (T − 37))',
      parseNumberOption('--perfusion', 'non-negative'),
    )
    .option('--blood-density <kg_m3>', 'blood density ρ_b, kg/m³ (default 1050)', parseNumberOption('--blood-density', 'positive'))
    .option(
      '--blood-specific-heat <J_kgK>',
      'blood specific heat c_b, J/kg/K (default 3617)',
      parseNumberOption('--blood-specific-heat', 'positive'),
    )
    .option('--out <file>', 'write the final temperature (°C) as NIfTI (.nii or .nii.gz)')
    .option('--dose-out <file>', 'write the thermal dose (CEM43 minutes) as NIfTI')
    .option('--threads <n>', 'worker threads (default: all cores; 1 = main thread)', parseIntegerOption('--threads', 1, 256))
    .option('--json', 'print the result as JSON')
    .action(
      runAction(async (opts: ThermalFlags) => {
        const tissue = material(opts);
        const bytes = await readFileBytes(opts.source);
        const volume = decodeNifti(bytes, opts.source);
        const source = fieldSource(volume.grid, volume.data, undefined, opts.source);
        const blood = {
          density: opts.bloodDensity ?? 1050,
          specificHeat: opts.bloodSpecificHeat ?? 3617,
        };
        const medium = homogeneousThermalMedium(volume.grid, tissue, { blood });
        const threads = opts.threads ?? availableParallelism();
        const executor: ParallelExecutor =
          threads > 1 && voxelCount(volume.grid) >= POOL_MIN_VOXELS ? new WorkerPoolExecutor(threads) : new SerialExecutor();
        try {
          const r = await simulateHeating({ medium, source, duration: opts.duration, cooling: opts.cooling }, { dt: opts.dt, executor });
          if (opts.out) {
            await writeFileBytes(
              opts.out,
              encodeNifti({ grid: volume.grid, data: r.temperature }, { gzip: opts.out.endsWith('.gz'), description: 'temperature degC' }),
            );
          }
          if (opts.doseOut) {
            await writeFileBytes(
              opts.doseOut,
              encodeNifti({ grid: volume.grid, data: r.dose }, { gzip: opts.doseOut.endsWith('.gz'), description: 'CEM43 minutes' }),
            );
          }
          const summary = {
            peakTemperature: r.peakTemperature,
            maxDose: r.maxDose,
            lesionVolume: r.lesionVolume,
            timeline: r.timeline,
            lesion: r.lesion,
            boiling: r.boiling,
            dt: r.dt,
            stabilityLimit: r.stabilityLimit,
            steps: r.steps,
          };
          if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
          else {
            process.stdout.write(
              `peak temperature ${r.peakTemperature.toFixed(2)} °C, max dose ${r.maxDose.toPrecision(4)} CEM43 min, ` +
                `lesion ${(r.lesionVolume * 1e9).toFixed(2)} mm³ (length ${(r.lesion.length * 1e3).toFixed(2)} mm, width ${(r.lesion.width * 1e3).toFixed(2)} mm)` +
                `${r.boiling ? ', BOILING reached' : ''}\n` +
                `${r.steps} explicit steps of ≤ ${r.dt.toPrecision(3)} s (stability limit ${r.stabilityLimit.toPrecision(3)} s)\n`,
            );
          }
        } finally {
          await executor.dispose();
        }
      }),
    );
}
