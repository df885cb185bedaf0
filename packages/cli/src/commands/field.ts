import {
  FIELD_METHODS,
  type FieldMethod,
  type ParallelExecutor,
  SerialExecutor,
  computeAxialPressure,
  computeFieldVolume,
  computeNonlinearBeam,
  createGrid,
  encodeNifti,
  focusFromAxis,
  layerAcoustics,
  layerIndexAt,
  nonlinearFocus,
  parseScenario,
  sampleNonlinearAxis,
} from '@openfuas/core';
import type { Command } from 'commander';
import { checkOutputFile, readJsonFile, writeFileBytes } from '../io.js';
import { parseIntegerOption, parseNumberList } from '../options.js';
import { WorkerPoolExecutor } from '../parallel/worker-pool.js';
import { CliUsageError, runAction } from '../run-action.js';

interface FieldOptions {
  method: string;
  axis?: number[];
  json?: boolean;
  out?: string;
  volume?: number[];
  quantity: string;
  threads: number;
  nonlinear?: boolean;
  linear?: boolean;
  harmonics?: number;
}

/** Harmonics carried by `--nonlinear` unless --harmonics says otherwise. */
export const DEFAULT_HARMONICS = 32;

const QUANTITIES = ['pressure', 'intensity', 'heat'] as const;

/** JSON cannot hold NaN: unresolved widths/lengths print as null. */
const num = (v: number) => (Number.isFinite(v) ? v : null);

