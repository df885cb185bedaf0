// What `fuas thermal` and `fuas heat` share: the output flags, the executor choice, the JSON summary, the text
// summary, and writing the temperature and dose volumes.
import { availableParallelism } from 'node:os';
import {
  type Grid3D,
  type HeatingResult,
  LIMITS,
  type ParallelExecutor,
  type Provenance,
  SerialExecutor,
  checkLimit,
  encodeNifti,
  provenanceTag,
} from '@openfuas/core';
import type { Command } from 'commander';
import { checkOutputFile, writeFileBytes } from './io.js';
import { parseIntegerOption, parseNumberOption } from './options.js';
import { WorkerPoolExecutor } from './parallel/worker-pool.js';
import { CliUsageError } from './run-action.js';

/** The flags of the heating commands' outputs (commander camel-cases them). */
export interface HeatingOutputFlags {
  out?: string;
  doseOut?: string;
  threads?: number;
  json?: boolean;
  maxWork?: number;
}

/** Checks --out and --dose-out before any computation (exit 2 on a bad path). */
export async function checkHeatingOutputs(flags: HeatingOutputFlags): Promise<void> {
  if (flags.out) await checkOutputFile(flags.out, '--out');
  if (flags.doseOut) await checkOutputFile(flags.doseOut, '--dose-out');
  if (flags.out && flags.doseOut && flags.out === flags.doseOut) throw new CliUsageError('--out and --dose-out name the same file');
}

/** Adds --out, --dose-out, --threads and --json to a heating command. */
export function addHeatingOutputOptions(command: Command): Command {
  return command
    .option('--out <file>', 'write the final temperature (°C) as NIfTI (.nii or .nii.gz)')
    .option('--dose-out <file>', 'write the thermal dose (CEM43 minutes) as NIfTI')
    .option('--threads <n>', 'worker threads (default: all cores; 1 = main thread)', parseIntegerOption('--threads', 1, LIMITS.threads))
    .option(
      '--max-work <n>',
      `voxel updates allowed (voxels × time steps; default ${LIMITS.heatingWork})`,
      parseNumberOption('--max-work', 'positive'),
    )
    .option('--json', 'print the result as JSON');
}

/**
 * A worker pool of `threads` (default: all cores) when that many are asked for and the work is at least
 * `minVoxels` voxels (a pool's start-up, ~80 ms, costs more than it saves on small grids); else the main thread.
 */
export function heatingExecutor(threads: number | undefined, voxels: number, minVoxels: number): ParallelExecutor {
  const n = threads ?? availableParallelism();
  checkThreads(n);
  return n > 1 && voxels >= minVoxels ? new WorkerPoolExecutor(n) : new SerialExecutor();
}

/**
 * Refuses more threads than twice the cores (at least 4): each worker holds its own heap, and 256 workers on
 * 2 cores used 7 GB for no speed.
 */
export function checkThreads(n: number): void {
  checkLimit('--threads', n, Math.max(4, 2 * availableParallelism()), `twice the ${availableParallelism()} cores of this machine`);
}

/** The JSON object of `fuas thermal --json` (issue 4's contract plus diagnostics); `fuas heat` adds to it. */
export function heatingSummary(r: HeatingResult): Record<string, unknown> {
  return {
    peakTemperature: r.peakTemperature,
    maxDose: r.maxDose,
    lesionVolume: r.lesionVolume,
    timeline: r.timeline,
    lesion: r.lesion,
    boiling: r.boiling,
    boilingOnset: r.boilingOnset,
    greyscale: r.greyscale,
    dt: r.dt,
    stabilityLimit: r.stabilityLimit,
    steps: r.steps,
  };
}

/** The human-readable summary (two lines, newline-terminated). */
export function heatingText(r: HeatingResult): string {
  return (
    `peak temperature ${r.peakTemperature.toFixed(2)} °C, max dose ${r.maxDose.toPrecision(4)} CEM43 min, ` +
    `lesion ${(r.lesionVolume * 1e9).toFixed(2)} mm³ (length ${(r.lesion.length * 1e3).toFixed(2)} mm, width ${(r.lesion.width * 1e3).toFixed(2)} mm)` +
    `${r.boilingOnset !== null ? `, boiling from ${r.boilingOnset.toFixed(3)} s` : ''}` +
    `${r.greyscale.onset !== null ? `, greyscale change from ${r.greyscale.onset.toFixed(3)} s (${(r.greyscale.volume * 1e9).toFixed(2)} mm³ at the end)` : ''}\n` +
    `${r.steps} explicit steps of ≤ ${r.dt.toPrecision(3)} s (stability limit ${r.stabilityLimit.toPrecision(3)} s)\n`
  );
}

/** Writes the final temperature (--out) and the dose (--dose-out) on `grid` as NIfTI, where asked. */
export async function writeHeatingVolumes(
  grid: Grid3D,
  r: HeatingResult,
  flags: HeatingOutputFlags,
  frame: string,
  from: Provenance,
): Promise<void> {
  // descrip holds the software version and the inputs' hash; intent_name the quantity
  const tag = provenanceTag(from);
  if (flags.out) {
    await writeFileBytes(
      flags.out,
      encodeNifti(
        { grid, data: r.temperature },
        { gzip: flags.out.endsWith('.gz'), description: `${tag} temperature degC${frame}`.slice(0, 79), intent: 'temperature' },
      ),
    );
  }
  if (flags.doseOut) {
    await writeFileBytes(
      flags.doseOut,
      encodeNifti(
        { grid, data: r.dose },
        { gzip: flags.doseOut.endsWith('.gz'), description: `${tag} CEM43 minutes${frame}`.slice(0, 79), intent: 'CEM43 min' },
      ),
    );
  }
}
