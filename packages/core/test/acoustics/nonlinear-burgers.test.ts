import { describe, expect, it } from 'vitest';
import { type HarmonicAcoustics, harmonicAcoustics } from '../../src/acoustics/harmonic-medium.js';
import { BurgersStepper, waveformPeaks } from '../../src/acoustics/nonlinear-burgers.js';
import { propagatePlaneWave } from '../../src/acoustics/nonlinear-plane-wave.js';
import { getTissue, validateTissue } from '../../src/tissue/tissue-table.js';

// Plane wave in water-like fluid: ρ = 1000, c = 1500, β = 3.5 (B/A = 5), f = 1 MHz, p0 = 1 MPa.
const f = 1e6;
const omega = 2 * Math.PI * f;
const p0 = 1e6;
const b = 3.5 / (1000 * 1500 ** 3);
const xBar = 1 / (b * omega * p0);

/** A thermoviscous fluid (α_n = α1 n², no dispersion) with Gol'dberg number Γ = 1/(α1 x̄); Γ = ∞ is lossless. */
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

/** J_n(x) by the trapezoidal rule on Bessel's integral over a full period (exponentially convergent). */
function besselJ(n: number, x: number): number {
  const m = 256;
  let s = 0;
  for (let i = 0; i < m; i++) {
    const t = (2 * Math.PI * i) / m;
    s += Math.cos(n * t - x * Math.sin(t));
  }
  return s / m;
}

/** I_n(x) by its power series. */
function besselI(n: number, x: number): number {
  let term = (x / 2) ** n;
  for (let k = 1; k <= n; k++) term /= k;
  let s = term;
  for (let k = 1; k < 200; k++) {
    term *= (x * x) / 4 / (k * (k + n));
    s += term;
    if (term < 1e-17 * s) break;
  }
  return s;
}

/** Mendousse's exact solution of Burgers' equation for u(0, θ) = sin θ (Hamilton & Blackstock 1998, §4.4). */
function mendousse(sigma: number, gamma: number, theta: number): number {
  let num = 0;
  let den = besselI(0, gamma / 2);
  for (let n = 1; n < 60; n++) {
    const w = besselI(n, gamma / 2) * Math.exp((-n * n * sigma) / gamma);
    num += (n % 2 === 1 ? 1 : -1) * n * w * Math.sin(n * theta);
    den += 2 * (n % 2 === 0 ? 1 : -1) * w * Math.cos(n * theta);
  }
  return ((4 / gamma) * num) / den;
}

/** Sine-series amplitudes B_n of a waveform u(θ) (odd in θ for these problems): B_n = (1/π)∫ u sin nθ dθ. */
function sineAmplitudes(u: (theta: number) => number, count: number): number[] {
  const m = 2048;
  const out: number[] = [];
  const samples = Float64Array.from({ length: m }, (_, i) => u((2 * Math.PI * i) / m));
  for (let n = 1; n <= count; n++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += samples[i] * Math.sin((2 * Math.PI * n * i) / m);
    out.push((2 * s) / m);
  }
  return out;
}

const amp = (r: { re: Float64Array; im: Float64Array }, n: number) => Math.hypot(r.re[n - 1], r.im[n - 1]);

