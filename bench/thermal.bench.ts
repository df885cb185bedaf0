// Thermal engine benchmarks: the explicit Pennes kernel (voxel-updates/s/thread, fraction of memory bandwidth),
// its 2-worker speed-up, and a synthetic whole treatment (300 sonications in a 55 mm sphere, 0.5 mm grid).
import { WorkerPoolExecutor } from '../packages/cli/src/parallel/worker-pool.ts';
import {
  type KernelArgs,
  PENNES_EXPLICIT_KERNEL,
  SerialExecutor,
  cem43Factor,
  THERMAL_DOSE_KERNEL,
  TreatmentSimulation,
  createGrid,
  fourthOrderFaceMask,
  gaussianPatch,
  getTissue,
  homogeneousThermalMedium,
  lesionVolume,
  pennesExplicitKernel,
  pennesRate4Kernel,
  pennesStepDoseKernel,
  pennesTaylorKernel,
  sharedFloat32,
  sharedFloat64,
  sharedUint8,
  thermalDoseKernel,
} from '../packages/core/src/index.ts';
import { sameLabelVoxels } from '../packages/core/src/thermal/pennes-explicit-kernel.ts';
import type { BenchFile, BenchResult } from '../scripts/bench-types.ts';
import { measureBandwidth } from './memory-bandwidth.bench.ts';

function kernelArgs(n: number, materials: number): { stencil: KernelArgs; dose: KernelArgs } {
  const N = n ** 3;
  const T0 = sharedFloat64(N);
  for (let i = 0; i < N; i++) T0[i] = 37 + 20 * Math.exp(-(((i % n) - n / 2) ** 2) / 200);
  const labels = sharedUint8(N);
  for (let i = 0; i < N; i++) labels[i] = materials > 1 && Math.floor(i / (n * n)) > n / 2 ? 1 : 0;
  const table = (size: number, v: number) => sharedFloat64(size).fill(v);
  const L = materials;
  const stencil: KernelArgs = {
    T0,
    T1: sharedFloat64(N),
    labels,
    cx: table(L * L, 0.15),
    cy: table(L * L, 0.15),
    cz: table(L * L, 0.15),
    pc: table(L, 0.001),
    sc: table(L, 1e-7),
    ps: sharedFloat32(N).fill(1),
    q: sharedFloat32(N).fill(1e6),
    qs: 1,
    nx: n,
    ny: n,
    nz: n,
    L,
    bc: 0,
    Ta: 37,
    Tb: 37,
    // as the solvers pass it: voxels inside one material read one coefficient per axis
    ...(materials > 1 ? { same: sameLabelVoxels(labels, [n, n, n]) } : {}),
  };
  const factor = sharedFloat64(N);
  for (let i = 0; i < N; i++) factor[i] = cem43Factor(T0[i]);
  const dose: KernelArgs = {
    T0,
    T1: stencil.T1,
    dose: sharedFloat64(N),
    ps: stencil.ps,
    boiled: sharedUint8(N),
    zMax: sharedFloat64(n),
    dt: 0.1,
    threshold: 240,
    shutdown: 0,
    Toff: 0,
    arr: false,
    lnA: 0,
    eaOverR: 0,
    omega: sharedFloat64(1),
    hasBg: false,
    bg0: sharedFloat64(1),
    bg1: sharedFloat64(1),
    f0: 0,
    f1: 0,
    // the solvers' case: CEM43 factors kept between steps, highest temperature per voxel
    factor,
    tmax: sharedFloat32(N),
    nx: n,
    ny: n,
  };
  return { stencil, dose };
}