export function register(program: Command): void {
  program
    .command('field')
    .description('acoustic field of a focused bowl (SCENARIO.json, SI units) on the axis, its focus, and optionally a 3D volume')
    .argument('<scenario>', 'SCENARIO.json: { transducer, medium }')
    .option('--method <name>', `solver: ${FIELD_METHODS.join(' | ')}`, 'asm')
    .option('--axis <from:to:step>', 'axial samples in mm from the bowl apex (default 0.5R to 1.5R, 0.25 mm)', parseNumberList('--axis', 3))
    .option('--json', 'print one JSON object { axis, focus }')
    .option('--out <file>', 'write the 3D field as NIfTI-1 (.nii or .nii.gz); needs --volume')
    .option(
      '--volume <x:y:z:step>',
      'box sizes and step in mm, centred on the geometric focus (transducer frame, mm)',
      parseNumberList('--volume', 4),
    )
    .option('--quantity <name>', `volume quantity: ${QUANTITIES.join(' | ')} (Pa, W/m², W/m³)`, 'pressure')
    .option('--threads <n>', 'worker threads for rayleigh/asm kernels', parseIntegerOption('--threads', 1, 64), 2)
    .option(
      '--nonlinear',
      'also solve the finite-amplitude beam (harmonics, shocks; axisymmetric, asm only): adds harmonics and peak pressures',
    )
    .option('--harmonics <n>', `harmonics carried by --nonlinear (default ${DEFAULT_HARMONICS})`, parseIntegerOption('--harmonics', 1, 512))
    .option('--linear', 'linear acoustics only (the default; refuses --nonlinear)')
    .action(
      runAction(async (file: string, opts: FieldOptions) => {
        if (!(FIELD_METHODS as readonly string[]).includes(opts.method)) {
          throw new CliUsageError(`--method: must be one of ${FIELD_METHODS.join(', ')}, got "${opts.method}"`);
        }
        if (!(QUANTITIES as readonly string[]).includes(opts.quantity)) {
          throw new CliUsageError(`--quantity: must be one of ${QUANTITIES.join(', ')}, got "${opts.quantity}"`);
        }
        if ((opts.out === undefined) !== (opts.volume === undefined)) throw new CliUsageError('--out and --volume go together');
        if (opts.nonlinear && opts.linear) throw new CliUsageError('--nonlinear and --linear exclude each other');
        if (opts.harmonics !== undefined && !opts.nonlinear) throw new CliUsageError('--harmonics needs --nonlinear');
        if (opts.nonlinear && opts.method !== 'asm') throw new CliUsageError('--nonlinear needs --method asm');
        const method = opts.method as FieldMethod;
        const scenario = parseScenario(await readJsonFile(file));
        if (opts.out) await checkOutputFile(opts.out, '--out');
        const R = scenario.transducer.radiusOfCurvature;
        const [fromMm, toMm, stepMm] = opts.axis ?? [500 * R, 1500 * R, 0.25];
        if (!(stepMm > 0)) throw new CliUsageError(`--axis: step must be > 0 mm, got ${stepMm}`);
        if (!(toMm >= fromMm) || fromMm < 0) throw new CliUsageError(`--axis: need 0 <= FROM <= TO, got ${fromMm}:${toMm}`);
        const count = Math.floor((toMm - fromMm) / stepMm + 1e-9) + 1;
        if (count > 100_000) throw new CliUsageError(`--axis: ${count} points exceed 100000`);
        const z = Float64Array.from({ length: count }, (_, i) => (fromMm + i * stepMm) / 1000);

        const executor: ParallelExecutor =
          method === 'oneil' || opts.threads === 1 ? new SerialExecutor() : new WorkerPoolExecutor(opts.threads);
        try {
          const axis = await computeAxialPressure(scenario, method, z, executor);
          const focus = await focusFromAxis(scenario, method, axis, executor);
          let nonlinear: { axis: ReturnType<typeof sampleNonlinearAxis>; focus: ReturnType<typeof nonlinearFocus> } | undefined;
          if (opts.nonlinear) {
            const harmonics = opts.harmonics ?? DEFAULT_HARMONICS;
            const zMax = Math.max(z[z.length - 1], focus.position[2] + 0.005);
            const beam = await computeNonlinearBeam(scenario, { harmonics, zMax }, executor);
            nonlinear = {
              axis: sampleNonlinearAxis(beam, z, axis.amplitude, scenario),
              focus: nonlinearFocus(beam, scenario, focus.position[2], focus.pressure),
            };
          }
          if (opts.volume && opts.out) {
            const [xMm, yMm, zMm, sMm] = opts.volume;
            if (!(sMm > 0) || !(xMm >= 0) || !(yMm >= 0) || !(zMm >= 0))
              throw new CliUsageError('--volume: sizes must be >= 0 and the step > 0 mm');
            const s = sMm / 1000;
            const n = (w: number) => Math.floor(w / sMm + 1e-9) + 1;
            const shape: [number, number, number] = [n(xMm), n(yMm), n(zMm)];
            const grid = createGrid(shape, [s, s, s], [(-(shape[0] - 1) / 2) * s, (-(shape[1] - 1) / 2) * s, R - ((shape[2] - 1) / 2) * s]);
            const volume = await computeFieldVolume(scenario, method, grid, executor);
            const data =
              opts.quantity === 'pressure' ? volume.pressure : opts.quantity === 'intensity' ? volume.intensity : volume.heatSource;
            const unit = opts.quantity === 'pressure' ? 'Pa' : opts.quantity === 'intensity' ? 'W/m2' : 'W/m3';
            const bytes = encodeNifti(
              { grid, data },
              { gzip: opts.out.endsWith('.gz'), description: `OpenFUAS ${method} ${opts.quantity} (${unit}), transducer frame` },
            );
            await writeFileBytes(opts.out, bytes);
          }
          if (opts.json) {
            const nl = nonlinear;
            const out = {
              axis: {
                z: Array.from(axis.position),
                pressure: Array.from(axis.amplitude),
                ...(nl && {
                  harmonics: Array.from(axis.position, (_, i) =>
                    Array.from(nl.axis.amplitudes.subarray(i * nl.axis.harmonics, (i + 1) * nl.axis.harmonics)),
                  ),
                  peakPositivePressure: Array.from(nl.axis.peakPositive),
                  peakNegativePressure: Array.from(nl.axis.peakNegative),
                }),
              },
              focus: {
                position: focus.position,
                pressure: focus.pressure,
                intensity: focus.intensity,
                width6dB: num(focus.width6dB),
                length6dB: num(focus.length6dB),
                ...(nl && {
                  peakPositivePressure: nl.focus.peakPositivePressure,
                  peakNegativePressure: nl.focus.peakNegativePressure,
                  heatingRatio: num(nl.focus.heatingRatio),
                }),
              },
            };
            process.stdout.write(`${JSON.stringify(out)}\n`);
          } else {
            const ac = layerAcoustics(
              scenario.medium.layers[layerIndexAt(scenario.medium, focus.position[2])].tissue,
              scenario.transducer.frequency,
            );
            const mm = (v: number) => (Number.isFinite(v) ? `${(v * 1000).toFixed(2)} mm` : 'n/a');
            process.stdout.write(
              [
                `method ${method}, ${scenario.transducer.name} at ${(scenario.transducer.frequency / 1e6).toFixed(3)} MHz`,
                `focus z = ${mm(focus.position[2])} (shift ${mm(focus.focalShift)}), p = ${(focus.pressure / 1e6).toFixed(3)} MPa, I = ${(focus.intensity / 1e4).toFixed(1)} W/cm² (ρc = ${((ac.density * ac.soundSpeed) / 1e6).toFixed(3)} MRayl)`,
                `-6 dB width ${mm(focus.width6dB)}, length ${mm(focus.length6dB)}`,
                nonlinear
                  ? `nonlinear: p+ = ${(nonlinear.focus.peakPositivePressure / 1e6).toFixed(2)} MPa at z = ${mm(nonlinear.focus.peakPositiveZ)}, ` +
                    `p- = ${(nonlinear.focus.peakNegativePressure / 1e6).toFixed(2)} MPa at z = ${mm(nonlinear.focus.peakNegativeZ)}, ` +
                    `heating ratio ${nonlinear.focus.heatingRatio.toFixed(2)}, ` +
                    (nonlinear.focus.shockZ === null ? 'no shock on the axis' : `shock from z = ${mm(nonlinear.focus.shockZ)}`)
                  : '',
                opts.out ? `wrote ${opts.out}` : '',
              ]
                .filter(Boolean)
                .join('\n') + '\n',
            );
          }
        } finally {
          await executor.dispose();
        }
      }),
    );
}
