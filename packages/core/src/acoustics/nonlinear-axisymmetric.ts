import { InputError, LimitError } from '../errors.js';
import type { ParallelExecutor } from '../parallel/parallel-executor.js';
import { SerialExecutor } from '../parallel/parallel-executor.js';
import { besselJ1 } from '../math/bessel.js';
import { rimHeight, surfaceVelocity } from '../transducer/bowl.js';
import { bowlPointCount, sampleBowl } from '../transducer/surface-sampling.js';
import { highestHarmonicSignificant } from './harmonic-growth.js';
import { type HarmonicAcoustics, harmonicAcoustics } from './harmonic-medium.js';
import { layerAcoustics, layerIndexAt } from './medium.js';
import { BurgersStepper, waveformPeaks } from './nonlinear-burgers.js';
import { type QuasiHankel, quasiHankel, seriesMatrix } from './quasi-hankel.js';
import { rayleighPressure } from './rayleigh.js';
import type { Scenario } from './scenario.js';

/** Accuracy knobs of the nonlinear beam (defaults in brackets); the validation's convergence table varies them. */
export interface NonlinearBeamOptions {
  /** most harmonics carried [64] */
  readonly harmonics?: number;
  /** step ≤ stepFraction × the local shock-formation distance 1/(b ω p_max) [0.05] */
  readonly stepFraction?: number;
  /** largest step, m [1 mm] */
  readonly maxStep?: number;
  /** a harmonic band is added when the highest carried harmonic exceeds this fraction of the fundamental [1e-4] */
  readonly harmonicTolerance?: number;
  /** radial window beyond the geometric cone, in wavelengths [20] */
  readonly marginWavelengths?: number;
  /** where harmonics ≥ 2 are carried: the cone plus this many wavelengths [8] */
  readonly harmonicMarginWavelengths?: number;
  /** radial oversampling of the spectral band [1.1] */
  readonly radialOversampling?: number;
  /** largest radial node count [MAX_RADIAL_NODES]; the dense transforms cost nodes² memory (8 B each) per grid */
  readonly maxRadialNodes?: number;
  /** start plane distance beyond the bowl's rim plane, m [0.3 R, where the linear angular spectrum starts too] */
  readonly startDistance?: number;
  /** largest z (m) [1.4 R] */
  readonly zMax?: number;
  /** radius (m) and step of the radial heat-source table [5 mm, 0.1 mm] */
  readonly tableRadius?: number;
  readonly tableStep?: number;
  /** switch the nonlinear term off (the same solver, linear) [false] */
  readonly linear?: boolean;
}

/**
 * A finite-amplitude axisymmetric beam: for each plane z (the solver's steps, non-uniform), the harmonics on the
 * axis, the waveform's peak pressures, and the heat source, on the axis and on a radial table.
 */
export interface NonlinearBeam {
  /** plane positions, m (transducer frame), increasing */
  readonly z: Float64Array;
  /** harmonics carried at most (N); per plane the count in use */
  readonly harmonics: number;
  readonly harmonicsInUse: Int32Array;
  /** |p_n| on the axis (Pa), index plane·N + n − 1 (0 where not carried) */
  readonly axisHarmonics: Float64Array;
  /** peak positive / negative pressure of the waveform on the axis, Pa (negative ≤ 0) */
  readonly peakPositive: Float64Array;
  readonly peakNegative: Float64Array;
  /** heat source on the axis, W/m³: Σ α_abs(nf)|p_n|²/(ρc) plus the shock heating */
  readonly axisHeat: Float64Array;
  /** shock heating on the axis, W/m³ (the mean-square pressure lost in the nonlinear step, ρc·Δz) */
  readonly axisShockHeat: Float64Array;
  /** waveform steepness G on the axis (max ∂p/∂θ over half peak-to-peak; 1 for a sine) */
  readonly axisSteepness: Float64Array;
  /** heat source Q(r, z) on r = i·tableStep, i < tableRadii, W/m³, index plane·tableRadii + i */
  readonly tableStep: number;
  readonly tableRadii: number;
  readonly heatTable: Float32Array;
  /** work done: steps, largest radial node count, regrids */
  readonly steps: number;
  readonly maxRadialNodes: number;
  readonly regrids: number;
}

