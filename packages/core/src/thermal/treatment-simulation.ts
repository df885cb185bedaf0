import { InputError, requireFinite } from '../errors.js';
import { type Grid3D, type Vec3, createGrid, voxelCount, voxelVolume } from '../grid/grid3d.js';
import type { KernelArgs } from '../parallel/kernel-registry.js';
import { type ParallelExecutor, SerialExecutor, sharedFloat32, sharedFloat64, sharedUint8 } from '../parallel/parallel-executor.js';
import { type PatchHeatSource, addPatchSource, placePatch } from './heat-source.js';
import type { BoilingOptions } from './boiling.js';
import { PENNES_EXPLICIT_KERNEL, sameLabelVoxels } from './pennes-explicit-kernel.js';
import { PENNES_SUPER_STAGE_KERNEL, superStepStages } from './pennes-super-step-kernel.js';
import { PENNES_STEP_DOSE_KERNEL } from './pennes-step-dose-kernel.js';
import { TaylorStepper } from './taylor-step.js';
import { THERMAL_DOSE_KERNEL } from './thermal-dose-kernel.js';
import { LETHAL_CEM43, cem43Factor } from './thermal-dose.js';
import { type ThermalMedium, explicitStabilityLimit, labelledThermalMedium, materialTables } from './thermal-medium.js';
import { WindowBoiling } from './treatment-boiling.js';

/** One sonication of a treatment: the beam's focus at `position` (m, grid frame), on at `power` W, then cooling. */
export interface TreatmentSonication {
  readonly position: Vec3;
  /** W (scales the beam patch: Q = q·power/referencePower) */
  readonly power: number;
  /** s */
  readonly duration: number;
  /** s, ≥ 0 */
  readonly cooling: number;
  /** this sonication's beam (default: the simulation's beam); e.g. one per slice when the path's layers differ */
  readonly beam?: PatchHeatSource;
  /**
   * heat of the beam outside the fine patch (the converging cone), on the coarse level: q per watt at the coarse
   * spacing, its `centre` voxel placed at `coarsePosition` (grid frame, default `position`)
   */
  readonly coarseBeam?: PatchHeatSource;
  readonly coarsePosition?: Vec3;
}

/** Options of the two-level treatment solver (defaults in the class comment). */
export interface TreatmentOptions {
  /** coarse spacing = coarseFactor × fine spacing (integer ≥ 2, default 3) */
  coarseFactor?: number;
  /**
   * scheme of the fine window while the beam is on (default 'explicit4': fourth order in space, second order in
   * time, 0.3 K at the clinical focus on the 0.5 mm grid where the reference kernel is 2.7 K hot; 'explicit' the
   * reference kernel); cooling windows and the coarse level take the reference kernel
   */
  fineScheme?: 'explicit' | 'explicit4';
  /** fine-window margin around the beam patch, m (default 3 mm) */
  margin?: number;
  /**
   * s of each cooling pause the fine window keeps following (default: all of it); the rest of the pause runs on
   * the coarse level alone, where the heat has spread over a few coarse cells anyway
   */
  windowCooling?: number;
  /** fraction of each level's stability limit (default 0.9) */
  courant?: number;
  /**
   * long steps through the cold part of each pause on the coarse level (damped Chebyshev super-steps,
   * pennes-super-step-kernel.ts, from 4 reference steps long doubling up to `maxStep`) once the dose any cell can still
   * collect in the rest of the pause is at most `doseBound` CEM43 (coldPause in this file); default on (1 CEM43,
   * 60 s); false: the reference kernel's steps throughout
   */
  superStep?: false | { doseBound?: number; maxStep?: number };
  doseThreshold?: number;
  perfusionShutdown?: number;
  /**
   * windows of at least this many voxels run their kernels on the executor's threads when it has several (default
   * 40 000: below it a worker round trip per kernel run costs more than the split saves); smaller ones on this thread
   */
  parallelWindowVoxels?: number;
  /** boiling of tissue water in the fine window (treatment-boiling.ts; default true, false: plain Pennes) */
  boiling?: boolean | BoilingOptions;
  executor?: ParallelExecutor;
}

interface Window {
  /** fine-grid index of the window's (0,0,0) and its shape (multiples of the coarse factor) */
  o: [number, number, number];
  n: [number, number, number];
  grid: Grid3D;
  labels: Uint8Array;
  T: Float64Array;
  Tn: Float64Array;
  dose: Float64Array;
  ps: Float32Array;
  boiled: Uint8Array;
  zMax: Float64Array;
  bgA: Float64Array;
  bgB: Float64Array;
  /** CEM43 factor of each voxel's total temperature now (kept by the dose kernel) */
  factor: Float64Array;
  /** highest total temperature per voxel while the window is open, °C */
  tmax: Float32Array;
  patch: PatchHeatSource;
  /** the 'explicit4' stepper of this window (null with the reference scheme) */
  taylor: TaylorStepper | null;
  /** face voxels in accumulateLeak's order, the coarse cell of each and its face's axis (0 x, 1 y, 2 z) */
  faceVoxel: Int32Array;
  faceCell: Int32Array;
  faceAxis: Uint8Array;
  /** the explicit kernel's same-label mask of the window (made at its first reference-kernel step) */
  same?: Uint8Array;
  /** runs the window's kernels: the executor for a large window, this thread for a small one */
  exec: ParallelExecutor;
}

/**
 * A whole treatment (hundreds of sonications, each with its own focus) on a fine grid, fast, by linearity of
 * Pennes' equation: the rise above T_a is split into u = u_coarse + u_window.
 *
 * - u_coarse lives on a coarse copy of the grid (spacing × coarseFactor, labels sampled at the block centres) and
 *   carries all "old" heat; it is stepped explicitly at its own, coarseFactor² times longer, stable step.
 * - u_window lives on a fine box around the current focus (the beam patch plus `margin`, aligned to coarse cells)
 *   and carries the heat of the current sonication from switch-on until the next sonication starts; it is
 *   stepped at the fine step with u = 0 outside the box; the heat that leaves through the box's faces is
 *   deposited into the coarse cells it leaves from (one coarse step later), and at the next sonication the
 *   whole window is restricted energy-conservingly into u_coarse. Both parts solve the same linear equation,
 *   so their sum is the solution up to each level's discretisation error (the coarse level sees the old heat
 *   smoothed over coarse cells).
 * - Dose (CEM43, exact over linear ramps) is accrued on the fine grid inside the window with the total
 *   temperature T_a + u_window + u_coarse (trilinear, linear in time within a coarse step), and on coarse cells
 *   outside the window with T_a + u_coarse; `dose()` returns the fine dose plus the dose of the coarse cell that
 *   holds each voxel. Perfusion stops where the dose passes the threshold (per fine voxel in the window; as the
 *   dead fraction on coarse cells).
 * - The beam is a patch source (PatchHeatSource) translated to each focus (nearest voxel); a sonication may bring
 *   its own patch (e.g. one per treatment slice, where the layers in front of the focus differ).
 * Cost: the window (≈ 10⁴–10⁵ voxels) at the fine step plus the coarse grid at the long step, independent of
 * how much of the fine grid the treatment covers. Accuracy against the brute-force fine solution is measured
 * in test/thermal/treatment-simulation.test.ts and bench/thermal.bench.ts.
 */
