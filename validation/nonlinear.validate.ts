// Nonlinear propagation: the Burgers step against Fubini, Fay, Mendousse and the sawtooth's energy loss; the
// axisymmetric beam against the linear solver at low amplitude and against the FDA HITU Simulator (fixture);
// convergence in harmonics and step; clinical-0.8mhz at 100–400 W in water and through the default wall.
import {
  type HarmonicAcoustics,
  computeAxialPressure,
  computeNonlinearBeam,
  focusFromAxis,
  nonlinearFocus,
  parseScenario,
  propagatePlaneWave,
} from '../packages/core/src/index.ts';
import hitu from '../packages/core/test/acoustics/fixtures/hitu-f1.5-1mhz.json';
import type { ValidationCase, ValidationTable } from '../scripts/validation-types.ts';

const f = 1e6;
const omega = 2 * Math.PI * f;
const p0 = 1e6;
const b = 3.5 / (1000 * 1500 ** 3);
const xBar = 1 / (b * omega * p0);
const pct = (v: number) => Number((100 * v).toFixed(3));
const mpa = (v: number) => Number((v / 1e6).toFixed(3));

function fluid(n: number, gamma: number): HarmonicAcoustics {
  const a1 = Number.isFinite(gamma) ? 1 / (gamma * xBar) : 0;
  const k = omega / 1500;
  return {
    density: 1000,
    soundSpeed: 1500,
    wavenumber: Float64Array.from({ length: n }, (_, j) => (j + 1) * k),
    attenuation: Float64Array.from({ length: n }, (_, j) => a1 * (j + 1) ** 2),
    absorption: Float64Array.from({ length: n }, (_, j) => a1 * (j + 1) ** 2),
    burgers: b,
    nonlinearity: 5,
  };
}
function besselJ(n: number, x: number): number {
  let s = 0;
  for (let i = 0; i < 256; i++) {
    const t = (2 * Math.PI * i) / 256;
    s += Math.cos(n * t - x * Math.sin(t));
  }
  return s / 256;
}
function besselI(n: number, x: number): number {
  let term = (x / 2) ** n;
  for (let k = 1; k <= n; k++) term /= k;
  let s = term;
  for (let k = 1; k < 200; k++) {
    term *= (x * x) / 4 / (k * (k + n));
    s += term;
  }
  return s;
}
function mendousseAmplitudes(sigma: number, gamma: number, count: number): number[] {
  const m = 2048;
  const u = Float64Array.from({ length: m }, (_, i) => {
    const th = (2 * Math.PI * i) / m;
    let num = 0;
    let den = besselI(0, gamma / 2);
    for (let n = 1; n < 60; n++) {
      const w = besselI(n, gamma / 2) * Math.exp((-n * n * sigma) / gamma);
      num += (n % 2 === 1 ? 1 : -1) * n * w * Math.sin(n * th);
      den += 2 * (n % 2 === 0 ? 1 : -1) * w * Math.cos(n * th);
    }
    return ((4 / gamma) * num) / den;
  });
  return Array.from({ length: count }, (_, j) => {
    let s = 0;
    for (let i = 0; i < m; i++) s += u[i] * Math.sin((2 * Math.PI * (j + 1) * i) / m);
    return Math.abs((2 * s) / m);
  });
}
const amp = (r: { re: Float64Array; im: Float64Array }, n: number) => Math.hypot(r.re[n - 1], r.im[n - 1]);
const axisMax = (beam: { z: Float64Array; axisHarmonics: Float64Array; harmonics: number }, n: number) => {
  let m = 0;
  for (let i = 0; i < beam.z.length; i++) m = Math.max(m, beam.axisHarmonics[i * beam.harmonics + n - 1]);
  return m;
};
const wall = {
  layers: [
    { tissue: 'water', thickness: 0.088 },
    { tissue: 'skin', thickness: 0.002 },
    { tissue: 'fat', thickness: 0.016 },
    { tissue: 'muscle', thickness: 0.0091 },
    { tissue: 'fibroid' },
  ],
};