describe('Burgers step on plane waves', () => {
  it("matches Fubini's harmonic amplitudes before the shock (σ = 0.3, 0.6, 0.9) within 0.5 % of p0", () => {
    for (const sigma of [0.3, 0.6, 0.9]) {
      const r = propagatePlaneWave(p0, f, fluid(128, Number.POSITIVE_INFINITY), sigma * xBar, { harmonics: 128 });
      for (let n = 1; n <= 6; n++) {
        const fubini = (2 * besselJ(n, n * sigma)) / (n * sigma);
        expect(Math.abs(amp(r, n) / p0 - fubini)).toBeLessThan(0.005);
      }
    }
  });

  it('uses the frequency-domain coupling for weak steepening and the time-domain step near the shock', () => {
    const weak = propagatePlaneWave(p0, f, fluid(64, Number.POSITIVE_INFINITY), 0.3 * xBar, { harmonics: 64 });
    expect(weak.timeDomainSteps).toBe(0);
    const strong = propagatePlaneWave(p0, f, fluid(64, Number.POSITIVE_INFINITY), 2 * xBar, { harmonics: 64 });
    expect(strong.timeDomainSteps).toBeGreaterThan(0);
  });

  it("matches Fay's solution after the shock (σ = 3, 5; Γ = 50) within 2 % of p0 for harmonics 1–5", () => {
    const gamma = 50;
    for (const sigma of [3, 5]) {
      const r = propagatePlaneWave(p0, f, fluid(256, gamma), sigma * xBar, { harmonics: 256 });
      for (let n = 1; n <= 5; n++) {
        const fay = 2 / gamma / Math.sinh((n * (1 + sigma)) / gamma);
        expect(Math.abs(amp(r, n) / p0 - fay)).toBeLessThan(0.02);
      }
    }
  });

  it("matches Mendousse's exact solution with absorption (Γ = 10; σ = 1, 2, 4) within 0.5 % of p0", () => {
    const gamma = 10;
    // the formula itself returns the source at σ = 0
    for (const th of [0.3, 1.2, 2.5]) expect(Math.abs(mendousse(0, gamma, th) - Math.sin(th))).toBeLessThan(1e-9);
    for (const sigma of [1, 2, 4]) {
      const ref = sineAmplitudes((th) => mendousse(sigma, gamma, th), 6);
      const r = propagatePlaneWave(p0, f, fluid(64, gamma), sigma * xBar, { harmonics: 64 });
      for (let n = 1; n <= 6; n++) expect(Math.abs(amp(r, n) / p0 - Math.abs(ref[n - 1]))).toBeLessThan(0.005);
    }
  });

  it('loses energy at shocks as the lossless sawtooth does: ⟨p²⟩ = (π p0/(1+σ))²/3 within 2 % at σ = 5 and 10', () => {
    for (const sigma of [5, 10]) {
      const r = propagatePlaneWave(p0, f, fluid(256, Number.POSITIVE_INFINITY), sigma * xBar, { harmonics: 256 });
      let ms = 0;
      for (let n = 1; n <= 256; n++) ms += amp(r, n) ** 2 / 2;
      const sawtooth = (Math.PI * p0) ** 2 / (1 + sigma) ** 2 / 3;
      expect(Math.abs(ms / sawtooth - 1)).toBeLessThan(0.02);
      // what the harmonics lost is what the nonlinear steps report as lost (no absorption here)
      expect(Math.abs(ms + r.lostMeanSquare - p0 * p0 * 0.5) / (p0 * p0 * 0.5)).toBeLessThan(1e-9);
    }
  });

  it('keeps a low-amplitude wave linear: fundamental as e^{−αz}, second harmonic the small-signal σ/2', () => {
    const water = harmonicAcoustics(getTissue('water'), f, 16);
    const z = 0.1;
    const pa = 100;
    const r = propagatePlaneWave(pa, f, water, z, { harmonics: 16 });
    expect(Math.abs(amp(r, 1) / (pa * Math.exp(-water.attenuation[0] * z)) - 1)).toBeLessThan(1e-6);
    const sigma = water.burgers * omega * pa * z;
    expect(Math.abs(amp(r, 2) / amp(r, 1) / (sigma / 2) - 1)).toBeLessThan(0.01);
  });

  it('reads peak pressures of a sawtooth within 2 % despite the truncated series', () => {
    const n = 128;
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    // sawtooth of peak π/2·... : u = Σ (2/n) sin nθ = π − θ on (0, 2π): peaks ±π
    for (let k = 1; k <= n; k++) im[k - 1] = -2 / k;
    const pk = waveformPeaks(re, im, 0, 1, n, new Float64Array(4096), new Float64Array(4096));
    expect(Math.abs(pk.positive / Math.PI - 1)).toBeLessThan(0.02);
    expect(Math.abs(pk.negative / -Math.PI - 1)).toBeLessThan(0.02);
  });

  it('rejects more harmonics than it was built for', () => {
    const s = new BurgersStepper(4);
    expect(() => s.step(new Float64Array(8), new Float64Array(8), 0, 1, 8, b, omega, 1e-3)).toThrow(RangeError);
  });
});

describe('harmonic acoustics', () => {
  it('keeps the fundamental’s wavenumber and applies the power law α0 (nf)^y per harmonic', () => {
    const fat = getTissue('fat');
    const h = harmonicAcoustics(fat, 0.8e6, 8);
    expect(h.wavenumber[0]).toBeCloseTo((2 * Math.PI * 0.8e6) / fat.soundSpeed, 9);
    expect(h.attenuation[3] / h.attenuation[0]).toBeCloseTo(4 ** fat.powerLawExponent, 9);
    // y = 1: phase speed rises with frequency (Kramers–Kronig), so k_n < n k_1
    expect(h.wavenumber[3]).toBeLessThan(4 * h.wavenumber[0]);
    expect(h.burgers).toBeCloseTo((1 + fat.nonlinearity / 2) / (fat.density * fat.soundSpeed ** 3), 20);
  });

  it('refuses a tissue without B/A', () => {
    const t = validateTissue({ name: 'x', density: 1000, soundSpeed: 1500, attenuationDbPerCmMHz: 0.5, powerLawExponent: 1 });
    expect(() => harmonicAcoustics(t, 1e6, 4)).toThrow(/nonlinearity/);
  });
});