export class TreatmentSimulation {
  readonly grid: Grid3D;
  readonly coarseGrid: Grid3D;
  readonly coarseFactor: number;
  /** s: the fine and coarse explicit steps bounds */
  readonly fineDt: number;
  readonly coarseDt: number;
  time = 0;
  /** index of the sonication being run (sonications.length when done) */
  sonicationIndex = 0;
  peakTemperature: number;
  readonly timeline: { t: number[]; peakTemperature: number[] } = { t: [0], peakTemperature: [] };
  /** voxel-updates done (fine + coarse), for benchmarks */
  voxelUpdates = 0;

  private readonly medium: ThermalMedium;
  private readonly coarse: ThermalMedium;
  private readonly beam: PatchHeatSource;
  private readonly sonications: TreatmentSonication[];
  private readonly r: number;
  private readonly margin: number;
  private readonly windowCooling: number;
  private readonly threshold: number;
  private readonly shutdown: number;
  /** runs the coarse level's kernels (the whole coarse grid: worth a worker round trip) */
  private readonly executor: ParallelExecutor;
  /** runs the kernels of windows under parallelWindowVoxels: this thread (stepped faster than a worker round trip) */
  private readonly fineExecutor: ParallelExecutor;
  private readonly parallelWindowVoxels: number;
  private readonly fineScheme: 'explicit' | 'explicit4';
  private readonly fineDose: Float64Array;
  private readonly coarseDose: Float64Array;
  /** CEM43 factor of each coarse cell's temperature now (valid outside the window) */
  private readonly coarseCem: Float64Array;
  /** highest fine (window) dose per coarse cell over the retired windows, for doseSnapshot */
  private readonly pooledFineDose: Float64Array;
  /** highest total temperature seen per fine voxel while inside a window, and per coarse cell, °C */
  private readonly fineMax: Float32Array;
  private readonly coarseMax: Float32Array;
  private Uc: Float64Array;
  private Ucn: Float64Array;
  private readonly coarsePs: Float32Array;
  private readonly leak: Float64Array;
  private readonly coarseInWindow: Uint8Array;
  /** the dose kernel's boiling flags and per-slice peaks on the coarse level */
  private readonly coarseBoiled: Uint8Array;
  private readonly coarseZMax: Float64Array;
  private activeBox: Window | null = null;
  /** retireWindow's sums of perfusion scale and voxel count per coarse cell (zero between retirements) */
  private readonly retireDead: Float64Array;
  private readonly retireCount: Float64Array;
  private readonly fineTab: ReturnType<typeof materialTables>;
  private readonly coarseTab: ReturnType<typeof materialTables>;
  /** the explicit kernel's same-label mask of the coarse level (null with one material) */
  private readonly coarseSame: Uint8Array | null;
  private cancelled = false;
  /** the cold-pause super-steps' settings (null: off) and their scratch fields (made at the first one) */
  private readonly superStep: { doseBound: number; maxStep: number } | null;
  private superScratch: Float64Array[] | null = null;
  /** coarse steps taken in pauses: the reference kernel's and the super-steps (with their stages) */
  readonly pauseSteps = { reference: 0, super: 0, stages: 0 };