const validation: ValidationCase = {
  name: 'nonlinear',
  title: 'Nonlinear propagation: harmonics, shocks, heating',
  async run() {
    const tables: ValidationTable[] = [];
    // 1. Plane waves.
    const rows: (string | number)[][] = [];
    for (const sigma of [0.3, 0.6, 0.9]) {
      const r = propagatePlaneWave(p0, f, fluid(128, Number.POSITIVE_INFINITY), sigma * xBar, { harmonics: 128 });
      let e = 0;
      for (let n = 1; n <= 6; n++) e = Math.max(e, Math.abs(amp(r, n) / p0 - (2 * besselJ(n, n * sigma)) / (n * sigma)));
      rows.push(['Fubini, lossless', sigma, '∞', 128, pct(e), 0.5]);
    }
    for (const sigma of [3, 5]) {
      const r = propagatePlaneWave(p0, f, fluid(256, 50), sigma * xBar, { harmonics: 256 });
      let e = 0;
      for (let n = 1; n <= 5; n++) e = Math.max(e, Math.abs(amp(r, n) / p0 - 2 / 50 / Math.sinh((n * (1 + sigma)) / 50)));
      rows.push(['Fay', sigma, 50, 256, pct(e), 2]);
    }
    for (const sigma of [1, 2, 4]) {
      const ref = mendousseAmplitudes(sigma, 10, 6);
      const r = propagatePlaneWave(p0, f, fluid(64, 10), sigma * xBar, { harmonics: 64 });
      let e = 0;
      for (let n = 1; n <= 6; n++) e = Math.max(e, Math.abs(amp(r, n) / p0 - ref[n - 1]));
      rows.push(['Mendousse (exact, with absorption)', sigma, 10, 64, pct(e), 0.5]);
    }
    for (const sigma of [5, 10]) {
      const r = propagatePlaneWave(p0, f, fluid(256, Number.POSITIVE_INFINITY), sigma * xBar, { harmonics: 256 });
      let ms = 0;
      for (let n = 1; n <= 256; n++) ms += amp(r, n) ** 2 / 2;
      rows.push([
        'sawtooth energy ⟨p²⟩ = (πp0/(1+σ))²/3',
        sigma,
        '∞',
        256,
        pct(Math.abs(ms / ((Math.PI * p0) ** 2 / (1 + sigma) ** 2 / 3) - 1)),
        2,
      ]);
    }
    tables.push({
      caption: 'Plane waves: largest error of harmonics 1–5/6 (% of p0), or of the mean-square pressure (%)',
      columns: ['reference', 'σ', 'Γ', 'harmonics', 'error %', 'test tolerance %'],
      rows,
    });

    // 2. HITU Simulator.
    const bowl = (power: number) =>
      parseScenario({ transducer: { frequency: 1e6, radiusOfCurvature: 0.06, aperture: 0.04, power }, medium: 'water' });
    const hrows: (string | number)[][] = [];
    for (const ref of hitu.runs) {
      if (ref.layers === 'water' && ref.power === 60 && ref.harmonicsKK !== 64) continue;
      const sc =
        ref.layers === 'water'
          ? bowl(ref.power)
          : parseScenario({
              transducer: { frequency: 1e6, radiusOfCurvature: 0.06, aperture: 0.04, power: ref.power },
              medium: { layers: [{ tissue: 'water', thickness: 0.04 }, { tissue: 'liver' }] },
            });
      const beam = await computeNonlinearBeam(sc, { harmonics: 32, zMax: 0.075 });
      const fo = nonlinearFocus(beam, sc, 0.057, 1);
      hrows.push([
        ref.layers,
        ref.power,
        `${mpa(fo.peakPositivePressure)} / ${mpa(ref.peakPositive)}`,
        `${mpa(fo.peakNegativePressure)} / ${mpa(ref.peakNegative)}`,
        ...[1, 2, 3, 4, 5].map((n) => pct(axisMax(beam, n) / ref.harmonicMaxima[n - 1] - 1)),
      ]);
    }
    tables.push({
      caption:
        'F-number 1.5 bowl (1 MHz, R 60 mm, aperture 40 mm) in water against the FDA HITU Simulator v2 (WAKZK, run under Octave; fixture): OpenFUAS / HITU, and the difference of each harmonic’s axial maximum (%)',
      columns: ['medium', 'power W', 'p+ MPa', 'p− MPa', 'h1 %', 'h2 %', 'h3 %', 'h4 %', 'h5 %'],
      rows: hrows,
    });

    // 3. Convergence at 30 W.
    const sc30 = bowl(30);
    const crow: (string | number)[][] = [];
    for (const [label, opts] of [
      ['default (N 32, ε 0.05, Δz ≤ 1 mm, tol 1e-4)', {}],
      ['ε 0.025, Δz ≤ 0.5 mm', { stepFraction: 0.025, maxStep: 0.5e-3 }],
      ['N 64', { harmonics: 64 }],
      ['tol 1e-6', { harmonicTolerance: 1e-6 }],
      ['window margin 30 λ', { marginWavelengths: 30 }],
    ] as const) {
      const beam = await computeNonlinearBeam(sc30, { harmonics: 32, zMax: 0.075, ...opts });
      const fo = nonlinearFocus(beam, sc30, 0.057, 1);
      crow.push([
        label,
        mpa(fo.peakPositivePressure),
        mpa(fo.peakNegativePressure),
        mpa(axisMax(beam, 2)),
        mpa(axisMax(beam, 3)),
        beam.steps,
      ]);
    }
    tables.push({
      caption: 'Convergence at 30 W (F-number 1.5 bowl): p+, p−, axial maxima of harmonics 2 and 3 (MPa)',
      columns: ['run', 'p+', 'p−', 'h2 max', 'h3 max', 'steps'],
      rows: crow,
    });

    // 4. clinical-0.8mhz at 100–400 W in water and through the default wall. Times are CPU seconds of this process
    // (the march runs on one thread), so that a loaded shared machine does not inflate them.
    const cpu = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1e6;
    };
    const clinical = async (medium: 'water' | typeof wall, power: number, opts: Record<string, number>) => {
      const sc = parseScenario({ transducer: { preset: 'clinical-0.8mhz', power }, medium });
      const z = Float64Array.from({ length: 201 }, (_, i) => 0.13 + i * 1e-4);
      const lin = await computeAxialPressure(sc, 'asm', z);
      const focus = await focusFromAxis(sc, 'asm', lin);
      const c0 = cpu();
      const beam = await computeNonlinearBeam(sc, { harmonics: 32, zMax: 0.17, ...opts });
      const seconds = cpu() - c0;
      const fo = nonlinearFocus(beam, sc, focus.position[2], focus.pressure);
      let used = 0;
      for (const n of beam.harmonicsInUse) used = Math.max(used, n);
      let g = 0;
      let gz = 0;
      for (let i = 0; i < beam.z.length; i++) {
        if (beam.axisSteepness[i] > g) {
          g = beam.axisSteepness[i];
          gz = beam.z[i];
        }
      }
      return { beam, focus, fo, used, g, gz, seconds };
    };
    const clin: (string | number)[][] = [];
    for (const [label, medium] of [
      ['water', 'water'],
      ['default wall', wall],
    ] as const) {
      for (const power of [100, 200, 300, 400]) {
        // the shocked water focus at 300–400 W fills 32 harmonics: 64 carried there (the most the radial grid allows)
        const harmonics = label === 'water' && power >= 300 ? 64 : 32;
        const r = await clinical(medium, power, { harmonics });
        clin.push([
          label,
          power,
          harmonics,
          r.used,
          mpa(r.focus.pressure),
          mpa(r.fo.peakPositivePressure),
          mpa(r.fo.peakNegativePressure),
          ...[2, 3, 5].map((n) => mpa(axisMax(r.beam, n))),
          Number(r.fo.heatingRatio.toFixed(3)),
          `${r.g.toFixed(1)} at ${(r.gz * 1000).toFixed(1)} mm`,
          r.fo.shockZ === null ? 'none' : `${(r.fo.shockZ * 1000).toFixed(1)} mm`,
          Number(r.seconds.toFixed(1)),
        ]);
      }
    }
    tables.push({
      caption:
        'clinical-0.8mhz (R 150 mm, aperture 200 mm, 60 mm hole, 0.8 MHz) at 100–400 W: harmonics allowed (N) and used, linear focal |p|, p+, p−, axial maxima of harmonics 2, 3, 5 (MPa), heating ratio at the linear focus, largest waveform steepness G on the axis (1 for a sine) and where, where G first reaches 10 (shock), solver CPU seconds',
      columns: ['medium', 'W', 'N', 'used', '|p| linear', 'p+', 'p−', 'h2', 'h3', 'h5', 'heating ratio', 'max G', 'shock', 'CPU s'],
      rows: clin,
    });
    // 5. Convergence of the 400 W wall beam (the benchmark's case) in harmonic count and step size.
    const conv: (string | number)[][] = [];
    for (const [label, opts] of [
      ['N 16', { harmonics: 16 }],
      ['default (N 32, ε 0.05, Δz ≤ 1 mm)', {}],
      ['N 64', { harmonics: 64 }],
      ['ε 0.025', { stepFraction: 0.025 }],
      ['ε 0.025, Δz ≤ 0.5 mm', { stepFraction: 0.025, maxStep: 0.5e-3 }],
      ['tol 1e-5', { harmonicTolerance: 1e-5 }],
    ] as const) {
      const r = await clinical(wall, 400, opts);
      conv.push([
        label,
        r.used,
        mpa(r.fo.peakPositivePressure),
        mpa(r.fo.peakNegativePressure),
        mpa(axisMax(r.beam, 2)),
        Number(r.fo.heatingRatio.toFixed(4)),
        r.beam.steps,
        Number(r.seconds.toFixed(1)),
      ]);
    }
    tables.push({
      caption:
        'Convergence of clinical-0.8mhz at 400 W through the default wall: harmonics used, p+, p−, axial maximum of harmonic 2 (MPa), heating ratio, steps, CPU seconds',
      columns: ['run', 'used', 'p+', 'p−', 'h2 max', 'heating ratio', 'steps', 'CPU s'],
      rows: conv,
    });

    const text = `
Method (packages/core/src/acoustics/nonlinear-*.ts): operator splitting along z (Strang). Diffraction per harmonic
by the angular spectrum in cylindrical coordinates (quasi-discrete Hankel transform, Guizar-Sicairos &
Gutiérrez-Vega 2004), exact for every propagation angle, through the layers with the oblique transmission
coefficient per plane-wave component as the linear solver; attenuation α0 (nf)^y and its Kramers–Kronig dispersion
per harmonic. Nonlinear step (Burgers, b = β/(ρc³), B/A per tissue): frequency-domain harmonic coupling (RK4) while
the waveform's steepness G < 3, a second-order Godunov (MUSCL, minmod) finite-volume step in time where shocks form;
what leaves the N harmonics is deposited as shock heating. Step ≤ 0.05 × the local shock-formation distance and
≤ 1 mm; harmonics doubled from 4 to N when the highest exceeds 1e-4 of the fundamental, carried within the cone + 8 λ. Start: the Rayleigh integral
of the bowl at h + 0.3 R, each radial node's sinusoid pre-distorted by Fubini over its ray's spherical-wave range.
Heat source Q = Σ α_abs(nf)|p_n|²/(ρc) + shock heating (|p_n| amplitudes); peaks p± from the waveform (Lanczos
σ-factors where the series is truncated).

Verdict: the Burgers step meets its analytic references to the tolerances of the unit tests
(nonlinear-burgers.test.ts). At low amplitude the beam equals the linear angular spectrum within 0.5 % of the peak on
the axis from 0.5 R (F-number 1.5 bowl); for clinical-0.8mhz the error reaches about 2 % of the peak in the
post-focal lobes (the radial window follows the geometric cone). Against HITU (fixture made under Octave; HITU uses
an equivalent converging source at the rim plane, a Padé parabolic diffraction operator and a first-order upwind
nonlinear step) p+ and p− agree within about 1 % at 10–60 W and the fundamental within 1.5 %; the second harmonic's
axial maximum is 7–9 % higher here; harmonics 3–5 agree within 5 % at 60 W but are 4–77 % lower here at 10–30 W,
where they are below 10⁻² of the fundamental (HITU's first-order upwind step is diffusive and leaves numerical
harmonics of that size; not resolved which code is nearer the truth there). Through 2 cm of water-to-liver
(HITU's layered run at 60 W, liver α 0.5 dB/cm/MHz^1.1, B/A 6.8): p+ 1.5 % higher here, p− within 0.2 %, the
fundamental within 1.1 %, harmonics 2–5 within +10/−9 %. Limits: axisymmetric (bowls on axis, layers normal to it); one-way.

clinical-0.8mhz (tables below). Through the default wall the focus does not shock at 100–400 W: the largest axial
steepness G is 1.6–1.8 (a sine has 1; the shock threshold is 10), the heating ratio at the linear focus grows from
1.08 (100 W) to 1.37 (400 W), p+ reaches 22 MPa and p− −11.9 MPa at 400 W. That beam is converged: a 10× smaller
harmonic tolerance (32 harmonics used instead of 16) changes p± and the heating ratio by ≤ 0.1 %, the step halved
by ≤ 0.6 %. In water the wave steepens far more (p+ 48 MPa, p− −15.6 MPa at 400 W) and at 400 W fills the 64
harmonics the radial grid allows (MAX_RADIAL_NODES): that row is not converged in N. Its heating ratio of 26 is mostly
the energy the nonlinear step moves above harmonic 64, counted as shock heat (water absorbs little at 0.8 MHz, so
the linear reference is small), and the σ-filtered 64-harmonic waveform reaches G 3.6 at the focus, below the
threshold, so the column reports no shock there although the spectrum is that of a steepened, nearly shocked wave.
Speed (issue 16 target < 10 s on 2 cores): the 400 W wall beam takes 0.9 CPU s here and 1.3–5.2 CPU s in
\`npm run bench -- nonlinear\` (5.2 cold, with module compilation and the 2-thread pool's start); a serial run
(the bench before it took the pool) took 6.7 s wall on the shared 2-core machine under a load of about 2.6.
`;
    return { title: validation.title, text, tables, figures: [] };
  },
};
export default validation;
