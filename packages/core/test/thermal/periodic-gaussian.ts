// Test helper: a periodised Gaussian heat source sampled on a periodic grid, and its exact reference problem.
import { BLOOD, type Grid3D, type PeriodicGaussianProblem, type Tissue, type Vec3, createGrid } from '../../src/index.js';

export interface GaussianCase {
  grid: Grid3D;
  q: Float32Array;
  problem: PeriodicGaussianProblem;
  centreIndex: number;
}

/** A cubic periodic box of `edge` m at spacing h with a Gaussian (σ per axis, peak W/m³) at its centre voxel. */
export function periodicGaussianCase(edge: number, h: number, sigma: Vec3, peak: number, tissue: Tissue, onTime: number): GaussianCase {
  const n = Math.round(edge / h);
  const grid = createGrid([n, n, n], [h, h, h]);
  const c = (n / 2) * h;
  const q = new Float32Array(n ** 3);
  const g = [0, 1, 2].map((a) => {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let m = -2; m <= 2; m++) v[i] += Math.exp(-((i * h - c - m * edge) ** 2) / (2 * sigma[a] ** 2));
    return v;
  });
  for (let k = 0; k < n; k++)
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) q[i + n * (j + n * k)] = peak * g[0][i] * g[1][j] * g[2][k];
  return {
    grid,
    q,
    centreIndex: n / 2 + n * (n / 2 + n * (n / 2)),
    problem: {
      box: [edge, edge, edge],
      centre: [c, c, c],
      sigma,
      peak,
      conductivity: tissue.conductivity,
      density: tissue.density,
      specificHeat: tissue.specificHeat,
      perfusionCoefficient: tissue.perfusion * BLOOD.density * BLOOD.specificHeat,
      onTime,
    },
  };
}