/** Largest radial node count. */
export const MAX_RADIAL_NODES = 4096;

/** Steepness G on the axis above which the report calls the wave shocked (Fubini: G = 1/(1 − σ), σ = 0.9). */
export const SHOCK_STEEPNESS = 10;

interface Grid {
  readonly q: QuasiHankel;
  /** T · diag(scale): the forward transform of unscaled values */
  readonly ts: Float64Array;
  /** spectral modes used by harmonic n (index n − 1) */
  readonly modes: Int32Array;
}

/**
 * The nonlinear field of a bowl through planar layers, by operator splitting along z (Strang: half a nonlinear
 * step, diffraction with attenuation and dispersion, half a nonlinear step):
 *  - start: the Rayleigh integral of the bowl (rayleigh.ts) on the radial nodes of a plane z0 = h + 0.3 R in the
 *    coupling medium, each node's sinusoid distorted by Fubini's solution over its ray's spherical-wave range;
 *  - diffraction of each harmonic n by the angular spectrum in cylindrical coordinates (quasi-Hankel transform,
 *    quasi-hankel.ts): kz = sqrt(k̃_n² − k⊥²), k̃_n = k_n − i α(nf) (power law and its dispersion,
 *    harmonic-medium.ts), no paraxial approximation; at each interface the oblique transmission coefficient per
 *    plane-wave component, as the linear solver; a cosine taper over the outer 15 % of the radial window absorbs
 *    what leaves it;
 *  - the nonlinear step (BurgersStepper) at every radial node, b = β/(ρc³) of the layer;
 *  - step Δz = min(maxStep, stepFraction / (b ω p_max)) (p_max the largest Σ|p_n| over the nodes: the local
 *    shock-formation distance); harmonics doubled (from 4 up to `harmonics`) when the highest carried one exceeds
 *    `harmonicTolerance` of the fundamental; the radial window follows the geometric cone a|R − z|/(R − h) plus a
 *    margin, and its nodes the bandwidth n·k⊥max of the highest harmonic (re-sampled by the Fourier–Bessel series).
 * Heat source Q = Σ_n α_abs(nf)|p_n|²/(ρc) (|p_n| amplitudes, as heat-source.ts) plus the shock heating: the mean
 * square pressure the nonlinear step removed from the carried harmonics (shock dissipation and what went above
 * harmonic N), over ρc·Δz. The transducer frame and Pa throughout.
 */
