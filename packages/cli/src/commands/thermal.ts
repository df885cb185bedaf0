import {
  LIMITS,
  type ThermalMaterial,
  PROPERTY_RANGES,
  checkLimit,
  decodeNifti,
  provenance,
  requireRange,
  fieldSource,
  getTissue,
  homogeneousThermalMedium,
  simulateHeating,
  voxelCount,
} from '@openfuas/core';
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
import { readFileBytes } from '../io.js';
import { parseNumberOption } from '../options.js';
import { CliUsageError, runAction } from '../run-action.js';

interface ThermalFlags extends HeatingOutputFlags {
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
  // physical ranges: --conductivity 1e6 is a typing mistake (and a step count beyond any limit)
  const flag: Record<string, string> = {
    density: '--density',
    specificHeat: '--specific-heat',
    conductivity: '--conductivity',
    perfusion: '--perfusion',
  };
  for (const [key, name] of Object.entries(flag)) {
    const [lo, hi, unit] = PROPERTY_RANGES[key];
    requireRange(name, opts[key as keyof ThermalFlags], lo, hi, unit);
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
  const command = program
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
    );
  addHeatingOutputOptions(command).action(
    runAction(async (opts: ThermalFlags) => {
      const tissue = material(opts);
      await checkHeatingOutputs(opts);
      const bytes = await readFileBytes(opts.source);
      const volume = decodeNifti(bytes, opts.source);
      // memory before any allocation of the medium and the simulation (≈ 64 bytes a voxel)
      checkLimit(
        `${opts.source}: memory of a heating run (bytes)`,
        voxelCount(volume.grid) * 64,
        LIMITS.memoryBytes,
        'fewer or coarser voxels',
      );
      const from = provenance({ source: bytes, flags: JSON.stringify({ ...opts, out: undefined, doseOut: undefined, json: undefined }) });
      const source = fieldSource(volume.grid, volume.data, undefined, opts.source);
      const blood = {
        density: opts.bloodDensity ?? 1050,
        specificHeat: opts.bloodSpecificHeat ?? 3617,
      };
      const medium = homogeneousThermalMedium(volume.grid, tissue, { blood });
      const executor = heatingExecutor(opts.threads, voxelCount(volume.grid), POOL_MIN_VOXELS);
      try {
        const r = await simulateHeating(
          { medium, source, duration: opts.duration, cooling: opts.cooling },
          { dt: opts.dt, executor, limits: { work: opts.maxWork } },
        );
        await writeHeatingVolumes(volume.grid, r, opts, '', from);
        process.stdout.write(opts.json ? `${JSON.stringify({ ...heatingSummary(r), provenance: from })}\n` : heatingText(r));
      } finally {
        await executor.dispose();
      }
    }),
  );
}