  constructor(medium: ThermalMedium, beam: PatchHeatSource, sonications: readonly TreatmentSonication[], options: TreatmentOptions = {}) {
    this.medium = medium;
    this.grid = medium.grid;
    this.beam = beam;
    const r = options.coarseFactor ?? 3;
    if (!Number.isInteger(r) || r < 2 || r > 8) throw new InputError('coarseFactor', `must be an integer in [2, 8], got ${r}`);
    this.r = r;
    this.coarseFactor = r;
    this.margin = requireFinite('margin', options.margin ?? 3e-3, 'non-negative');
    this.windowCooling =
      options.windowCooling === undefined
        ? Number.POSITIVE_INFINITY
        : requireFinite('windowCooling', options.windowCooling, 'non-negative');
    this.threshold = requireFinite('doseThreshold', options.doseThreshold ?? LETHAL_CEM43, 'positive');
    this.shutdown = requireFinite('perfusionShutdown', options.perfusionShutdown ?? 0, 'non-negative');
    const courant = requireFinite('courant', options.courant ?? 0.9, 'positive');
    if (courant > 1) throw new InputError('courant', `must be in (0, 1], got ${courant}`);
    this.executor = options.executor ?? new SerialExecutor();
    const ss = options.superStep ?? {};
    this.superStep =
      ss === false
        ? null
        : {
            doseBound: requireFinite('superStep.doseBound', ss.doseBound ?? 1, 'non-negative'),
            maxStep: requireFinite('superStep.maxStep', ss.maxStep ?? 60, 'positive'),
          };
    this.fineExecutor = new SerialExecutor();
    this.parallelWindowVoxels = requireFinite('parallelWindowVoxels', options.parallelWindowVoxels ?? 40_000, 'non-negative');
    const fineScheme = options.fineScheme ?? 'explicit4';
    if (fineScheme !== 'explicit' && fineScheme !== 'explicit4')
      throw new InputError('fineScheme', `must be "explicit" or "explicit4", got ${JSON.stringify(fineScheme)}`);
    this.fineScheme = fineScheme;
    this.sonications = sonications.map((s, k) => {
      const f = `sonications[${k}]`;
      for (let a = 0; a < 3; a++) requireFinite(`${f}.position`, s.position[a]);
      return {
        position: s.position,
        power: requireFinite(`${f}.power`, s.power, 'non-negative'),
        duration: requireFinite(`${f}.duration`, s.duration, 'positive'),
        cooling: requireFinite(`${f}.cooling`, s.cooling, 'non-negative'),
        beam: s.beam,
        coarseBeam: s.coarseBeam,
        coarsePosition: s.coarsePosition,
      };
    });
    // coarse level
    const [nx, ny, nz] = this.grid.shape;
    const cs: Vec3 = [Math.ceil(nx / r), Math.ceil(ny / r), Math.ceil(nz / r)];
    const h = this.grid.spacing;
    const off = (r - 1) / 2;
    this.coarseGrid = createGrid(
      cs,
      [h[0] * r, h[1] * r, h[2] * r],
      [this.grid.origin[0] + off * h[0], this.grid.origin[1] + off * h[1], this.grid.origin[2] + off * h[2]],
    );
    const cl = new Uint8Array(voxelCount(this.coarseGrid));
    for (let k = 0; k < cs[2]; k++)
      for (let j = 0; j < cs[1]; j++)
        for (let i = 0; i < cs[0]; i++) {
          const x = Math.min(nx - 1, i * r + (r >> 1));
          const y = Math.min(ny - 1, j * r + (r >> 1));
          const z = Math.min(nz - 1, k * r + (r >> 1));
          cl[i + cs[0] * (j + cs[1] * k)] = medium.labels[x + nx * (y + ny * z)];
        }
    this.coarse = labelledThermalMedium(this.coarseGrid, cl, medium.materials, {
      blood: medium.blood,
      arterialTemperature: medium.arterialTemperature,
    });
    this.fineTab = materialTables(medium);
    this.coarseTab = materialTables(this.coarse);
    this.coarseSame = this.coarseTab.count > 1 ? sameLabelVoxels(cl, cs) : null;
    this.fineDt = courant * explicitStabilityLimit(medium);
    this.coarseDt = courant * explicitStabilityLimit(this.coarse);
    const nc = voxelCount(this.coarseGrid);
    this.Uc = sharedFloat64(nc);
    this.Ucn = sharedFloat64(nc);
    this.coarsePs = sharedFloat32(nc).fill(1);
    this.coarseDose = sharedFloat64(nc);
    this.coarseCem = sharedFloat64(nc).fill(cem43Factor(medium.arterialTemperature));
    this.coarseBoiled = sharedUint8(nc);
    this.coarseZMax = sharedFloat64(cs[2]);
    this.pooledFineDose = new Float64Array(nc);
    this.leak = new Float64Array(nc);
    this.coarseInWindow = sharedUint8(nc);
    this.retireDead = new Float64Array(nc);
    this.retireCount = new Float64Array(nc);
    this.fineDose = new Float64Array(voxelCount(this.grid));
    this.fineMax = new Float32Array(voxelCount(this.grid)).fill(medium.arterialTemperature);
    this.coarseMax = sharedFloat32(nc).fill(medium.arterialTemperature);
    this.peakTemperature = medium.arterialTemperature;
    this.timeline.peakTemperature.push(this.peakTemperature);
    const boil = options.boiling ?? true;
    this.boiling = boil === false ? null : new WindowBoiling(voxelCount(this.grid), medium.materials, boil === true ? {} : boil);
  }

  /** latent heat, vapour and greyscale of the fine windows (null: boiling off) */
  readonly boiling: WindowBoiling | null;

  /** Total duration of the treatment, s. */
  get endTime(): number {
    return this.sonications.reduce((s, x) => s + x.duration + x.cooling, 0);
  }

  get done(): boolean {
    return this.sonicationIndex >= this.sonications.length;
  }

  cancel(): void {
    this.cancelled = true;
  }

  /** Runs sonications until `toTime` (whole sonications; default all), with progress and cancellation between them. */
  async advance(
    toTime = Number.POSITIVE_INFINITY,
    options: {
      onProgress?: (p: { time: number; sonication: number; peakTemperature: number }) => void;
      signal?: { aborted: boolean };
    } = {},
  ): Promise<{ cancelled: boolean; time: number }> {
    this.cancelled = false;
    while (!this.done) {
      if (this.cancelled || options.signal?.aborted) return { cancelled: true, time: this.time };
      const s = this.sonications[this.sonicationIndex];
      if (this.time + s.duration + s.cooling > toTime + 1e-9) break;
      await this.runSonication(s);
      this.sonicationIndex++;
      options.onProgress?.({ time: this.time, sonication: this.sonicationIndex, peakTemperature: this.peakTemperature });
    }
    if (this.done) this.retireWindow();
    return { cancelled: false, time: this.time };
  }

  /** CEM43 (min) per fine voxel: the fine (window) dose plus the dose of the coarse cell holding the voxel. */
  dose(): Float64Array {
    const out = Float64Array.from(this.fineDose);
    if (this.activeBox) this.copyWindowDose(out);
    const [nx, ny, nz] = this.grid.shape;
    const cs = this.coarseGrid.shape;
    const r = this.r;
    for (let z = 0; z < nz; z++)
      for (let y = 0; y < ny; y++)
        for (let x = 0; x < nx; x++)
          out[x + nx * (y + ny * z)] += this.coarseDose[((x / r) | 0) + cs[0] * (((y / r) | 0) + cs[1] * ((z / r) | 0))];
    return out;
  }

  /** Volume with CEM43 ≥ the threshold, m³. */
  lesionVolume(): number {
    const d = this.dose();
    let c = 0;
    for (let i = 0; i < d.length; i++) if (d[i] >= this.threshold) c++;
    return c * voxelVolume(this.grid);
  }

  /**
   * Temperature now (°C) on coarseGrid for live views: each coarse cell's temperature, raised to the hottest fine
   * voxel of the open window inside it (so the focus shows while it heats).
   */
  temperatureSnapshot(): Float32Array {
    const Ta = this.medium.arterialTemperature;
    const out = riseToCelsius(this.Uc, Ta);
    const w = this.activeBox;
    if (!w) return out;
    const r = this.r;
    const cs = this.coarseGrid.shape;
    for (let z = 0; z < w.n[2]; z++)
      for (let y = 0; y < w.n[1]; y++)
        for (let x = 0; x < w.n[0]; x++) {
          const wi = x + w.n[0] * (y + w.n[1] * z);
          const ci = (((w.o[0] + x) / r) | 0) + cs[0] * ((((w.o[1] + y) / r) | 0) + cs[1] * (((w.o[2] + z) / r) | 0));
          const t = Ta + w.T[wi] + w.bgA[wi];
          if (t > out[ci]) out[ci] = t;
        }
    return out;
  }

