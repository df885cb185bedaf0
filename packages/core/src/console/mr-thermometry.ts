import type { Case } from '../case/case.js';
import { tissuesByLabel } from '../case/case-metrics.js';
import { seededRandom } from '../case/seeded-random.js';
import { type Grid3D, type Vec3, rasMmToVoxel, voxelCount, voxelToRasMm, voxelVolume } from '../grid/grid3d.js';
import { alignedGrid, sampleLabels } from '../planning/case-grids.js';
import { NEAR_FIELD_STRUCTURES } from '../planning/outcome.js';
import { cem43LinearStep } from '../thermal/thermal-dose.js';
import { type SimulatedPatient, gridBox } from './simulated-patient.js';

/**
 * PRF-shift thermometry constants. ΔT = Δφ / (α·γ·B0·TE) with α ≈ −0.01 ppm/°C (Ishihara Y et al., Magn Reson
 * Med 1995;34:814–823; Rieke V, Butts Pauly K, J Magn Reson Imaging 2008;27:376–390). The map is linear in the
 * phase, so phase noise and drift appear as additive temperature noise and drift; this module simulates them in
 * °C directly. Precision ≈ 1 °C, update every ≈ 3 s, voxels ≈ 2.5 mm (issue 13; shared/reference/devices-and-
 * protocol.md quotes ≈ 1 °C at 1.25 × 1.25 × 3.5 mm every ~2 s).
 */
export const PRF_COEFFICIENT_PPM_PER_C = -0.01;
export const THERMOMETRY_DEFAULTS = {
  /** m, isotropic voxel */
  voxelSize: 2.5e-3,
  /** °C, standard deviation of the per-voxel noise */
  noise: 1,
  /** s between maps */
  period: 3,
  /**
   * °C/s of apparent uniform drift (B0 drift): illustrative, not a measured rate; the map subtracts the mean of a
   * reference region far from the beam, as clinical systems do (Rieke & Butts Pauly 2008), so its value matters
   * only through that correction
   */
  driftRate: 0.01,
  /** m: reference region voxels lie this far from the beam axis through the target centre, at least */
  referenceDistance: 0.03,
} as const;

export type ThermometryOptions = Partial<typeof THERMOMETRY_DEFAULTS> & { seed?: number };

/** Tissues without a usable PRF signal: fat (no PRF shift of its methylene protons), bone and gas (no signal). */
const NO_SIGNAL = new Set(['fat', 'bone', 'bowel-gas', 'air']);

/** One thermometry map: measured °C (0 where no signal), the measured dose, and the zone readings the interlocks use. */
export interface ThermometryMap {
  readonly time: number;
  readonly index: number;
  readonly temperature: Float32Array;
  /** CEM43 min from the measured maps so far */
  readonly dose: Float64Array;
  /** °C / CEM43 min, highest over each zone's voxels with signal, confirmed by an adjacent voxel (see acquire) */
  readonly nearFieldTemperature: number;
  readonly farFieldTemperature: number;
  readonly nearFieldDose: number;
  readonly farFieldDose: number;
  /** °C, highest measured within 5 mm of the focus */
  readonly focusTemperature: number;
  /** m³ inside the measured 17 and 240 CEM43 contours */
  readonly dose17Volume: number;
  readonly dose240Volume: number;
  /** °C the drift correction removed */
  readonly driftCorrection: number;
}

/**
 * Simulated MR thermometry of a SimulatedPatient: on a grid of `voxelSize` voxels along the case axes over the
 * patient's box, each map is the mean of the true temperature rise over the voxel (partial volume: a 100 °C focus
 * reads lower), plus seeded Gaussian noise, plus uniform drift, minus the drift measured on the reference region;
 * voxels of fat, bone and gas carry no signal (valid = 0) and never count. Absolute readings are 37 °C + ΔT
 * (the baseline image is taken as body temperature). Dose (CEM43) integrates the measured maps (linear between
 * maps, Sapareto & Dewey 1984), so the 17/240 CEM43 contours and the interlocks see what an MR console sees.
 */
export class MrThermometry {
  readonly grid: Grid3D;
  readonly labels: Uint8Array;
  /** 1 where the voxel has PRF signal */
  readonly valid: Uint8Array;
  /** 1 in the near-field / far-field zones (with signal) and in the drift reference region */
  readonly nearZone: Uint8Array;
  readonly farZone: Uint8Array;
  readonly referenceZone: Uint8Array;
  readonly period: number;
  private readonly options: typeof THERMOMETRY_DEFAULTS;
  private readonly seed: number;
  private readonly mrOfPatient: Int32Array;
  private readonly count: Float64Array;
  private readonly baseline: Float64Array;
  private readonly sum: Float64Array;
  private readonly noise: Float32Array;
  private readonly dose: Float64Array;
  private previous: Float32Array | null = null;
  private previousTime = 0;
  private index = 0;

