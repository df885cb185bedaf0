import { type BoilingMaterials, type BoilingOptions, GREYSCALE_FADE_TIME, boilingMaterials, enthalpyProjection } from './boiling.js';
import type { KernelArgs } from '../parallel/kernel-registry.js';
import { sharedFloat64 } from '../parallel/parallel-executor.js';
import { coarseProjectionKernel } from './coarse-projection-kernel.js';
import { BOILING_TEMPERATURE } from './thermal-dose.js';
import type { ThermalMaterial } from './thermal-medium.js';

/**
 * Boiling for the two-level treatment solver (treatment-simulation.ts): the enthalpy projection of boiling.ts applied
 * to the total temperature T_a + u_window + u_background of the fine window, with the correction put into u_window
 * (the window carries the current sonication's heat, where boiling happens). Vapour lives on the window; when the
 * window is retired its vapour condenses into the window's heat before the heat is handed to the coarse level, so
 * energy is conserved. Bubbles are remembered on the fine grid as the time each voxel last held one; the greyscale
 * at time t is exp(−(t − t_last)/τ) (boiling.ts, GREYSCALE_FADE_TIME), 1 while bubbles are present.
 */
export class WindowBoiling {
  /** fine-grid time (s) each voxel last held a bubble; −Infinity: never */
  readonly lastBubble: Float32Array;
  /** first time any voxel reached the boiling temperature / held a bubble, s */
  boilingOnset: number | null = null;
  greyscaleOnset: number | null = null;
  /** per sonication index: first time (s) a bubble formed during it (null: none) */
  readonly sonicationGreyscale: Array<number | null> = [];
  readonly temperature: number;
  readonly fadeTime: number;
  private readonly m: BoilingMaterials;
  /** vapour fraction on the current window (reset when a window opens) */
  private vapour: Float64Array = new Float64Array(0);
  private vapourVoxels = 0;
  private readonly scratch = new Float64Array(1);

  constructor(fineVoxels: number, materials: readonly ThermalMaterial[], options: BoilingOptions = {}) {
    this.lastBubble = new Float32Array(fineVoxels).fill(Number.NEGATIVE_INFINITY);
    this.m = boilingMaterials(materials, options);
    this.temperature = options.temperature ?? BOILING_TEMPERATURE;
    this.fadeTime = options.fadeTime ?? GREYSCALE_FADE_TIME;
  }

  /** A new window of `voxels` voxels opens (no vapour: the previous one condensed at retirement). */
  open(voxels: number): void {
    if (this.vapour.length < voxels) this.vapour = new Float64Array(voxels);
    else this.vapour.fill(0, 0, voxels);
    this.vapourVoxels = 0;
  }

  /**
   * Projects the window after a fine step ending at `time`: u (the window's rise, in place), the background rise
   * bg = (1 − f)·bgA + f·bgB, labels, the window's origin `o` and shape `n` on the fine grid of shape `fine`.
   */
  project(
    u: Float64Array,
    bgA: Float64Array,
    bgB: Float64Array,
    f: number,
    Ta: number,
    labels: Uint8Array,
    o: readonly number[],
    n: readonly number[],
    fine: readonly number[],
    time: number,
    sonication: number,
  ): void {
    const Tb = this.temperature;
    const { rhoC, latentCapacity, bubbleVapour } = this.m;
    const phi = this.vapour;
    const next = this.scratch;
    let count = 0;
    for (let z = 0; z < n[2]; z++)
      for (let y = 0; y < n[1]; y++)
        for (let x = 0; x < n[0]; x++) {
          const i = x + n[0] * (y + n[1] * z);
          const T = Ta + u[i] + (1 - f) * bgA[i] + f * bgB[i];
          if (T <= Tb && phi[i] === 0) continue;
          if (T > Tb && this.boilingOnset === null) this.boilingOnset = time;
          const a = labels[i];
          u[i] += enthalpyProjection(T, phi[i], Tb, rhoC[a], latentCapacity[a], next) - T;
          phi[i] = next[0];
          if (phi[i] > 0) count++;
          if (phi[i] >= bubbleVapour[a]) {
            this.lastBubble[o[0] + x + fine[0] * (o[1] + y + fine[1] * (o[2] + z))] = time;
            if (this.greyscaleOnset === null) this.greyscaleOnset = time;
            if ((this.sonicationGreyscale[sonication] ?? null) === null) this.sonicationGreyscale[sonication] = time;
          }
        }
    this.vapourVoxels = count;
  }

