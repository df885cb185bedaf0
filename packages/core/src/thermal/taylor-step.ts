import type { Grid3D } from '../grid/grid3d.js';
import type { KernelArgs } from '../parallel/kernel-registry.js';
import { type ParallelExecutor, sharedFloat32, sharedFloat64 } from '../parallel/parallel-executor.js';
import { type HeatSource, addPatchSource } from './heat-source.js';
import { PENNES_RATE4_KERNEL, PENNES_TAYLOR_KERNEL, fourthOrderFaceMask } from './pennes-taylor-kernel.js';
import type { MaterialTables } from './thermal-medium.js';

const EMPTY_F32 = sharedFloat32(1);

/**
 * The 'explicit4' step (pennes-taylor-kernel.ts) on one grid: keeps the face mask, the rate array v and the
 * 1-second coefficient tables, and runs the two kernels on an executor.
 */
export class TaylorStepper {
  /** v = A₄T + s of the last step, K/s (the step's rate; kept for the energy budget) */
  readonly rate: Float64Array;
  private readonly mask: Uint8Array;
  private readonly tab: { cx: Float64Array; cy: Float64Array; cz: Float64Array; pc: Float64Array; sc: Float64Array };

  constructor(
    private readonly grid: Grid3D,
    private readonly labels: Uint8Array,
    private readonly tables: MaterialTables,
    private readonly bc: number,
    private readonly executor: ParallelExecutor,
  ) {
    const n = labels.length;
    this.rate = sharedFloat64(n);
    this.mask = fourthOrderFaceMask(labels, grid.shape);
    const L = tables.count;
    const [dx, dy, dz] = grid.spacing;
    const cx = sharedFloat64(L * L);
    const cy = sharedFloat64(L * L);
    const cz = sharedFloat64(L * L);
    const pc = sharedFloat64(L);
    const sc = sharedFloat64(L);
    for (let a = 0; a < L; a++) {
      sc[a] = tables.invRhoC[a];
      pc[a] = tables.perfusionRate[a];
      for (let b = 0; b < L; b++) {
        const k = tables.faceConductivity[a * L + b] * tables.invRhoC[a];
        cx[a * L + b] = k / (dx * dx);
        cy[a * L + b] = k / (dy * dy);
        cz[a * L + b] = k / (dz * dz);
      }
    }
    this.tab = { cx, cy, cz, pc, sc };
  }

  /**
   * T1 from T0 over dt: rate (with the source scaled by `scale`: a whole-grid field or a patch), the voxels in
   * `frozen` given rate 0 (held voxels), then the Taylor step. Ta: the arterial temperature in T's frame, Tb:
   * the ghost temperature outside the box.
   */
  async step(
    T0: Float64Array,
    T1: Float64Array,
    ps: Float32Array,
    source: HeatSource | null,
    scale: number,
    dt: number,
    Ta: number,
    Tb: number,
    frozen: Int32Array | null = null,
  ): Promise<void> {
    const [nx, ny, nz] = this.grid.shape;
    const full = source?.kind === 'field' && scale !== 0;
    const common = { labels: this.labels, ...this.tab, ps, nx, ny, nz, L: this.tables.count, bc: this.bc };
    const rateArgs: KernelArgs = {
      ...common,
      T0,
      V: this.rate,
      mask: this.mask,
      q: full ? source.q : EMPTY_F32,
      qs: full ? scale : 0,
      Ta,
      Tb,
    };
    await this.executor.run(PENNES_RATE4_KERNEL, rateArgs, nz);
    if (source?.kind === 'patch' && scale !== 0) addPatchSource(this.rate, this.labels, this.tab.sc, this.grid, source, scale);
    if (frozen) for (const i of frozen) this.rate[i] = 0;
    await this.executor.run(PENNES_TAYLOR_KERNEL, { ...common, T0, V: this.rate, T1, dt, mask: this.mask }, nz);
  }
}
