// What `fuas thermal` and `fuas heat` share: the output flags, the executor choice, the JSON summary, the text
// summary, and writing the temperature and dose volumes.
import { availableParallelism } from 'node:os';
import { type Grid3D, type HeatingResult, type ParallelExecutor, SerialExecutor, encodeNifti } from '@openfuas/core';
import type { Command } from 'commander';
import { writeFileBytes } from './io.js';
import { parseIntegerOption } from './options.js';
import { WorkerPoolExecutor } from './parallel/worker-pool.js';

/** The flags of the heating commands' outputs (commander camel-cases them). */
export interface HeatingOutputFlags {
  out?: string;
  doseOut?: string;
  threads?: number;
  json?: boolean;
}

/** Adds --out, --dose-out, --threads and --json to a heating command. */
export function addHeatingOutputOptions(command: Command): Command {
  return command
    .option('--out <file>', 'write the final temperature (°C) as NIfTI (.nii or .nii.gz)')
    .option('--dose-out <file>', 'write the thermal dose (CEM43 minutes) as NIfTI')
    .option('--threads <n>', 'worker threads (default: all cores; 1 = main thread)', parseIntegerOption('--threads', 1, 256))
    .option('--json', 'print the result as JSON');
}

/**
 * A worker pool of `threads` (default: all cores) when that many are asked for and the work is at least
 * `minVoxels` voxels (a pool's start-up, ~80 ms, costs more than it saves on small grids); else the main thread.
 */
export function heatingExecutor(threads: number | undefined, voxels: number, minVoxels: number): ParallelExecutor {
  const n = threads ?? availableParallelism();
  return n > 1 && voxels >= minVoxels ? new WorkerPoolExecutor(n) : new SerialExecutor();
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
export async function writeHeatingVolumes(grid: Grid3D, r: HeatingResult, flags: HeatingOutputFlags, frame = ''): Promise<void> {
  if (flags.out) {
    await writeFileBytes(
      flags.out,
      encodeNifti({ grid, data: r.temperature }, { gzip: flags.out.endsWith('.gz'), description: `temperature degC${frame}` }),
    );
  }
  if (flags.doseOut) {
    await writeFileBytes(
      flags.doseOut,
      encodeNifti({ grid, data: r.dose }, { gzip: flags.doseOut.endsWith('.gz'), description: `CEM43 minutes${frame}` }),
    );
  }
}