export async function computeNonlinearBeam(
  scenario: Scenario,
  options: NonlinearBeamOptions = {},
  executor: ParallelExecutor = new SerialExecutor(),
): Promise<NonlinearBeam> {
  const { transducer, medium } = scenario;
  const nMax = options.harmonics ?? 64;
  if (!(Number.isInteger(nMax) && nMax >= 1 && nMax <= 512))
    throw new InputError('harmonics', `must be an integer in [1, 512], got ${nMax}`);
  const eps = options.stepFraction ?? 0.05;
  const maxStep = options.maxStep ?? 1e-3;
  const tol = options.harmonicTolerance ?? 1e-4;
  if (!(eps > 0 && eps <= 1) || !(maxStep > 0) || !(tol > 0))
    throw new InputError('options', 'stepFraction in (0, 1], maxStep and harmonicTolerance > 0');
  const f = transducer.frequency;
  const omega = 2 * Math.PI * f;
  const R = transducer.radiusOfCurvature;
  const a = transducer.aperture / 2;
  const zMax = options.zMax ?? 1.4 * R;
  const tableStep = options.tableStep ?? 1e-4;
  const tableRadii = Math.max(2, Math.round((options.tableRadius ?? 5e-3) / tableStep) + 1);
  const linear = options.linear ?? false;

  const layers = medium.layers.map((l, i) => {
    try {
      return harmonicAcoustics(l.tissue, f, nMax);
    } catch (e) {
      if (e instanceof InputError) throw new InputError(`medium.layers[${i}].nonlinearity`, e.message);
      throw e;
    }
  });
  const lambda = (2 * Math.PI) / layers[0].wavenumber[0];
  const h = rimHeight(transducer);
  const z0 = h + (options.startDistance ?? 0.3 * R);
  if (!(z0 < medium.layers[0].zEnd)) {
    throw new InputError(
      'medium.layers[0].thickness',
      `the nonlinear solver starts in the coupling medium at z = ${z0.toFixed(4)} m; the first layer must reach beyond it`,
    );
  }
  if (!(zMax > z0)) throw new InputError('zMax', `must be beyond the start plane at ${z0.toFixed(4)} m`);
  const margin = (options.marginWavelengths ?? 20) * lambda;
  // the geometric cone: the ray from the rim (a, h) through the geometric focus (0, R)
  const cone = (z: number) => (a * Math.abs(R - z)) / (R - h);
  const windowAt = (z: number) => cone(z) + margin;
  const over = options.radialOversampling ?? 1.1;
  const nodeLimit = options.maxRadialNodes ?? MAX_RADIAL_NODES;
  if (!(Number.isInteger(nodeLimit) && nodeLimit >= 16 && nodeLimit <= 16384))
    throw new InputError('maxRadialNodes', `must be an integer in [16, 16384], got ${nodeLimit}`);
  const kWater = layers[0].wavenumber[0];
  // Angular band of the fundamental: the focusing cone plus the rim's edge waves, from the start plane's spectrum.
  let kSupport = kWater;
  // Harmonics n ≥ 2 are made by the beam's own converging cone: their band is n k sin θ_rim (sin θ_rim = a/R),
  // with `over` for the rim's edge waves.
  const kCone = kWater * Math.min(1, a / R);
  const band = (n: number) => (n === 1 ? kSupport : Math.min(n * kWater, Math.max(kSupport, n * kCone * over)));

  const makeGrid = (radius: number, nAct: number): Grid => {
    // the fundamental's band sampled 1.5× (the quasi-discrete transform is exact only for functions limited in both
    // r and k: oversampling measured to bring the linear field within 0.4 % of the angular-spectrum solution)
    const kNeed = Math.max(1.5 * kSupport, band(nAct));
    const nodes = Math.ceil((radius * kNeed) / Math.PI) + 8;
    if (nodes > nodeLimit) throw new LimitError(`nonlinear beam: ${nodes} radial nodes exceed ${nodeLimit}; use fewer harmonics`);
    const q = quasiHankel(nodes, radius);
    const modes = new Int32Array(nMax);
    for (let n = 1; n <= nMax; n++) {
      const kn = band(n);
      let m = 0;
      while (m < nodes && q.k[m] <= kn) m++;
      modes[n - 1] = Math.max(1, m);
    }
    const ts = new Float64Array(nodes * nodes);
    for (let m = 0; m < nodes; m++) for (let i = 0; i < nodes; i++) ts[m * nodes + i] = q.t[m * nodes + i] * q.scale[i];
    return { q, ts, modes };
  };

  // Start plane: the Rayleigh integral of the bowl in the coupling medium, with the spherical wave's distortion on
  // the way there (below).
  const ac0 = layerAcoustics(medium.layers[0].tissue, f);
  const u0 = surfaceVelocity(transducer, ac0.density, ac0.soundSpeed);
  const source = sampleBowl(transducer, bowlPointCount(transducer, lambda, z0 - h));
  const startField = (q: QuasiHankel) =>
    rayleighPressure(transducer, ac0, u0, source, { x: q.r, y: new Float64Array(q.n), z: new Float64Array(q.n).fill(z0) }, executor);
  // The Rayleigh sum (the expensive part) on a grid for the fundamental alone, over the full band k; the band the
  // start spectrum really uses (above 1e-4 of its peak) then sizes the grids, and the Fourier–Bessel series
  // carries the start field onto the first working grid.
  let nAct = Math.min(nMax, 4);
  const g1 = makeGrid(windowAt(z0), 1);
  const p1 = await startField(g1.q);
  const s1Re = Float64Array.from(p1.re);
  const s1Im = Float64Array.from(p1.im);
  taper(s1Re, s1Im, 0, g1.q.n, g1.q);
  const spRe = new Float64Array(g1.q.n);
  const spIm = new Float64Array(g1.q.n);
  forward(g1.q, s1Re, s1Im, 0, g1.q.n, spRe, spIm);
  {
    let peak = 0;
    const w = new Float64Array(g1.q.n);
    for (let m = 0; m < g1.q.n; m++) {
      w[m] = Math.hypot(spRe[m], spIm[m]) * Math.abs(besselJ1(g1.q.zeros[m]));
      peak = Math.max(peak, w[m]);
    }
    let kTop = 0;
    for (let m = 0; m < g1.q.n; m++) if (w[m] > 1e-4 * peak) kTop = g1.q.k[m];
    kSupport = Math.min(kWater, kTop);
  }
  let grid = makeGrid(windowAt(z0), nAct);
  let nr = grid.q.n;
  let fRe = new Float64Array(nMax * nr);
  let fIm = new Float64Array(nMax * nr);
  {
    const e = seriesMatrix(g1.q, grid.q.r);
    const n1 = g1.q.n;
    for (let i = 0; i < nr; i++) {
      let sr = 0;
      let si = 0;
      for (let m = 0; m < n1; m++) {
        sr += e[i * n1 + m] * spRe[m];
        si += e[i * n1 + m] * spIm[m];
      }
      fRe[i] = sr;
      fIm[i] = si;
    }
  }
  if (!linear) {
    // Between the bowl and the start plane the wave is a converging spherical wave along each ray (geometric
    // acoustics, where diffraction is weak): p = p_s R/ρ, ρ the distance to the focus, so the plane-wave distortion
    // range is σ = b ω p_s R ln(R/ρ) (Hamilton & Blackstock 1998, §4.? spherical waves). Each node starts from
    // Fubini's harmonics of its own sinusoid at that σ.
    const ps = ac0.density * ac0.soundSpeed * u0;
    const b = layers[0].burgers;
    let sMax = 0;
    const sig = new Float64Array(nr);
    for (let i = 0; i < nr; i++) {
      const rho = Math.hypot(grid.q.r[i], R - z0);
      sig[i] = rho < R ? b * omega * ps * R * Math.log(R / rho) : 0;
      sMax = Math.max(sMax, sig[i]);
    }
    if (sMax > 0.05) nAct = Math.min(nMax, 8);
    for (let i = 0; i < nr; i++) fubiniStart(fRe, fIm, i, nr, nAct, sig[i]);
  }
  taper(fRe, fIm, 0, nr, grid.q);
  for (let n = 1; n < nAct; n++) taper(fRe, fIm, n * nr, nr, grid.q);

  const stepper = new BurgersStepper(nMax);
  const peakRe = new Float64Array(16 * Math.max(16, nMax * 4));
  const peakIm = new Float64Array(peakRe.length);
  const axRe = new Float64Array(nMax);
  const axIm = new Float64Array(nMax);
  const zs: number[] = [];
  const inUse: number[] = [];
  const axisH: number[] = [];
  const ppos: number[] = [];
  const pneg: number[] = [];
  const qAxis: number[] = [];
  const qShockAxis: number[] = [];
  const steepAxis: number[] = [];
  const table: number[] = [];
  let lost = new Float64Array(nr);
  let maxNodes = nr;
  let regrids = 0;
  let steps = 0;

  const layerAt = (z: number) => layerIndexAt(medium, z);
  const interfaces = medium.layers.slice(0, -1).map((l) => l.zEnd);

  /** Nonlinear step of length d at every node, layer l; adds the lost mean square to `lost`. */
  // Harmonics live inside the beam: nodes r < cone(z) + harmonicMargin carry them (the nonlinear step and the
  // harmonics' transforms run there only); beyond, the fundamental's edge waves alone.
  const harmonicMargin = (options.harmonicMarginWavelengths ?? 8) * lambda;
  let inner = 0;
  let innerRadius = 0;
  const setInner = (z: number) => {
    innerRadius = Math.min(grid.q.radius, cone(z) + harmonicMargin);
    inner = 0;
    while (inner < nr && grid.q.r[inner] < innerRadius) inner++;
  };
  const nonlinear = (d: number, l: number) => {
    if (linear) return;
    const b = layers[l].burgers;
    for (let i = 0; i < inner; i++) lost[i] += stepper.step(fRe, fIm, i, nr, nAct, b, omega, d);
  };

  const record = (z: number, dz: number) => {
    const l = layerAt(z);
    const lay = layers[l];
    const rhoC = lay.density * lay.soundSpeed;
    const q = grid.q;
    axRe.fill(0);
    axIm.fill(0);
    for (let n = 0; n < nAct; n++) {
      let sr = 0;
      let si = 0;
      const o = n * nr;
      for (let i = 0; i < nr; i++) {
        sr += q.axis[i] * fRe[o + i];
        si += q.axis[i] * fIm[o + i];
      }
      axRe[n] = sr;
      axIm[n] = si;
    }
    zs.push(z);
    inUse.push(nAct);
    let qa = 0;
    for (let n = 0; n < nMax; n++) {
      const amp = n < nAct ? Math.hypot(axRe[n], axIm[n]) : 0;
      axisH.push(amp);
      if (n < nAct) qa += (lay.absorption[n] * amp * amp) / rhoC;
    }
    const pk = waveformPeaks(axRe, axIm, 0, 1, nAct, peakRe, peakIm);
    ppos.push(pk.positive);
    pneg.push(pk.negative);
    steepAxis.push(steepness(axRe, axIm, nAct, peakRe, peakIm));
    // shock heating per node, the axis value by the even extrapolation Q(r) ≈ Q0 + c r² through the first two nodes
    const sh = (i: number) => (dz > 0 ? lost[i] / (rhoC * dz) : 0);
    const r1 = q.r[0];
    const r2 = q.r[1];
    const s0 = Math.max(0, (sh(0) * r2 * r2 - sh(1) * r1 * r1) / (r2 * r2 - r1 * r1));
    qShockAxis.push(s0);
    qAxis.push(qa + s0);
    // radial table: linear interpolation between the axis and the nodes
    let i = 0;
    const nodeQ = (j: number) => {
      let s = 0;
      for (let n = 0; n < nAct; n++) {
        const re = fRe[n * nr + j];
        const im = fIm[n * nr + j];
        s += lay.absorption[n] * (re * re + im * im);
      }
      return s / rhoC + sh(j);
    };
    let prevR = 0;
    let prevQ = qa + s0;
    let nextQ = nodeQ(0);
    for (let t = 0; t < tableRadii; t++) {
      const r = t * tableStep;
      while (i < nr && q.r[i] < r) {
        prevR = q.r[i];
        prevQ = nextQ;
        i++;
        nextQ = i < nr ? nodeQ(i) : 0;
      }
      const nextR = i < nr ? q.r[i] : q.radius;
      const w = nextR > prevR ? (r - prevR) / (nextR - prevR) : 0;
      table.push(prevQ * (1 - w) + nextQ * w);
    }
  };

  record(z0, 0);
  let z = z0;
  let specRe = new Float64Array(nr * nMax);
  let specIm = new Float64Array(nr * nMax);
  while (z < zMax - 1e-12) {
    let l = layerAt(z + 1e-12);
    // step from the local shock-formation distance
    let pMax = 0;
    for (let i = 0; i < nr; i++) {
      let s = 0;
      for (let n = 0; n < nAct; n++) s += Math.hypot(fRe[n * nr + i], fIm[n * nr + i]);
      if (s > pMax) pMax = s;
    }
    let dz = Math.min(maxStep, zMax - z);
    if (!linear && pMax > 0) dz = Math.min(dz, eps / (layers[l].burgers * omega * pMax));
    // end steps on interfaces
    for (const zi of interfaces) if (zi > z + 1e-12 && zi < z + dz) dz = zi - z;
    lost.fill(0);
    setInner(z + dz / 2);
    nonlinear(dz / 2, l);
    // diffraction, attenuation, dispersion (and the interface at the step's end, if any)
    if (specRe.length < nr * nMax) {
      specRe = new Float64Array(nr * nMax);
      specIm = new Float64Array(nr * nMax);
    }
    const zNext = z + dz;
    const lNext = layerAt(zNext + 1e-12);
    forwardAll(grid, nAct, inner, fRe, fIm, specRe, specIm);
    for (let n = 1; n <= nAct; n++) {
      const o = (n - 1) * nr;
      const modes = grid.modes[n - 1];
      propagate(grid.q, layers[l], n, dz, specRe, specIm, o, modes);
      if (lNext !== l) transmit(grid.q, layers[l], layers[lNext], n, specRe, specIm, o, modes);
    }
    inverseAll(grid, nAct, inner, specRe, specIm, fRe, fIm);
    taper(fRe, fIm, 0, nr, grid.q);
    for (let n = 1; n < nAct; n++) innerTaper(fRe, fIm, n * nr, inner, grid.q, innerRadius);
    z = zNext;
    l = lNext;
    nonlinear(dz / 2, l);
    steps++;
    record(z, dz);
    // harmonics: add a band when the highest carried one is no longer negligible
    let regrid = false;
    let nNew = nAct;
    if (!linear && nAct < nMax) {
      if (highestHarmonicSignificant(fRe, fIm, nAct, nr, tol)) {
        nNew = Math.min(nMax, nAct * 2);
        regrid = true;
      }
    }
    const need = windowAt(Math.min(z + 5 * maxStep, zMax));
    const radius = grid.q.radius;
    if (need < 0.75 * radius || need > radius) regrid = true;
    if (regrid && z < zMax - 1e-12) {
      const newRadius = need > radius ? need * 1.2 : need * 1.05;
      const g2 = makeGrid(newRadius, nNew);
      const nr2 = g2.q.n;
      const e = seriesMatrix(grid.q, g2.q.r);
      const f2Re = new Float64Array(nMax * nr2);
      const f2Im = new Float64Array(nMax * nr2);
      const tRe = new Float64Array(nr);
      const tIm = new Float64Array(nr);
      for (let n = 0; n < nAct; n++) {
        const modes = grid.modes[n];
        forward(grid.q, fRe, fIm, n * nr, modes, tRe, tIm, 0);
        for (let i = 0; i < nr2; i++) {
          let sr = 0;
          let si = 0;
          const row = i * nr;
          for (let m = 0; m < modes; m++) {
            sr += e[row + m] * tRe[m];
            si += e[row + m] * tIm[m];
          }
          f2Re[n * nr2 + i] = sr;
          f2Im[n * nr2 + i] = si;
        }
        taper(f2Re, f2Im, n * nr2, nr2, g2.q);
      }
      grid = g2;
      nr = nr2;
      fRe = f2Re;
      fIm = f2Im;
      lost = new Float64Array(nr);
      nAct = nNew;
      maxNodes = Math.max(maxNodes, nr);
      regrids++;
    }
  }
  return {
    z: Float64Array.from(zs),
    harmonics: nMax,
    harmonicsInUse: Int32Array.from(inUse),
    axisHarmonics: Float64Array.from(axisH),
    peakPositive: Float64Array.from(ppos),
    peakNegative: Float64Array.from(pneg),
    axisHeat: Float64Array.from(qAxis),
    axisShockHeat: Float64Array.from(qShockAxis),
    axisSteepness: Float64Array.from(steepAxis),
    tableStep,
    tableRadii,
    heatTable: Float32Array.from(table),
    steps,
    maxRadialNodes: maxNodes,
    regrids,
  };
}

