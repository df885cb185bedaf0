import { type KernelArgs, registerKernel } from '../parallel/kernel-registry.js';
import { BOILING_TEMPERATURE, arrheniusLinearStep, cem43Factor, cem43LinearStep, cem43RampStep } from './thermal-dose.js';

/** Name under which the dose update is registered (run it over `nz` items: z-slices). */
export const THERMAL_DOSE_KERNEL = 'thermal.dose';

/**
 * Dose bookkeeping after a step from T0 to T1 (°C) of `dt` seconds, per voxel:
 * - CEM43 += exact integral over the linear ramp (thermal-dose.ts; Sapareto & Dewey 1984, no dose below 37 °C);
 * - optionally Ω += Arrhenius damage over the ramp (`arr` true; `lnA`, `eaOverR` = E_a/R in K);
 * - perfusion shutdown: once CEM43 ≥ `threshold` (or Ω ≥ 1 when Arrhenius is on) the voxel's perfusion
 *   scale `ps` becomes `shutdown` (0 = no flow, as is usual after coagulation);
 * - `boiled[i]` = 1 once T reaches 100 °C;
 * - `zMax[z]` = the highest T1 in slice z (for the peak-temperature timeline);
 * - optionally (`factor` given) the CEM43 factor R^(43−T) of each voxel is kept between steps (it must hold the
 *   factor of T0 on entry; it holds T1's on exit), which spares most exponentials (cem43RampStep);
 * - optionally (`tmax` given) the highest T1 per voxel;
 * - optionally (`skip` given) no dose, damage, shutdown or factor where skip[i] ≠ 0 (the peak and tmax still count
 *   them): the treatment solver's coarse cells under the open fine window, whose dose the window keeps.
 * The temperature used is `Toff + T[i] (+ bg[i])`: Toff = 0 when T holds °C; in the treatment solver T holds
 * the rise of a fine window and the background rise is bg0 + f·(bg1 − bg0) with f = f0 at the step's start and f1 at
 * its end (`hasBg`; bg0/bg1 the background at the ends of the enclosing coarse step).
 * Items are z-slices; each writes only its own voxels and zMax entries.
 */
export function thermalDoseKernel(args: KernelArgs, start: number, end: number): void {
  const T0 = args.T0 as Float64Array;
  const T1 = args.T1 as Float64Array;
  const dose = args.dose as Float64Array;
  const ps = args.ps as Float32Array;
  const boiled = args.boiled as Uint8Array;
  const zMax = args.zMax as Float64Array;
  const dt = args.dt as number;
  const threshold = args.threshold as number;
  const shutdown = args.shutdown as number;
  const Toff = args.Toff as number;
  const arr = args.arr as boolean;
  const lnA = args.lnA as number;
  const eaOverR = args.eaOverR as number;
  const omega = args.omega as Float64Array;
  const hasBg = args.hasBg as boolean;
  const bg0 = args.bg0 as Float64Array;
  const bg1 = args.bg1 as Float64Array;
  const f0 = args.f0 as number;
  const f1 = args.f1 as number;
  const factor = args.factor as Float64Array | undefined;
  const tmax = args.tmax as Float32Array | undefined;
  const skip = args.skip as Uint8Array | undefined;
  const nxy = (args.nx as number) * (args.ny as number);
  if (factor && !arr) {
    // the solvers' case (factors kept, no Arrhenius): one loop without the optional branches, the ramp inlined
    for (let z = start; z < end; z++) {
      let peak = Number.NEGATIVE_INFINITY;
      const e = (z + 1) * nxy;
      for (let i = z * nxy; i < e; i++) {
        let a = Toff + T0[i];
        let b = Toff + T1[i];
        if (hasBg) {
          const g = bg0[i];
          const d = bg1[i] - g;
          a += g + f0 * d;
          b += g + f1 * d;
        }
        if (b > peak) peak = b;
        if (tmax && b > tmax[i]) tmax[i] = b;
        if (skip && skip[i] !== 0) continue;
        if (a <= 37 && b <= 37) {
          factor[i] = b === 37 ? FACTOR_AT_37 : 0;
          continue;
        }
        let step: number;
        if (a >= 37 && b >= 37 && a < 43 && b < 43) {
          // cem43RampStep's [37, 43) regime, the same operations (bit-identical)
          const fa = factor[i];
          const x = LN4 * (b - a);
          if (x < 0.05 && x > -0.05) {
            const p = 1 + x * (1 / 2 + x * (1 / 6 + x * (1 / 24 + x * (1 / 120 + x * (1 / 720 + x / 5040)))));
            factor[i] = fa * (1 + x * p);
            step = (dt * fa * p) / 60;
          } else {
            const fb = Math.exp(LN4 * (b - 43));
            factor[i] = fb;
            step = (dt * (fb - fa)) / (x * 60);
          }
        } else step = cem43RampStep(a, b, factor, i, dt);
        const d = dose[i] + step;
        dose[i] = d;
        if (d >= threshold) ps[i] = shutdown;
        if (b >= BOILING_TEMPERATURE) boiled[i] = 1;
      }
      zMax[z] = peak;
    }
    return;
  }
  for (let z = start; z < end; z++) {
    let peak = Number.NEGATIVE_INFINITY;
    const e = (z + 1) * nxy;
    for (let i = z * nxy; i < e; i++) {
      let a = Toff + T0[i];
      let b = Toff + T1[i];
      if (hasBg) {
        const g = bg0[i];
        const d = bg1[i] - g;
        a += g + f0 * d;
        b += g + f1 * d;
      }
      if (b > peak) peak = b;
      if (tmax && b > tmax[i]) tmax[i] = b;
      if (skip && skip[i] !== 0) continue;
      if (a <= 37 && b <= 37) {
        if (factor) factor[i] = b === 37 ? FACTOR_AT_37 : 0;
        continue;
      }
      let step: number;
      if (factor) {
        step = cem43RampStep(a, b, factor, i, dt);
      } else step = cem43LinearStep(a, b, dt);
      const d = dose[i] + step;
      dose[i] = d;
      let dead = d >= threshold;
      if (arr) {
        const o = omega[i] + arrheniusLinearStep(a, b, dt, lnA, eaOverR);
        omega[i] = o;
        dead = dead || o >= 1;
      }
      if (dead) ps[i] = shutdown;
      if (b >= BOILING_TEMPERATURE) boiled[i] = 1;
    }
    zMax[z] = peak;
  }
}

const FACTOR_AT_37 = cem43Factor(37);
const LN4 = Math.log(4);

registerKernel(THERMAL_DOSE_KERNEL, thermalDoseKernel);
