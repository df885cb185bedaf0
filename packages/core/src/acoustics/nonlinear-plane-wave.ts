import { InputError } from '../errors.js';
import type { HarmonicAcoustics } from './harmonic-medium.js';
import { BurgersStepper } from './nonlinear-burgers.js';

/** A plane progressive wave's harmonics after a distance, and the energy its shocks took. */
export interface PlaneWaveHarmonics {
  /** complex amplitudes (Pa) of harmonics 1..N at index n − 1, p(τ) = Re Σ p_n e^{i n ω τ} */
  readonly re: Float64Array;
  readonly im: Float64Array;
  /** mean-square pressure (Pa²) that left the N harmonics in the nonlinear steps (shocks, truncation) */
  readonly lostMeanSquare: number;
  /** steps taken and how many of them ran in the time domain */
  readonly steps: number;
  readonly timeDomainSteps: number;
}

/**
 * A plane wave p(0, τ) = p0 sin ωτ propagated a distance z (m) by operator splitting (Strang): half a step of
 * attenuation and dispersion per harmonic (e^{−α_n h/2} e^{−i(k_n − n k_1) h/2} in the frame moving at c(f)), a full
 * Burgers step (BurgersStepper), the other half. Step h = min(z, stepFraction · x̄), x̄ = 1/(b ω p0) the plane-wave
 * shock formation distance. The reference problem of the plane-wave validation (Fubini, Fay, Mendousse).
 */
export function propagatePlaneWave(
  p0: number,
  frequency: number,
  medium: HarmonicAcoustics,
  z: number,
  options: { harmonics: number; stepFraction?: number; steepnessSwitch?: number },
): PlaneWaveHarmonics {
  const n = options.harmonics;
  if (!(Number.isInteger(n) && n >= 1 && n <= 4096)) throw new InputError('harmonics', `must be an integer in [1, 4096], got ${n}`);
  if (!(p0 >= 0) || !(z >= 0) || !(frequency > 0)) throw new InputError('planeWave', 'p0 and z must be >= 0, frequency > 0');
  if (medium.wavenumber.length < n) throw new InputError('medium', `holds ${medium.wavenumber.length} harmonics, ${n} needed`);
  const omega = 2 * Math.PI * frequency;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  im[0] = -p0; // sin ωτ = Re(−i e^{iωτ})
  const shockDistance = 1 / (medium.burgers * omega * Math.max(p0, 1e-300));
  const h0 = Math.min(z, (options.stepFraction ?? 0.01) * shockDistance);
  const steps = z > 0 ? Math.max(1, Math.ceil(z / h0)) : 0;
  const h = steps > 0 ? z / steps : 0;
  // half-step factors
  const fRe = new Float64Array(n);
  const fIm = new Float64Array(n);
  const k1 = medium.wavenumber[0];
  for (let j = 0; j < n; j++) {
    const m = Math.exp((-medium.attenuation[j] * h) / 2);
    const ph = (-(medium.wavenumber[j] - (j + 1) * k1) * h) / 2;
    fRe[j] = m * Math.cos(ph);
    fIm[j] = m * Math.sin(ph);
  }
  const half = () => {
    for (let j = 0; j < n; j++) {
      const a = re[j];
      const b = im[j];
      re[j] = a * fRe[j] - b * fIm[j];
      im[j] = a * fIm[j] + b * fRe[j];
    }
  };
  const stepper = new BurgersStepper(n);
  if (options.steepnessSwitch !== undefined) stepper.steepnessSwitch = options.steepnessSwitch;
  let lost = 0;
  let timeDomain = 0;
  for (let s = 0; s < steps; s++) {
    half();
    lost += stepper.step(re, im, 0, 1, n, medium.burgers, omega, h);
    if (stepper.lastMethod === 2) timeDomain++;
    half();
  }
  return { re, im, lostMeanSquare: lost, steps, timeDomainSteps: timeDomain };
}