  /**
   * CEM43 (min) now on coarseGrid for live views: each coarse cell's own dose, raised to the highest fine dose
   * of its voxels (retired windows pooled as they retire, the open window read now), so a lesion shows at
   * once and its 240 contour can be drawn while the treatment runs.
   */
  doseSnapshot(): Float32Array {
    const out = new Float32Array(this.coarseDose.length);
    const fineMax = Float64Array.from(this.pooledFineDose);
    const w = this.activeBox;
    if (w) {
      const r = this.r;
      const cs = this.coarseGrid.shape;
      for (let z = 0; z < w.n[2]; z++)
        for (let y = 0; y < w.n[1]; y++)
          for (let x = 0; x < w.n[0]; x++) {
            const ci = (((w.o[0] + x) / r) | 0) + cs[0] * ((((w.o[1] + y) / r) | 0) + cs[1] * (((w.o[2] + z) / r) | 0));
            const d = w.dose[x + w.n[0] * (y + w.n[1] * z)];
            if (d > fineMax[ci]) fineMax[ci] = d;
          }
    }
    // a voxel's dose is its fine dose plus its cell's coarse dose (see dose())
    for (let i = 0; i < out.length; i++) out[i] = Math.min(3.4e38, fineMax[i] + this.coarseDose[i]);
    return out;
  }

  /** The coarse-level temperature (°C) on coarseGrid, without the current window's heat. */
  coarseTemperature(): Float32Array {
    const Ta = this.medium.arterialTemperature;
    return riseToCelsius(this.Uc, Ta);
  }

  /** the coarse-level source of the sonication being heated, placed, and its scale (W / referencePower) */
  private coarseSource: { patch: PatchHeatSource; scale: number } | null = null;

  private async runSonication(s: TreatmentSonication): Promise<void> {
    this.retireWindow();
    this.openWindow(s);
    const scale = s.power / ((s.beam ?? this.beam).referencePower ?? 1);
    this.coarseSource = s.coarseBeam
      ? {
          patch: placePatch(s.coarseBeam, this.coarseGrid, s.coarsePosition ?? s.position),
          scale: s.power / (s.coarseBeam.referencePower ?? 1),
        }
      : null;
    await this.runPhase(s.duration, scale);
    this.coarseSource = null;
    const followed = Math.min(s.cooling, this.windowCooling);
    if (followed > 0) await this.runPhase(followed, 0);
    if (s.cooling - followed > 1e-12) {
      this.retireWindow();
      await this.runCoarsePhase(s.cooling - followed);
    }
  }

  /**
   * A pause on the coarse level alone (no window open): the reference kernel's steps (a fixed step dtc that divides
   * the pause), then, once the pause is cold (coldPause), super-steps to its end.
   */
  private async runCoarsePhase(duration: number): Promise<void> {
    const nc = Math.max(1, Math.ceil(duration / this.coarseDt - 1e-9));
    const dtc = duration / nc;
    const t0 = this.time;
    for (let j = 0; j < nc; j++) {
      const rest = duration - j * dtc;
      if (j > 0 && this.coldPause(rest)) {
        await this.superStepPause(t0, duration, rest);
        return;
      }
      // no window, no source: the step, the boiling projection where needed and the dose in one kernel run, slice by
      // slice (bit-identical to the three runs in sequence)
      const [cnx, cny, cnz] = this.coarseGrid.shape;
      const project = this.boiling?.coarseNeeded(Math.max(this.lastPeak, this.coarseHandover)) ? this.boiling : null;
      await this.executor.run(
        PENNES_STEP_DOSE_KERNEL,
        {
          ...this.coarseStencilArgs(dtc),
          ...this.coarseDoseArgs(dtc),
          ...(project
            ? project.coarseProjectionArgs(this.Ucn.length, cnx, cny, this.coarse.labels, this.medium.arterialTemperature)
            : { project: false }),
        },
        cnz,
      );
      project?.coarseProjected();
      this.voxelUpdates += voxelCount(this.coarseGrid);
      this.pauseSteps.reference++;
      this.coarseHandover = 0;
      this.lastPeak = this.coarsePeak();
      this.swapCoarse();
      this.time = j + 1 === nc ? t0 + duration : t0 + (j + 1) * dtc;
      this.timeline.t.push(this.time);
      this.timeline.peakTemperature.push(this.lastPeak);
    }
  }

  /**
   * Whether the rest of a pause (`rest` s) may take super-steps: no boiling projection is due, the rest is worth
   * more than two reference steps, and the CEM43 dose any cell can still collect in it is at most `doseBound`
   * (rest/60 · R^(43 − P) with P the coarse peak now, R = ¼ below 43 °C, ½ above: Sapareto & Dewey 1984). In a pause
   * there is no source, so P cannot rise (maximum principle of the diffusion-perfusion equation with the body held at
   * T_a, kept by the monotone explicit step); the dose collected by the super-steps, and so any error in it, is bounded by
   * doseBound per pause (1 CEM43 by default: 0.4 % of the 240 CEM43 lethal threshold).
   */
  private coldPause(rest: number): boolean {
    const ss = this.superStep;
    if (!ss || rest <= 2 * this.coarseDt) return false;
    if (this.boiling?.coarseNeeded(Math.max(this.lastPeak, this.coarseHandover))) return false;
    return (rest / 60) * cem43Factor(this.lastPeak) <= ss.doseBound;
  }

  /**
   * The rest of a cold pause in super-steps, each followed by the dose update over its linear ramp
   * (thermal-dose-kernel.ts). The first step is 4 reference steps long and each next one twice the last, up to
   * maxStep: the faster modes left by the last focus have decayed by the time the steps outgrow them (a step grows
   * with the time the pause has run, as for stiff decay), the last step lands on the pause's end.
   */
  private async superStepPause(t0: number, duration: number, rest: number): Promise<void> {
    const ss = this.superStep as { maxStep: number };
    let tau = Math.min(4 * this.coarseDt, ss.maxStep);
    while (rest > 1e-12) {
      let step = Math.min(tau, rest);
      if (rest - step < 0.5 * step) step = rest;
      await this.superStepCoarse(step);
      await this.executor.run(THERMAL_DOSE_KERNEL, this.coarseDoseArgs(step), this.coarseGrid.shape[2]);
      this.lastPeak = this.coarsePeak();
      this.swapCoarse();
      rest -= step;
      this.time = rest > 1e-12 ? t0 + duration - rest : t0 + duration;
      this.timeline.t.push(this.time);
      this.timeline.peakTemperature.push(this.lastPeak);
      tau = Math.min(2 * tau, ss.maxStep);
    }
  }

