import { InputError, requireFinite } from '../errors.js';
import { type Grid3D, voxelCount } from '../grid/grid3d.js';
import { sharedUint8 } from '../parallel/parallel-executor.js';
import { ARTERIAL_TEMPERATURE, BLOOD, type Tissue } from '../tissue/tissue-table.js';

/** The thermal part of a tissue (Pennes' equation needs nothing else). */
export interface ThermalMaterial {
  readonly name: string;
  /** ρ, kg/m³ */
  readonly density: number;
  /** C, J/kg/K */
  readonly specificHeat: number;
  /** k, W/m/K */
  readonly conductivity: number;
  /** volumetric blood flow w_b, 1/s (enters as ρ_b C_b w_b (T − T_a)) */
  readonly perfusion: number;
}

/**
 * A medium for the bioheat solvers: a label per voxel (index into `materials`) on a grid, the blood that
 * perfuses it and the arterial temperature. A homogeneous medium is one material with every label 0.
 * `labels` is on shared memory (SharedArrayBuffer where available) so a worker pool can read it.
 */
export interface ThermalMedium {
  readonly grid: Grid3D;
  readonly labels: Uint8Array;
  readonly materials: readonly ThermalMaterial[];
  /** ρ_b kg/m³, C_b J/kg/K */
  readonly blood: { readonly density: number; readonly specificHeat: number };
  /** T_a, °C */
  readonly arterialTemperature: number;
}

/** Options shared by the medium constructors. */
export interface ThermalMediumOptions {
  blood?: { density: number; specificHeat: number };
  arterialTemperature?: number;
}

function material(t: ThermalMaterial | Tissue, field: string): ThermalMaterial {
  return {
    name: t.name,
    density: requireFinite(`${field}.density`, t.density, 'positive'),
    specificHeat: requireFinite(`${field}.specificHeat`, t.specificHeat, 'positive'),
    conductivity: requireFinite(`${field}.conductivity`, t.conductivity, 'positive'),
    perfusion: requireFinite(`${field}.perfusion`, t.perfusion, 'non-negative'),
  };
}

function common(options: ThermalMediumOptions): { blood: { density: number; specificHeat: number }; arterialTemperature: number } {
  const blood = options.blood ?? BLOOD;
  return {
    blood: {
      density: requireFinite('blood.density', blood.density, 'positive'),
      specificHeat: requireFinite('blood.specificHeat', blood.specificHeat, 'positive'),
    },
    arterialTemperature: requireFinite('arterialTemperature', options.arterialTemperature ?? ARTERIAL_TEMPERATURE),
  };
}

/** One tissue everywhere on the grid. */
export function homogeneousThermalMedium(
  grid: Grid3D,
  tissue: ThermalMaterial | Tissue,
  options: ThermalMediumOptions = {},
): ThermalMedium {
  return { grid, labels: sharedUint8(voxelCount(grid)), materials: [material(tissue, 'tissue')], ...common(options) };
}

/**
 * A label map (values index `materials`, at most 256) with one material per label. The labels are copied
 * to shared memory; a label without a material is an InputError naming the first voxel that has it.
 */
export function labelledThermalMedium(
  grid: Grid3D,
  labels: ArrayLike<number>,
  materials: ReadonlyArray<ThermalMaterial | Tissue>,
  options: ThermalMediumOptions = {},
): ThermalMedium {
  const n = voxelCount(grid);
  if (labels.length !== n) throw new InputError('labels', `has ${labels.length} voxels, the grid has ${n}`);
  if (materials.length < 1 || materials.length > 256) throw new InputError('materials', `need 1 to 256 materials, got ${materials.length}`);
  const mats = materials.map((m, i) => material(m, `materials[${i}]`));
  const out = sharedUint8(n);
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    if (!(l >= 0 && l < mats.length && Number.isInteger(l))) {
      throw new InputError('labels', `voxel ${i} has label ${l}; labels must be integers in [0, ${mats.length - 1}]`);
    }
    out[i] = l;
  }
  return { grid, labels: out, materials: mats, ...common(options) };
}

/**
 * Per-material tables the kernels read (L = number of materials):
 * - `invRhoC[a]` = 1/(ρ_a C_a), m³K/J
 * - `perfusionRate[a]` = w_a ρ_b C_b / (ρ_a C_a), 1/s
 * - `faceConductivity[a·L + b]` = 2 k_a k_b / (k_a + k_b), W/m/K: the conductivity of the face between voxels
 *   of materials a and b (harmonic mean, exact for a layered interface halfway between the centres;
 *   Patankar, Numerical Heat Transfer and Fluid Flow, 1980, §4.2-3).
 */
export interface MaterialTables {
  readonly count: number;
  readonly rhoC: Float64Array;
  readonly invRhoC: Float64Array;
  readonly perfusionRate: Float64Array;
  /** w ρ_b C_b, W/m³/K */
  readonly perfusionCoefficient: Float64Array;
  readonly faceConductivity: Float64Array;
}