/** CPU seconds of this process: single-thread kernels are timed by it, so a loaded machine's waits do not count. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function rate(n: number, reps: number, fn: () => void): number {
  fn();
  fn(); // warm-up
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 3; r++) {
    const t = cpuSeconds();
    for (let k = 0; k < reps; k++) fn();
    best = Math.min(best, (cpuSeconds() - t) / reps);
  }
  return n ** 3 / best;
}

async function rateAsync(n: number, reps: number, fn: () => Promise<void>): Promise<number> {
  await fn();
  await fn();
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    for (let k = 0; k < reps; k++) await fn();
    best = Math.min(best, (performance.now() - t) / 1000 / reps);
  }
  return n ** 3 / best;
}

/** 300 foci in a 55 mm sphere: slices 5 mm apart in z (deepest first), a 3.5 mm lattice in x, y within each. */
function sphereFoci(radius: number, count: number, centre: number): [number, number, number][] {
  const all: [number, number, number][] = [];
  for (let z = radius - 2.5e-3; z > -radius; z -= 5e-3) {
    const ring: [number, number, number][] = [];
    for (let y = -radius; y <= radius; y += 3.5e-3)
      for (let x = -radius; x <= radius; x += 3.5e-3) if (x * x + y * y + z * z <= (radius - 3e-3) ** 2) ring.push([x, y, z]);
    ring.sort((a, b) => a[0] ** 2 + a[1] ** 2 - b[0] ** 2 - b[1] ** 2); // centre outward
    all.push(...ring);
  }
  const step = all.length / count;
  return Array.from({ length: count }, (_, i) => all[Math.floor(i * step)]).map((p) => [p[0] + centre, p[1] + centre, p[2] + centre]);
}