  /**
   * One damped Chebyshev super-step of τ on the coarse level, Uc → Ucn, no source (pennes-super-step-kernel.ts): its
   * stages are sized so that its stability interval holds the spectrum up to 2/coarseDt (coarseDt is the courant
   * fraction of the explicit limit), first order in time, stiff modes damped; each stage one run of the reference
   * stencil plus a pointwise combination.
   */
  private async superStepCoarse(tau: number): Promise<void> {
    const nc = voxelCount(this.coarseGrid);
    const nz = this.coarseGrid.shape[2];
    this.superScratch ??= [sharedFloat64(nc), sharedFloat64(nc)];
    const co = superStepStages(tau, this.coarseDt);
    const s = co.stages;
    // three fields turn over: Y_{j−2}, Y_{j−1} and the stage written; Uc (Y_0) is read by stage 1 and 2 only
    const pool = [this.Ucn, ...this.superScratch];
    let prev2 = this.Uc;
    let prev1 = this.Uc;
    for (let j = 1; j <= s; j++) {
      const out = pool.pop() as Float64Array;
      await this.executor.run(
        PENNES_SUPER_STAGE_KERNEL,
        {
          ...this.coarseStencilArgs(co.muTilde[j] * tau),
          T0: prev1,
          T1: out,
          Y2: prev2,
          mu: j === 1 ? 1 : co.mu[j],
          nu: j === 1 ? 0 : co.nu[j],
        },
        nz,
      );
      if (prev2 !== this.Uc && prev2 !== prev1) pool.unshift(prev2);
      prev2 = prev1;
      prev1 = out;
    }
    // the result becomes Ucn; the field it displaces joins the scratch
    if (prev1 !== this.Ucn) {
      this.superScratch[this.superScratch.indexOf(prev1)] = this.Ucn;
      this.Ucn = prev1;
    }
    this.voxelUpdates += s * nc;
    this.pauseSteps.super++;
    this.pauseSteps.stages += s;
    this.coarseHandover = 0;
  }

  private swapCoarse(): void {
    const tmp = this.Uc;
    this.Uc = this.Ucn;
    this.Ucn = tmp;
  }

  private async runPhase(duration: number, scale: number): Promise<void> {
    const nc = Math.max(1, Math.ceil(duration / this.coarseDt - 1e-9));
    const dtc = duration / nc;
    const m = Math.max(1, Math.ceil(dtc / this.fineDt - 1e-9));
    const dtf = dtc / m;
    const t0 = this.time;
    for (let j = 0; j < nc; j++) {
      await this.coarseStep(dtc, scale !== 0 ? this.coarseSource : null);
      const w = this.activeBox as Window;
      this.interpolateBackground(this.Ucn, w.bgB);
      // the coarse dose (on the executor's threads) runs while this thread steps the window: neither touches what
      // the other writes (the dose reads Uc/Ucn and writes the coarse dose, factors, maxima and perfusion)
      const coarseDose = this.coarseDoseStep(dtc);
      for (let k = 0; k < m; k++) await this.fineStep(dtf, scale, k / m, (k + 1) / m);
      const coarsePeak = await coarseDose;
      if (coarsePeak > this.lastPeak) this.lastPeak = coarsePeak;
      const tmp = this.Uc;
      this.Uc = this.Ucn;
      this.Ucn = tmp;
      w.bgA.set(w.bgB);
      this.time = j + 1 === nc ? t0 + duration : t0 + (j + 1) * dtc;
      this.timeline.t.push(this.time);
      this.timeline.peakTemperature.push(this.lastPeak);
    }
  }

  private lastPeak = 37;

  /** Stencil coefficient tables for a level and step, cached (a treatment reuses a handful of steps). */
  private readonly tableCache = new Map<
    string,
    { cx: Float64Array; cy: Float64Array; cz: Float64Array; pc: Float64Array; sc: Float64Array }
  >();

  private tables(level: 'fine' | 'coarse', dt: number) {
    const key = `${level}:${dt}`;
    let t = this.tableCache.get(key);
    if (!t) {
      const tab = level === 'fine' ? this.fineTab : this.coarseTab;
      const L = tab.count;
      const [dx, dy, dz] = (level === 'fine' ? this.grid : this.coarseGrid).spacing;
      t = { cx: sharedFloat64(L * L), cy: sharedFloat64(L * L), cz: sharedFloat64(L * L), pc: sharedFloat64(L), sc: sharedFloat64(L) };
      fillTables(tab, dt, dx, dy, dz, t.cx, t.cy, t.cz, t.pc, t.sc);
      if (this.tableCache.size > 64) this.tableCache.clear();
      this.tableCache.set(key, t);
    }
    return t;
  }

  /** Arguments of the explicit kernel for one coarse step of `dt` (Uc → Ucn). */
  private coarseStencilArgs(dt: number): KernelArgs {
    const [nx, ny, nz] = this.coarseGrid.shape;
    const { cx, cy, cz, pc, sc } = this.tables('coarse', dt);
    return {
      T0: this.Uc,
      T1: this.Ucn,
      labels: this.coarse.labels,
      cx,
      cy,
      cz,
      pc,
      sc,
      ps: this.coarsePs,
      q: EMPTY32,
      qs: 0,
      nx,
      ny,
      nz,
      L: this.coarseTab.count,
      bc: 0,
      Ta: 0,
      Tb: 0,
      ...(this.coarseSame ? { same: this.coarseSame } : {}),
    };
  }

  private async coarseStep(dt: number, source: { patch: PatchHeatSource; scale: number } | null = null): Promise<void> {
    const [nx, ny, nz] = this.coarseGrid.shape;
    const { sc } = this.tables('coarse', dt);
    await this.executor.run(PENNES_EXPLICIT_KERNEL, this.coarseStencilArgs(dt), nz);
    this.voxelUpdates += nx * ny * nz;
    if (source) addPatchSource(this.Ucn, this.coarse.labels, sc, this.coarseGrid, source.patch, source.scale);
    this.addLeak();
    if (this.boiling?.coarseNeeded(Math.max(this.lastPeak, this.coarseHandover))) {
      this.boiling.projectCoarse(this.Ucn, this.medium.arterialTemperature, this.coarse.labels, nx, ny);
    }
    this.coarseHandover = 0;
  }

  /** highest coarse temperature a retired window handed over (°C), until the next coarse step projects it */
  private coarseHandover = 0;

  /**
   * Heat that left the fine window during the previous coarse step enters the coarse level here (only the open
   * window's coarse cells can hold any: retireWindow empties the rest).
   */
  private addLeak(): void {
    const tab = this.coarseTab;
    const w = this.activeBox;
    if (!w) return;
    const vc = voxelVolume(this.coarseGrid);
    const lab = this.coarse.labels;
    const r = this.r;
    const cs = this.coarseGrid.shape;
    for (let k = w.o[2] / r; k < (w.o[2] + w.n[2]) / r; k++)
      for (let j = w.o[1] / r; j < (w.o[1] + w.n[1]) / r; j++)
        for (let i = k * cs[0] * cs[1] + j * cs[0] + w.o[0] / r, e = i + w.n[0] / r; i < e; i++) {
          if (this.leak[i] !== 0) {
            this.Ucn[i] += this.leak[i] / (tab.rhoC[lab[i]] * vc);
            this.leak[i] = 0;
          }
        }
  }