  /** Condenses the window's vapour into its heat u (before the window is handed to the coarse level). */
  condense(u: Float64Array, labels: Uint8Array, voxels: number): void {
    if (this.vapourVoxels === 0) return;
    for (let i = 0; i < voxels; i++) {
      if (this.vapour[i] === 0) continue;
      const a = labels[i];
      u[i] += (this.vapour[i] * this.m.latentCapacity[a]) / this.m.rhoC[a];
      this.vapour[i] = 0;
    }
    this.vapourVoxels = 0;
  }

  /**
   * The same enthalpy projection on the coarse level (rise U over T_a, in place): the heat a retired window hands over
   * includes its condensed vapour, and a coarse cell that would pass T_b vaporises instead. No bubbles are tracked
   * there (the greyscale comes from the fine windows). Skipped while no cell is near boiling and none holds vapour.
   */
  projectCoarse(U: Float64Array, Ta: number, labels: Uint8Array, nx: number, ny: number): void {
    const args = this.coarseProjectionArgs(U.length, nx, ny, labels, Ta);
    coarseProjectionKernel({ ...args, T1: U }, 0, U.length / (nx * ny));
    this.coarseProjected();
  }

  /**
   * The arguments of the coarse projection kernel (coarse-projection-kernel.ts) for a coarse grid of `cells` cells,
   * nx × ny per slice (T1, the rise to project, is the caller's): on shared memory, so a fused kernel run on a pool
   * can project. Call coarseProjected after the run.
   */
  coarseProjectionArgs(cells: number, nx: number, ny: number, labels: Uint8Array, Ta: number): KernelArgs {
    if (this.coarseVapour.length !== cells) {
      this.coarseVapour = sharedFloat64(cells);
      this.coarseVapourSlices = sharedFloat64(cells / (nx * ny));
      this.coarseRhoC = sharedFloat64(this.m.rhoC.length);
      this.coarseRhoC.set(Array.from(this.m.rhoC));
      this.coarseLatent = sharedFloat64(this.m.latentCapacity.length);
      this.coarseLatent.set(Array.from(this.m.latentCapacity));
    }
    return {
      project: true,
      vapour: this.coarseVapour,
      vapourCount: this.coarseVapourSlices,
      labels,
      rhoC: this.coarseRhoC,
      latent: this.coarseLatent,
      Toff: Ta,
      boilT: this.temperature,
      nx,
      ny,
    };
  }

  /** After a run of the coarse projection: the count of cells holding vapour, from its per-slice counts. */
  coarseProjected(): void {
    let count = 0;
    for (let z = 0; z < this.coarseVapourSlices.length; z++) count += this.coarseVapourSlices[z];
    this.coarseVapourCells = count;
  }

  /** True when the coarse level may need the projection (a hot cell or vapour). */
  coarseNeeded(peakTemperature: number): boolean {
    return this.coarseVapourCells > 0 || peakTemperature >= this.temperature - 50;
  }

  private coarseVapour: Float64Array = new Float64Array(0);
  private coarseVapourSlices: Float64Array = new Float64Array(0);
  private coarseRhoC: Float64Array = new Float64Array(0);
  private coarseLatent: Float64Array = new Float64Array(0);
  private coarseVapourCells = 0;

  /** Greyscale level of each fine voxel at time t (0 where no bubble ever formed). */
  greyscale(t: number): Float32Array {
    const out = new Float32Array(this.lastBubble.length);
    for (let i = 0; i < out.length; i++) {
      const last = this.lastBubble[i];
      if (last > Number.NEGATIVE_INFINITY) out[i] = Math.exp(-Math.max(0, t - last) / this.fadeTime);
    }
    return out;
  }
}