const bench: BenchFile = {
  name: 'thermal',
  async run(): Promise<BenchResult[]> {
    const out: BenchResult[] = [];
    const bw = measureBandwidth();
    const n = 128;
    for (const materials of [1, 2]) {
      const { stencil, dose } = kernelArgs(n, materials);
      const stencilRate = rate(n, 5, () => pennesExplicitKernel(stencil, 0, n));
      const doseRate = rate(n, 5, () => thermalDoseKernel(dose, 0, n));
      const fused = { ...stencil, ...dose };
      const fusedRate = rate(n, 5, () => pennesStepDoseKernel(fused, 0, n));
      // dose pass from memory: T0 8 + T1 8 + dose 8 + 8 (write) + factor 8 + 8 (write) + tmax 4 + 4 (write) + ps 4 = 60;
      // fused step + dose: the stencil's 25 and the dose's 60 less T0, T1 (in cache from the step) = 69
      const doseBytes = 60;
      const fusedBytes = 69;
      const both = 1 / (1 / stencilRate + 1 / doseRate);
      // bytes per voxel of the stencil from memory: T0 8 + T1 8 (write) + labels 1 + ps 4 + q 4 (neighbours from cache)
      const bytes = 25;
      const pool = new WorkerPoolExecutor(2);
      const serial = new SerialExecutor();
      const serialRate = await rateAsync(n, 5, () => serial.run(PENNES_EXPLICIT_KERNEL, stencil, n));
      const poolRate = await rateAsync(n, 5, () => pool.run(PENNES_EXPLICIT_KERNEL, stencil, n));
      const poolDose = await rateAsync(n, 5, () => pool.run(THERMAL_DOSE_KERNEL, dose, n));
      await pool.dispose();
      out.push({
        name: 'thermal-explicit-kernel',
        parameters: {
          grid: `${n}³`,
          materials,
          threads: 1,
          bytesPerVoxel: bytes,
          doseBytesPerVoxel: doseBytes,
          fusedBytesPerVoxel: fusedBytes,
          timing: 'CPU time',
        },
        figures: {
          stencilVoxelUpdatesPerS: stencilRate,
          doseVoxelUpdatesPerS: doseRate,
          stepWithDoseVoxelUpdatesPerS: both,
          fusedStepDoseVoxelUpdatesPerS: fusedRate,
          doseGBs: (doseRate * doseBytes) / 1e9,
          fusedStepDoseGBs: (fusedRate * fusedBytes) / 1e9,
          doseFractionOfCopyBandwidth: (doseRate * doseBytes) / 1e9 / bw.copyGBs,
          fusedStepDoseFractionOfCopyBandwidth: (fusedRate * fusedBytes) / 1e9 / bw.copyGBs,
          stencilGBs: (stencilRate * bytes) / 1e9,
          fractionOfCopyBandwidth: (stencilRate * bytes) / 1e9 / bw.copyGBs,
          fractionOfTriadBandwidth: (stencilRate * bytes) / 1e9 / bw.triadGBs,
          copyGBs: bw.copyGBs,
          triadGBs: bw.triadGBs,
          twoWorkerStencilVoxelUpdatesPerS: poolRate,
          twoWorkerSpeedUp: poolRate / serialRate,
          twoWorkerDoseSpeedUp: poolDose / doseRate,
        },
      });
    }

    // The 'explicit4' step: rate pass (fourth-order flux) + Taylor pass, the same 128³ fields.
    for (const materials of [1, 2]) {
      const { stencil } = kernelArgs(n, materials);
      const mask = fourthOrderFaceMask(stencil.labels as Uint8Array, [n, n, n]);
      const V = sharedFloat64(n ** 3);
      const rateArgs = { ...stencil, V, mask };
      const taylorArgs = { ...stencil, V, dt: 0.1, mask }; // as TaylorStepper runs it (the mask spares label look-ups)
      const rate4 = rate(n, 5, () => pennesRate4Kernel(rateArgs, 0, n));
      const taylor = rate(n, 5, () => pennesTaylorKernel(taylorArgs, 0, n));
      const step = 1 / (1 / rate4 + 1 / taylor);
      // bytes per voxel from memory: rate pass T0 8 + V 8 (write) + labels 1 + mask 1 + ps 4 + q 4 = 26;
      // Taylor pass T0 8 + V 8 + T1 8 (write) + labels 1 + ps 4 = 29
      const rateBytes = 26;
      const taylorBytes = 29;
      const gbs = (rate4 * rateBytes + taylor * taylorBytes) / 2 / 1e9; // mean of the two passes' achieved rates
      const stepGBs = (step * (rateBytes + taylorBytes)) / 1e9;
      out.push({
        name: 'thermal-explicit4-kernels',
        parameters: { grid: `${n}³`, materials, threads: 1, bytesPerVoxel: rateBytes + taylorBytes },
        figures: {
          rateVoxelUpdatesPerS: rate4,
          taylorVoxelUpdatesPerS: taylor,
          stepVoxelUpdatesPerS: step,
          rateGBs: (rate4 * rateBytes) / 1e9,
          taylorGBs: (taylor * taylorBytes) / 1e9,
          stepGBs,
          meanPassGBs: gbs,
          fractionOfCopyBandwidth: stepGBs / bw.copyGBs,
          fractionOfTriadBandwidth: stepGBs / bw.triadGBs,
          copyGBs: bw.copyGBs,
          triadGBs: bw.triadGBs,
        },
      });
    }

    // THERMAL_KERNELS_ONLY=1: the kernel figures alone (the synthetic treatment takes minutes)
    if (process.env.THERMAL_KERNELS_ONLY) return out;
    // Synthetic treatment: fibroid, 0.5 mm grid over a 70 mm cube, 300 sonications of 3 s + 3 s cooling (30 min).
    const h = 0.5e-3;
    const edge = 140;
    const grid = createGrid([edge, edge, edge], [h, h, h]);
    const medium = homogeneousThermalMedium(grid, getTissue('fibroid'));
    const beam = gaussianPatch([h, h, h], [0.6e-3, 0.6e-3, 2.5e-3], 1, 3, 1);
    const foci = sphereFoci(27.5e-3, 300, (edge / 2) * h);
    const sonications = foci.map((p) => ({ position: p, power: 1.0e8, duration: 3, cooling: 3 }));
    for (const threads of [1, 2]) {
      const executor = threads > 1 ? new WorkerPoolExecutor(threads) : new SerialExecutor();
      const t0 = performance.now();
      const sim = new TreatmentSimulation(medium, beam, sonications, { coarseFactor: 3, margin: 2e-3, executor });
      await sim.advance();
      const seconds = (performance.now() - t0) / 1000;
      const volume = lesionVolume(sim.dose(), grid);
      await executor.dispose();
      out.push({
        name: 'thermal-treatment',
        parameters: {
          sonications: 300,
          sonicationS: 3,
          coolingS: 3,
          treatmentS: sim.endTime,
          fineSpacingMm: 0.5,
          coarseFactor: 3,
          grid: `${edge}³`,
          sphereDiameterMm: 55,
          threads,
        },
        figures: {
          wallSeconds: seconds,
          lesionVolumeMm3: volume * 1e9,
          peakTemperatureC: sim.peakTemperature,
          voxelUpdates: sim.voxelUpdates,
          bruteForceVoxelUpdates: edge ** 3 * Math.ceil(sim.endTime / sim.fineDt),
          fineDtS: sim.fineDt,
          coarseDtS: sim.coarseDt,
        },
      });
    }
    return out;
  },
};
export default bench;