  /**
   * Accrues dose on coarse cells outside the window over a coarse step (the dose kernel, cells under the window
   * skipped) on the executor, keeps the coarse maxima; returns the coarse peak temperature.
   */
  private async coarseDoseStep(dt: number): Promise<number> {
    await this.executor.run(THERMAL_DOSE_KERNEL, this.coarseDoseArgs(dt), this.coarseGrid.shape[2]);
    return this.coarsePeak();
  }

  /** Arguments of the dose kernel for one coarse step of `dt` (Uc → Ucn; cells under the window skipped). */
  private coarseDoseArgs(dt: number): KernelArgs {
    const [nx, ny] = this.coarseGrid.shape;
    return {
      T0: this.Uc,
      T1: this.Ucn,
      dose: this.coarseDose,
      ps: this.coarsePs,
      boiled: this.coarseBoiled,
      zMax: this.coarseZMax,
      dt,
      threshold: this.threshold,
      shutdown: this.shutdown,
      Toff: this.medium.arterialTemperature,
      arr: false,
      lnA: 0,
      eaOverR: 0,
      omega: EMPTY64,
      hasBg: false,
      bg0: EMPTY64,
      bg1: EMPTY64,
      f0: 0,
      f1: 0,
      factor: this.coarseCem,
      tmax: this.coarseMax,
      // no cell lies under a window in a pause (the window is retired): the kernel then reads no skip flags
      ...(this.activeBox ? { skip: this.coarseInWindow } : {}),
      nx,
      ny,
    };
  }

  /** The coarse peak temperature of the last dose update (its per-slice peaks), raising the treatment's peak. */
  private coarsePeak(): number {
    let peak = Number.NEGATIVE_INFINITY;
    for (let z = 0; z < this.coarseZMax.length; z++) if (this.coarseZMax[z] > peak) peak = this.coarseZMax[z];
    if (peak > this.peakTemperature) this.peakTemperature = peak;
    return peak;
  }

  private async fineStep(dt: number, scale: number, f0: number, f1: number): Promise<void> {
    const w = this.activeBox as Window;
    const L = this.fineTab.count;
    const [nx, ny, nz] = w.n;
    const { cx, cy, cz, pc, sc } = this.tables('fine', dt);
    this.accumulateLeak(w, cx, cy, cz, w.T, 1);
    if (w.taylor && scale !== 0) {
      // the sharp source needs the fourth-order scheme; once it is off the window smooths out and the reference
      // kernel does as well (thermal-convergence validation: the same peak and dose to 1 %)
      await w.taylor.step(w.T, w.Tn, w.ps, w.patch, scale, dt, 0, 0);
      // the Taylor step's correction Δt²/2·A₂v leaves through the faces too (ghost 0)
      this.accumulateLeak(w, cx, cy, cz, w.taylor.rate, dt / 2);
    } else {
      await w.exec.run(
        PENNES_EXPLICIT_KERNEL,
        {
          T0: w.T,
          T1: w.Tn,
          labels: w.labels,
          cx,
          cy,
          cz,
          pc,
          sc,
          ps: w.ps,
          q: EMPTY32,
          qs: 0,
          nx,
          ny,
          nz,
          L,
          bc: 0,
          Ta: 0,
          Tb: 0,
          ...(L > 1 ? { same: (w.same ??= sameLabelVoxels(w.labels, w.n)) } : {}),
        },
        nz,
      );
      if (scale !== 0) addPatchSource(w.Tn, w.labels, sc, w.grid, w.patch, scale);
    }
    // every step: one long fine step can carry a voxel from well below boiling to well above it
    if (this.boiling) {
      // total temperature T_a + u + background at the step's end: time this.time + f1 of the coarse step
      const tEnd = this.time + (f1 * dt) / (f1 - f0);
      const o = w.o;
      this.boiling.project(
        w.Tn,
        w.bgA,
        w.bgB,
        f1,
        this.medium.arterialTemperature,
        w.labels,
        o,
        w.n,
        this.grid.shape,
        tEnd,
        this.sonicationIndex,
      );
    }
    await w.exec.run(
      THERMAL_DOSE_KERNEL,
      {
        T0: w.T,
        T1: w.Tn,
        dose: w.dose,
        ps: w.ps,
        boiled: w.boiled,
        zMax: w.zMax,
        dt,
        threshold: this.threshold,
        shutdown: this.shutdown,
        Toff: this.medium.arterialTemperature,
        arr: false,
        lnA: 0,
        eaOverR: 0,
        omega: EMPTY64,
        hasBg: true,
        bg0: w.bgA,
        bg1: w.bgB,
        f0,
        f1,
        factor: w.factor,
        tmax: w.tmax,
        nx,
        ny,
      },
      nz,
    );
    this.voxelUpdates += nx * ny * nz;
    let peak = Number.NEGATIVE_INFINITY;
    for (let z = 0; z < nz; z++) if (w.zMax[z] > peak) peak = w.zMax[z];
    this.lastPeak = peak;
    if (peak > this.peakTemperature) this.peakTemperature = peak;
    const tmp = w.T;
    w.T = w.Tn;
    w.Tn = tmp;
  }

  /** Highest temperature (°C) each fine voxel reached: its own while in a window, else its coarse cell's. */
  maxTemperature(): Float32Array {
    const [nx, ny, nz] = this.grid.shape;
    const cs = this.coarseGrid.shape;
    const r = this.r;
    const out = new Float32Array(nx * ny * nz);
    for (let z = 0; z < nz; z++)
      for (let y = 0; y < ny; y++)
        for (let x = 0; x < nx; x++) {
          const i = x + nx * (y + ny * z);
          const c = this.coarseMax[((x / r) | 0) + cs[0] * (((y / r) | 0) + cs[1] * ((z / r) | 0))];
          out[i] = Math.max(this.fineMax[i], c);
        }
    if (this.activeBox) this.mergeWindowMax(this.activeBox, out);
    return out;
  }

  /** Raises `out` (fine grid) to the window's highest temperatures. */
  private mergeWindowMax(w: Window, out: Float32Array): void {
    const [gx, gy] = this.grid.shape;
    for (let z = 0; z < w.n[2]; z++)
      for (let y = 0; y < w.n[1]; y++) {
        const row = w.n[0] * (y + w.n[1] * z);
        const g = w.o[0] + gx * (w.o[1] + y + gy * (w.o[2] + z));
        for (let x = 0; x < w.n[0]; x++) if (w.tmax[row + x] > out[g + x]) out[g + x] = w.tmax[row + x];
      }
  }