export function materialTables(medium: ThermalMedium): MaterialTables {
  const L = medium.materials.length;
  const rhoC = new Float64Array(L);
  const invRhoC = new Float64Array(L);
  const perfusionRate = new Float64Array(L);
  const perfusionCoefficient = new Float64Array(L);
  const faceConductivity = new Float64Array(L * L);
  const bloodRhoC = medium.blood.density * medium.blood.specificHeat;
  for (let a = 0; a < L; a++) {
    const m = medium.materials[a];
    rhoC[a] = m.density * m.specificHeat;
    invRhoC[a] = 1 / rhoC[a];
    perfusionCoefficient[a] = m.perfusion * bloodRhoC;
    perfusionRate[a] = perfusionCoefficient[a] * invRhoC[a];
    for (let b = 0; b < L; b++) {
      const kb = medium.materials[b].conductivity;
      faceConductivity[a * L + b] = (2 * m.conductivity * kb) / (m.conductivity + kb);
    }
  }
  return { count: L, rhoC, invRhoC, perfusionRate, perfusionCoefficient, faceConductivity };
}

/**
 * The explicit scheme's stability limit (s), from the physics. The update of voxel i reads
 * T_i' = (1 − Σ_f c_f − p_i Δt) T_i + Σ_f c_f T_f + …, with c_f = Δt k_f /(ρ_i C_i h_f²) and p_i the perfusion
 * rate; it is a convex combination (maximum principle, no growth) iff Σ_f c_f + p_i Δt ≤ 1, i.e.
 * Δt ≤ ρ_i C_i / (Σ_f k_f/h_f² + w_i ρ_b C_b) for every voxel. For a homogeneous medium without perfusion this
 * is κ Δt (2/dx² + 2/dy² + 2/dz²) ≤ 1, i.e. κ Δt/h² ≤ 1/6 on a cubic grid (shared/reference/formulas.md),
 * which is also the von Neumann limit. Exact per voxel (one pass over the labels; a 'body' or 'adiabatic'
 * boundary face counts as a face to the voxel's own material, the worse of the two).
 */
export function explicitStabilityLimit(medium: ThermalMedium, boundary: ThermalBoundary = 'body'): number {
  const tab = materialTables(medium);
  const L = tab.count;
  const [nx, ny, nz] = medium.grid.shape;
  const [dx, dy, dz] = medium.grid.spacing;
  const ix2 = 1 / (dx * dx),
    iy2 = 1 / (dy * dy),
    iz2 = 1 / (dz * dz);
  const lab = medium.labels;
  const kf = tab.faceConductivity;
  if (L === 1) return tab.rhoC[0] / (2 * kf[0] * (ix2 + iy2 + iz2) + tab.perfusionCoefficient[0]);
  const wrap = boundary === 'periodic';
  let worst = 0; // max over voxels of (Σ k_f/h_f² + w ρ_b C_b)/(ρC)
  const nxy = nx * ny;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const row = nx * (y + ny * z);
      for (let x = 0; x < nx; x++) {
        const i = row + x;
        const a = lab[i];
        const aL = a * L;
        const xm = x > 0 ? lab[i - 1] : wrap ? lab[i + nx - 1] : a;
        const xp = x < nx - 1 ? lab[i + 1] : wrap ? lab[i - nx + 1] : a;
        const ym = y > 0 ? lab[i - nx] : wrap ? lab[i + nxy - nx] : a;
        const yp = y < ny - 1 ? lab[i + nx] : wrap ? lab[i - nxy + nx] : a;
        const zm = z > 0 ? lab[i - nxy] : wrap ? lab[i + nxy * (nz - 1)] : a;
        const zp = z < nz - 1 ? lab[i + nxy] : wrap ? lab[i - nxy * (nz - 1)] : a;
        const s = (kf[aL + xm] + kf[aL + xp]) * ix2 + (kf[aL + ym] + kf[aL + yp]) * iy2 + (kf[aL + zm] + kf[aL + zp]) * iz2;
        const v = (s + tab.perfusionCoefficient[a]) * tab.invRhoC[a];
        if (v > worst) worst = v;
      }
    }
  }
  return 1 / worst;
}

/**
 * What lies outside the grid: 'body' = tissue at the arterial temperature one spacing beyond the last voxel
 * (Dirichlet, ghost voxel of the boundary voxel's material); 'adiabatic' = no flux (Neumann);
 * 'periodic' = the grid repeats (for the exact Fourier reference).
 */
export type ThermalBoundary = 'body' | 'adiabatic' | 'periodic';

/** Boundary rule as the kernels' integer code. */
export function boundaryCode(boundary: ThermalBoundary): number {
  if (boundary === 'body') return 0;
  if (boundary === 'adiabatic') return 1;
  if (boundary === 'periodic') return 2;
  throw new InputError('boundary', `must be "body", "adiabatic" or "periodic", got ${JSON.stringify(boundary)}`);
}