/**
 * Scaled spectrum G_m = Σ_n T_mn F_n, F_n = f_n R/|J1(j_n)|, for m < modes, of the field at f[o … o + N) into
 * g[go + m] (go defaults to o).
 */
function forward(
  q: QuasiHankel,
  fRe: Float64Array,
  fIm: Float64Array,
  o: number,
  modes: number,
  gRe: Float64Array,
  gIm: Float64Array,
  go = o,
): void {
  const n = q.n;
  const t = q.t;
  const s = q.scale;
  for (let m = 0; m < modes; m++) {
    let sr = 0;
    let si = 0;
    const row = m * n;
    for (let i = 0; i < n; i++) {
      const w = t[row + i] * s[i];
      sr += w * fRe[o + i];
      si += w * fIm[o + i];
    }
    gRe[go + m] = sr;
    gIm[go + m] = si;
  }
}

/**
 * Forward transforms of harmonics 1..nAct at once (T rows streamed once for all harmonics): g[(n−1)·N + m] for
 * m < modes[n − 1].
 */
function forwardAll(
  grid: Grid,
  nAct: number,
  inner: number,
  fRe: Float64Array,
  fIm: Float64Array,
  gRe: Float64Array,
  gIm: Float64Array,
): void {
  const n = grid.q.n;
  const ts = grid.ts;
  const top = grid.modes[nAct - 1];
  for (let m = 0; m < top; m++) {
    const row = m * n;
    for (let h = 0; h < nAct; h++) {
      if (grid.modes[h] <= m) continue;
      const o = h * n;
      let sr = 0;
      let si = 0;
      const end = h === 0 ? n : inner;
      for (let i = 0; i < end; i++) {
        const w = ts[row + i];
        sr += w * fRe[o + i];
        si += w * fIm[o + i];
      }
      gRe[o + m] = sr;
      gIm[o + m] = si;
    }
  }
}