  /**
   * Energy leaving the window through its faces in this fine step (the kernel's ghost term with u = 0 outside:
   * ρC v · c_aa · f·u_i per face, u = T with f = 1, or the Taylor step's rate with f = Δt/2), added to the coarse
   * cell that holds the voxel.
   */
  private accumulateLeak(w: Window, cx: Float64Array, cy: Float64Array, cz: Float64Array, u: Float64Array, f: number): void {
    const L = this.fineTab.count;
    const v = voxelVolume(this.grid);
    const rhoC = this.fineTab.rhoC;
    const { faceVoxel, faceCell, faceAxis } = w;
    for (let k = 0; k < faceVoxel.length; k++) {
      const i = faceVoxel[k];
      const a = w.labels[i];
      const c = faceAxis[k] === 0 ? cx : faceAxis[k] === 1 ? cy : cz;
      this.leak[faceCell[k]] += rhoC[a] * v * c[a * L + a] * u[i] * f;
    }
  }

  /**
   * The window's face voxels as accumulateLeak visits them (x faces, then y, then z; edges once per face), with
   * the coarse cell that holds each and the axis of its face.
   */
  private windowFaces(o: readonly number[], n: readonly number[]): { faceVoxel: Int32Array; faceCell: Int32Array; faceAxis: Uint8Array } {
    const [nx, ny, nz] = n;
    const count = 2 * (ny * nz + nx * nz + nx * ny);
    const faceVoxel = new Int32Array(count);
    const faceCell = new Int32Array(count);
    const faceAxis = new Uint8Array(count);
    const r = this.r;
    const cs = this.coarseGrid.shape;
    let k = 0;
    const add = (x: number, y: number, z: number, axis: number) => {
      faceVoxel[k] = x + nx * (y + ny * z);
      faceCell[k] = (((o[0] + x) / r) | 0) + cs[0] * ((((o[1] + y) / r) | 0) + cs[1] * (((o[2] + z) / r) | 0));
      faceAxis[k++] = axis;
    };
    for (let z = 0; z < nz; z++)
      for (let y = 0; y < ny; y++) {
        add(0, y, z, 0);
        add(nx - 1, y, z, 0);
      }
    for (let z = 0; z < nz; z++)
      for (let x = 0; x < nx; x++) {
        add(x, 0, z, 1);
        add(x, ny - 1, z, 1);
      }
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        add(x, y, 0, 2);
        add(x, y, nz - 1, 2);
      }
    return { faceVoxel, faceCell, faceAxis };
  }

  /** Trilinear interpolation of a coarse field (cell centres) onto the window's fine voxels. */
  private interpolateBackground(U: Float64Array, out: Float64Array): void {
    const w = this.activeBox as Window;
    const r = this.r;
    const [cnx, cny, cnz] = this.coarseGrid.shape;
    const [nx, ny, nz] = w.n;
    const off = (r - 1) / 2;
    const sy = cnx;
    const sz = cnx * cny;
    // Per-axis cell indices and weights, computed once (the window is a product of three 1D ranges).
    const axis = (n: number, o: number, cn: number) => {
      const i0 = new Int32Array(n);
      const i1 = new Int32Array(n);
      const t = new Float64Array(n);
      for (let x = 0; x < n; x++) {
        const f = Math.min(Math.max((o + x - off) / r, 0), cn - 1);
        const a = Math.min(f | 0, cn - 2 < 0 ? 0 : cn - 2);
        i0[x] = a;
        i1[x] = Math.min(a + 1, cn - 1);
        t[x] = cn > 1 ? f - a : 0;
      }
      return { i0, i1, t };
    };
    const ax = axis(nx, w.o[0], cnx);
    const ay = axis(ny, w.o[1], cny);
    const az = axis(nz, w.o[2], cnz);
    for (let z = 0; z < nz; z++) {
      const k0 = az.i0[z] * sz,
        k1 = az.i1[z] * sz,
        tz = az.t[z];
      for (let y = 0; y < ny; y++) {
        const j0 = ay.i0[y] * sy,
          j1 = ay.i1[y] * sy,
          ty = ay.t[y];
        const b00 = j0 + k0,
          b10 = j1 + k0,
          b01 = j0 + k1,
          b11 = j1 + k1;
        const row = nx * (y + ny * z);
        for (let x = 0; x < nx; x++) {
          const i0 = ax.i0[x],
            i1 = ax.i1[x],
            tx = ax.t[x];
          const c00 = U[b00 + i0] * (1 - tx) + U[b00 + i1] * tx;
          const c10 = U[b10 + i0] * (1 - tx) + U[b10 + i1] * tx;
          const c01 = U[b01 + i0] * (1 - tx) + U[b01 + i1] * tx;
          const c11 = U[b11 + i0] * (1 - tx) + U[b11 + i1] * tx;
          out[row + x] = (c00 * (1 - ty) + c10 * ty) * (1 - tz) + (c01 * (1 - ty) + c11 * ty) * tz;
        }
      }
    }
  }

  private openWindow(s: TreatmentSonication): void {
    const placed = placePatch(s.beam ?? this.beam, this.grid, s.position);
    const r = this.r;
    const o: [number, number, number] = [0, 0, 0];
    const n: [number, number, number] = [0, 0, 0];
    for (let a = 0; a < 3; a++) {
      const m = Math.ceil(this.margin / this.grid.spacing[a]);
      const lo = Math.max(0, Math.floor((placed.offset[a] - m) / r) * r);
      const hi = Math.min(this.grid.shape[a], Math.ceil((placed.offset[a] + placed.shape[a] + m) / r) * r);
      if (hi <= lo)
        throw new InputError(
          'sonications.position',
          `focus ${s.position.map((v) => v * 1e3).join(', ')} mm puts the beam outside the grid`,
        );
      o[a] = lo;
      n[a] = hi - lo;
    }
    const nw = n[0] * n[1] * n[2];
    const grid = createGrid(n, this.grid.spacing);
    const labels = sharedUint8(nw);
    const dose = sharedFloat64(nw);
    const ps = sharedFloat32(nw);
    const [nx, ny] = this.grid.shape;
    const cs = this.coarseGrid.shape;
    for (let z = 0; z < n[2]; z++)
      for (let y = 0; y < n[1]; y++)
        for (let x = 0; x < n[0]; x++) {
          const gi = o[0] + x + nx * (o[1] + y + ny * (o[2] + z));
          const wi = x + n[0] * (y + n[1] * z);
          labels[wi] = this.medium.labels[gi];
          dose[wi] = this.fineDose[gi];
          const ci = (((o[0] + x) / r) | 0) + cs[0] * ((((o[1] + y) / r) | 0) + cs[1] * (((o[2] + z) / r) | 0));
          ps[wi] = dose[wi] + this.coarseDose[ci] >= this.threshold ? this.shutdown : 1;
        }
    for (let k = o[2] / r; k < (o[2] + n[2]) / r; k++)
      for (let j = o[1] / r; j < (o[1] + n[1]) / r; j++)
        for (let i = o[0] / r; i < (o[0] + n[0]) / r; i++) this.coarseInWindow[i + cs[0] * (j + cs[1] * k)] = 1;
    const patch: PatchHeatSource = { ...placed, offset: [placed.offset[0] - o[0], placed.offset[1] - o[1], placed.offset[2] - o[2]] };
    // a large window splits its slices across the executor's threads (bit-identical: every kernel writes only its
    // own slices); it then shares them with the coarse dose that overlaps its steps
    const exec = this.executor.threads > 1 && nw >= this.parallelWindowVoxels ? this.executor : this.fineExecutor;
    this.activeBox = {
      o,
      n,
      grid,
      labels,
      T: sharedFloat64(nw),
      Tn: sharedFloat64(nw),
      dose,
      ps,
      boiled: sharedUint8(nw),
      zMax: sharedFloat64(n[2]),
      bgA: sharedFloat64(nw),
      bgB: sharedFloat64(nw),
      factor: sharedFloat64(nw),
      tmax: sharedFloat32(nw).fill(Number.NEGATIVE_INFINITY),
      patch,
      taylor: this.fineScheme === 'explicit4' ? new TaylorStepper(grid, labels, this.fineTab, 0, exec) : null,
      exec,
      ...this.windowFaces(o, n),
    };
    this.interpolateBackground(this.Uc, this.activeBox.bgA);
    this.boiling?.open(nw);
    const Ta = this.medium.arterialTemperature;
    const { factor, bgA } = this.activeBox;
    for (let i = 0; i < nw; i++) factor[i] = cem43Factor(Ta + bgA[i]);
  }

  private copyWindowDose(out: Float64Array): void {
    const w = this.activeBox as Window;
    const [nx, ny] = this.grid.shape;
    for (let z = 0; z < w.n[2]; z++)
      for (let y = 0; y < w.n[1]; y++)
        for (let x = 0; x < w.n[0]; x++) out[w.o[0] + x + nx * (w.o[1] + y + ny * (w.o[2] + z))] = w.dose[x + w.n[0] * (y + w.n[1] * z)];
  }

  /** Hands the window's heat to the coarse level (energy-conserving restriction) and its dose to the fine map. */
  private retireWindow(): void {
    const w = this.activeBox;
    if (!w) return;
    // vapour left in the window condenses into its heat before the heat moves to the coarse level
    this.boiling?.condense(w.T, w.labels, w.n[0] * w.n[1] * w.n[2]);
    if (this.boiling) this.coarseHandover = Number.POSITIVE_INFINITY; // the next coarse step projects the handed-over heat
    this.copyWindowDose(this.fineDose);
    this.mergeWindowMax(w, this.fineMax);
    const r = this.r;
    const cs = this.coarseGrid.shape;
    const v = voxelVolume(this.grid);
    const vc = voxelVolume(this.coarseGrid);
    const dead = this.retireDead;
    const count = this.retireCount;
    for (let z = 0; z < w.n[2]; z++)
      for (let y = 0; y < w.n[1]; y++)
        for (let x = 0; x < w.n[0]; x++) {
          const wi = x + w.n[0] * (y + w.n[1] * z);
          const ci = (((w.o[0] + x) / r) | 0) + cs[0] * ((((w.o[1] + y) / r) | 0) + cs[1] * (((w.o[2] + z) / r) | 0));
          this.leak[ci] += this.fineTab.rhoC[w.labels[wi]] * v * w.T[wi];
          if (w.dose[wi] > this.pooledFineDose[ci]) this.pooledFineDose[ci] = w.dose[wi];
          dead[ci] += w.ps[wi];
          count[ci]++;
        }
    // only the window's coarse cells hold leak, window heat or counts (addLeak and accumulateLeak stay inside it)
    const lab = this.coarse.labels;
    for (let k = w.o[2] / r; k < (w.o[2] + w.n[2]) / r; k++)
      for (let j = w.o[1] / r; j < (w.o[1] + w.n[1]) / r; j++)
        for (let i = k * cs[0] * cs[1] + j * cs[0] + w.o[0] / r, e = i + w.n[0] / r; i < e; i++) {
          if (this.leak[i] !== 0) {
            this.Uc[i] += this.leak[i] / (this.coarseTab.rhoC[lab[i]] * vc);
            this.leak[i] = 0;
          }
          if (count[i] > 0) this.coarsePs[i] = dead[i] / count[i];
          // cells that took the window's heat, or sat under it (no dose kept), start from their temperature now
          if (count[i] > 0) this.coarseCem[i] = cem43Factor(this.medium.arterialTemperature + this.Uc[i]);
          this.coarseInWindow[i] = 0;
          dead[i] = 0;
          count[i] = 0;
        }
    this.activeBox = null;
  }
}

/** T_a + u per cell as float32 (a plain loop: TypedArray.from with a map function costs ~10× more per cell). */
function riseToCelsius(u: Float64Array, Ta: number): Float32Array {
  const out = new Float32Array(u.length);
  for (let i = 0; i < u.length; i++) out[i] = u[i] + Ta;
  return out;
}

const EMPTY32 = sharedFloat32(1);
const EMPTY64 = sharedFloat64(1);

function fillTables(
  tab: ReturnType<typeof materialTables>,
  dt: number,
  dx: number,
  dy: number,
  dz: number,
  cx: Float64Array,
  cy: Float64Array,
  cz: Float64Array,
  pc: Float64Array,
  sc: Float64Array,
): void {
  const L = tab.count;
  for (let a = 0; a < L; a++) {
    const s = dt * tab.invRhoC[a];
    sc[a] = s;
    pc[a] = dt * tab.perfusionRate[a];
    for (let b = 0; b < L; b++) {
      const k = tab.faceConductivity[a * L + b];
      cx[a * L + b] = (s * k) / (dx * dx);
      cy[a * L + b] = (s * k) / (dy * dy);
      cz[a * L + b] = (s * k) / (dz * dz);
    }
  }
}