  constructor(c: Case, patient: SimulatedPatient, target: { name: string; beam: Vec3 }, options: ThermometryOptions = {}) {
    this.options = { ...THERMOMETRY_DEFAULTS, ...options };
    this.seed = options.seed ?? 1;
    this.period = this.options.period;
    const box = gridBox(patient.grid);
    this.grid = alignedGrid(c.grid, this.options.voxelSize, box.lo, box.hi);
    const n = voxelCount(this.grid);
    this.labels = sampleLabels(c, this.grid);
    const tissues = tissuesByLabel(c);
    const names = new Map(c.structures.map((s) => [s.label, s.name]));
    this.valid = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const t = tissues[this.labels[i]];
      this.valid[i] = t && !NO_SIGNAL.has(t.name) ? 1 : 0;
    }
    // patient voxel → MR voxel (nearest centre)
    const np = voxelCount(patient.grid);
    this.mrOfPatient = new Int32Array(np).fill(-1);
    this.count = new Float64Array(n);
    const [px, py] = patient.grid.shape;
    const [mx, my, mz] = this.grid.shape;
    const mm = [0, 0, 0];
    const v = [0, 0, 0];
    for (let i = 0; i < np; i++) {
      voxelToRasMm(patient.grid, i % px, Math.floor(i / px) % py, Math.floor(i / (px * py)), mm);
      rasMmToVoxel(this.grid, mm[0], mm[1], mm[2], v);
      const a = Math.round(v[0]);
      const b = Math.round(v[1]);
      const d = Math.round(v[2]);
      if (a < 0 || b < 0 || d < 0 || a >= mx || b >= my || d >= mz) continue;
      const m = a + mx * (b + my * d);
      this.mrOfPatient[i] = m;
      this.count[m]++;
    }
    for (let m = 0; m < n; m++) if (this.count[m] === 0) this.valid[m] = 0;
    this.sum = new Float64Array(n);
    this.noise = new Float32Array(n);
    this.dose = new Float64Array(n);
    this.baseline = this.average(patient.temperature, new Float64Array(n));
    // zones: along the beam relative to the target's extent
    const targetLabel = c.structures.find((s) => s.name === target.name)?.label;
    const beam = target.beam;
    const proj = new Float64Array(n);
    let sMin = Number.POSITIVE_INFINITY;
    let sMax = Number.NEGATIVE_INFINITY;
    const centre = [0, 0, 0];
    let tc = 0;
    for (let i = 0; i < n; i++) {
      voxelToRasMm(this.grid, i % mx, Math.floor(i / mx) % my, Math.floor(i / (mx * my)), mm);
      proj[i] = (mm[0] * beam[0] + mm[1] * beam[1] + mm[2] * beam[2]) / 1000;
      if (this.labels[i] === targetLabel) {
        sMin = Math.min(sMin, proj[i]);
        sMax = Math.max(sMax, proj[i]);
        for (let a = 0; a < 3; a++) centre[a] += mm[a] / 1000;
        tc++;
      }
    }
    for (let a = 0; a < 3; a++) centre[a] /= Math.max(1, tc);
    const near = new Set<string>(NEAR_FIELD_STRUCTURES);
    const notFar = new Set([target.name, 'uterus', 'endometrium', 'water']);
    this.nearZone = new Uint8Array(n);
    this.farZone = new Uint8Array(n);
    this.referenceZone = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (!this.valid[i]) continue;
      const name = names.get(this.labels[i]) ?? '';
      if (near.has(name) && proj[i] < sMin) this.nearZone[i] = 1;
      if (!notFar.has(name) && proj[i] > sMax + 5e-3) this.farZone[i] = 1;
      voxelToRasMm(this.grid, i % mx, Math.floor(i / mx) % my, Math.floor(i / (mx * my)), mm);
      const d = [mm[0] / 1000 - centre[0], mm[1] / 1000 - centre[1], mm[2] / 1000 - centre[2]];
      const along = d[0] * beam[0] + d[1] * beam[1] + d[2] * beam[2];
      const lateral = Math.hypot(d[0] - along * beam[0], d[1] - along * beam[1], d[2] - along * beam[2]);
      if (name !== 'water' && lateral >= this.options.referenceDistance) this.referenceZone[i] = 1;
    }
  }

  /** Mean of a patient field over each MR voxel. */
  private average(T: ArrayLike<number>, out: Float64Array): Float64Array {
    out.fill(0);
    const map = this.mrOfPatient;
    for (let i = 0; i < map.length; i++) if (map[i] >= 0) out[map[i]] += T[i];
    for (let m = 0; m < out.length; m++) out[m] = this.count[m] > 0 ? out[m] / this.count[m] : 0;
    return out;
  }

  /** Acquires the map at `time` from the patient's true temperature now (the patient must be advanced to `time`). */
  acquire(time: number, patient: SimulatedPatient, focus: Vec3): ThermometryMap {
    const n = this.sum.length;
    this.average(patient.temperature, this.sum);
    seededRandom((this.seed * 7919 + this.index * 104729) >>> 0).fillNormal(this.noise);
    const drift = this.options.driftRate * time;
    const raw = new Float32Array(n);
    let refSum = 0;
    let refCount = 0;
    for (let m = 0; m < n; m++) {
      if (!this.valid[m]) continue;
      const dT = this.sum[m] - this.baseline[m] + drift + this.options.noise * this.noise[m];
      raw[m] = dT;
      if (this.referenceZone[m]) {
        refSum += dT;
        refCount++;
      }
    }
    const correction = refCount > 0 ? refSum / refCount : 0;
    const T = new Float32Array(n);
    const dt = time - this.previousTime;
    const prev = this.previous;
    const [mx, my] = this.grid.shape;
    const mm = [0, 0, 0];
    const out = {
      near: Number.NEGATIVE_INFINITY,
      far: Number.NEGATIVE_INFINITY,
      nearDose: 0,
      farDose: 0,
      focus: Number.NEGATIVE_INFINITY,
      d17: 0,
      d240: 0,
    };
    for (let m = 0; m < n; m++) {
      if (!this.valid[m]) continue;
      const t = 37 + raw[m] - correction;
      T[m] = t;
      if (prev && dt > 0) this.dose[m] += cem43LinearStep(prev[m], t, dt);
      const d = this.dose[m];
      if (d >= 17) out.d17++;
      if (d >= 240) out.d240++;
    }
    const [mz] = [this.grid.shape[2]];
    for (let m = 0; m < n; m++) {
      if (!this.valid[m]) continue;
      const t = T[m];
      if (this.nearZone[m] || this.farZone[m]) {
        // zone readings need two adjacent voxels: the value both reach (a one-voxel noise spike of the ~1 °C noise
        // would otherwise set the maximum of thousands of voxels ~3.5 °C above the truth)
        const x = m % mx;
        const y = Math.floor(m / mx) % my;
        const z = Math.floor(m / (mx * my));
        let tn = Number.NEGATIVE_INFINITY;
        let dn = Number.NEGATIVE_INFINITY;
        const nb = (j: number) => {
          if (!this.valid[j]) return;
          if (T[j] > tn) tn = T[j];
          if (this.dose[j] > dn) dn = this.dose[j];
        };
        if (x > 0) nb(m - 1);
        if (x + 1 < mx) nb(m + 1);
        if (y > 0) nb(m - mx);
        if (y + 1 < my) nb(m + mx);
        if (z > 0) nb(m - mx * my);
        if (z + 1 < mz) nb(m + mx * my);
        const tc = Math.min(t, tn);
        const dc = Math.min(this.dose[m], dn);
        if (this.nearZone[m]) {
          if (tc > out.near) out.near = tc;
          if (dc > out.nearDose) out.nearDose = dc;
        }
        if (this.farZone[m]) {
          if (tc > out.far) out.far = tc;
          if (dc > out.farDose) out.farDose = dc;
        }
      }
      voxelToRasMm(this.grid, m % mx, Math.floor(m / mx) % my, Math.floor(m / (mx * my)), mm);
      if (Math.hypot(mm[0] / 1000 - focus[0], mm[1] / 1000 - focus[1], mm[2] / 1000 - focus[2]) <= 5e-3 && t > out.focus) out.focus = t;
    }
    this.previous = T;
    this.previousTime = time;
    const v = voxelVolume(this.grid);
    const map: ThermometryMap = {
      time,
      index: this.index++,
      temperature: T,
      dose: Float64Array.from(this.dose),
      nearFieldTemperature: Number.isFinite(out.near) ? out.near : 37,
      farFieldTemperature: Number.isFinite(out.far) ? out.far : 37,
      nearFieldDose: out.nearDose,
      farFieldDose: out.farDose,
      focusTemperature: Number.isFinite(out.focus) ? out.focus : 37,
      dose17Volume: out.d17 * v,
      dose240Volume: out.d240 * v,
      driftCorrection: correction,
    };
    return map;
  }
}