/** Inverse transforms of harmonics 1..nAct at once: f_i = (1/scale_i) Σ_{m < modes} T_im G_m. */
function inverseAll(
  grid: Grid,
  nAct: number,
  inner: number,
  gRe: Float64Array,
  gIm: Float64Array,
  fRe: Float64Array,
  fIm: Float64Array,
): void {
  const q = grid.q;
  const n = q.n;
  const t = q.t;
  for (let i = 0; i < n; i++) {
    const row = i * n;
    const inv = 1 / q.scale[i];
    const hEnd = i < inner ? nAct : 1;
    for (let h = hEnd; h < nAct; h++) {
      fRe[h * n + i] = 0;
      fIm[h * n + i] = 0;
    }
    for (let h = 0; h < hEnd; h++) {
      const modes = grid.modes[h];
      const o = h * n;
      let sr = 0;
      let si = 0;
      for (let m = 0; m < modes; m++) {
        const w = t[row + m];
        sr += w * gRe[o + m];
        si += w * gIm[o + m];
      }
      fRe[o + i] = sr * inv;
      fIm[o + i] = si * inv;
    }
  }
}

/** Principal square root of a + ib with Im ≤ 0 (decaying e^{−i kz z}). */
function kzOf(a: number, b: number, out: number[]): void {
  const r = Math.hypot(a, b);
  const re = Math.sqrt(Math.max(0, (r + a) / 2));
  const im = Math.sqrt(Math.max(0, (r - a) / 2));
  out[0] = re;
  out[1] = b > 0 ? im : -im;
}
const kz1 = [0, 0];
const kz2 = [0, 0];

/** × e^{−i kz Δz} per spectral mode, kz = sqrt(k̃_n² − k_m²), k̃_n = k_n − i α_n. */
function propagate(
  q: QuasiHankel,
  lay: HarmonicAcoustics,
  n: number,
  dz: number,
  gRe: Float64Array,
  gIm: Float64Array,
  o: number,
  modes: number,
): void {
  const kr = lay.wavenumber[n - 1];
  const ki = -lay.attenuation[n - 1];
  const k2re = kr * kr - ki * ki;
  const k2im = 2 * kr * ki;
  for (let m = 0; m < modes; m++) {
    kzOf(k2re - q.k[m] * q.k[m], k2im, kz1);
    const mag = Math.exp(kz1[1] * dz);
    const ph = -kz1[0] * dz;
    const pr = Math.cos(ph) * mag;
    const pi = Math.sin(ph) * mag;
    const a = gRe[o + m];
    const b = gIm[o + m];
    gRe[o + m] = a * pr - b * pi;
    gIm[o + m] = a * pi + b * pr;
  }
}

/** × T = 2 ρ2 kz1 / (ρ2 kz1 + ρ1 kz2) per mode (the linear solver's oblique pressure transmission). */
function transmit(
  q: QuasiHankel,
  l1: HarmonicAcoustics,
  l2: HarmonicAcoustics,
  n: number,
  gRe: Float64Array,
  gIm: Float64Array,
  o: number,
  modes: number,
): void {
  const sq = (lay: HarmonicAcoustics) => {
    const kr = lay.wavenumber[n - 1];
    const ki = -lay.attenuation[n - 1];
    return [kr * kr - ki * ki, 2 * kr * ki];
  };
  const [a1, b1] = sq(l1);
  const [a2, b2] = sq(l2);
  const rho1 = l1.density;
  const rho2 = l2.density;
  for (let m = 0; m < modes; m++) {
    const k2 = q.k[m] * q.k[m];
    kzOf(a1 - k2, b1, kz1);
    kzOf(a2 - k2, b2, kz2);
    const nr = 2 * rho2 * kz1[0];
    const ni = 2 * rho2 * kz1[1];
    const dr = rho2 * kz1[0] + rho1 * kz2[0];
    const di = rho2 * kz1[1] + rho1 * kz2[1];
    const den = dr * dr + di * di;
    const tr = den > 0 ? (nr * dr + ni * di) / den : 0;
    const ti = den > 0 ? (ni * dr - nr * di) / den : 0;
    const a = gRe[o + m];
    const b = gIm[o + m];
    gRe[o + m] = a * tr - b * ti;
    gIm[o + m] = a * ti + b * tr;
  }
}

/** A harmonic's cosine taper over the outer 20 % of the inner radius (0 beyond it, where it is not carried). */
function innerTaper(fRe: Float64Array, fIm: Float64Array, o: number, inner: number, q: QuasiHankel, radius: number): void {
  const r0 = 0.8 * radius;
  for (let i = 0; i < inner; i++) {
    const r = q.r[i];
    if (r <= r0) continue;
    const w = 0.5 * (1 + Math.cos((Math.PI * (r - r0)) / (radius - r0)));
    fRe[o + i] *= w;
    fIm[o + i] *= w;
  }
}

/** Cosine taper over the outer 15 % of the window: the absorbing edge. */
function taper(fRe: Float64Array, fIm: Float64Array, o: number, n: number, q: QuasiHankel): void {
  const r0 = 0.85 * q.radius;
  for (let i = 0; i < n; i++) {
    const r = q.r[i];
    if (r <= r0) continue;
    const w = r >= q.radius ? 0 : 0.5 * (1 + Math.cos((Math.PI * (r - r0)) / (q.radius - r0)));
    fRe[o + i] *= w;
    fIm[o + i] *= w;
  }
}

/** Steepness G = max(∂p/∂θ) / (half peak-to-peak) of the waveform of harmonics 1..n (1 for a sine). */
function steepness(re: Float64Array, im: Float64Array, n: number, sRe: Float64Array, sIm: Float64Array): number {
  const m = Math.max(16, 8 * n);
  const size = 1 << Math.ceil(Math.log2(m));
  const pk = waveformPeaks(re, im, 0, 1, n, sRe, sIm);
  const half = (pk.positive - pk.negative) / 2;
  if (!(half > 0)) return 1;
  // derivative via the same σ-filtered series
  let best = 0;
  for (let s = 0; s < size; s++) {
    const th = (2 * Math.PI * s) / size;
    let d = 0;
    for (let k = 1; k <= n; k++) {
      const x = (Math.PI * k) / (n + 1);
      const sig = n > 1 ? Math.sin(x) / x : 1;
      // d/dθ Re(p_k e^{ikθ}) = −k (Re p_k sin kθ + Im p_k cos kθ)
      d += -k * sig * (re[k - 1] * Math.sin(k * th) + im[k - 1] * Math.cos(k * th));
    }
    if (d > best) best = d;
  }
  return best / half;
}

/** Bessel J_n(x) by the trapezoidal rule on Bessel's integral (exponentially convergent for a periodic integrand). */
function besselJn(n: number, x: number): number {
  const m = 64 + 2 * n;
  let s = 0;
  for (let i = 0; i < m; i++) {
    const t = (2 * Math.PI * i) / m;
    s += Math.cos(n * t - x * Math.sin(t));
  }
  return s / m;
}

/**
 * Harmonics 1..n at node i (stride nr) of Fubini's solution at range σ < 1 for the sinusoid now in harmonic 1:
 * p_k = −i |A| B_k e^{ik φ'}, B_k = 2 J_k(kσ)/(kσ), φ' = arg A + π/2 (source |A| sin(θ + φ')).
 */
function fubiniStart(re: Float64Array, im: Float64Array, i: number, nr: number, n: number, sigma: number): void {
  if (!(sigma > 1e-9)) return;
  const s = Math.min(sigma, 0.95);
  const amp = Math.hypot(re[i], im[i]);
  const phase = Math.atan2(im[i], re[i]) + Math.PI / 2;
  for (let k = 1; k <= n; k++) {
    const bk = (2 * besselJn(k, k * s)) / (k * s);
    const ph = k * phase;
    // −i e^{iφ} = sin φ − i cos φ
    re[(k - 1) * nr + i] = amp * bk * Math.sin(ph);
    im[(k - 1) * nr + i] = -amp * bk * Math.cos(ph);
  }
}
