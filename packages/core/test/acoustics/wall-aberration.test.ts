import { describe, expect, it } from 'vitest';
import { asmAxial, asmPower, buildAngularSpectrum } from '../../src/acoustics/angular-spectrum.js';
import { parseScenario } from '../../src/acoustics/scenario.js';
import {
  MEASURED_WALL_STATISTICS,
  applyScreen,
  gaussianLengthOfFwhm,
  gridCoordinate,
  randomFieldAt,
  randomFieldOnLattice,
  randomPlaneField,
  validateWallStatistics,
} from '../../src/acoustics/wall-aberration.js';
import { seededRandom } from '../../src/case/seeded-random.js';
import { InputError } from '../../src/errors.js';

// A 1 MHz bowl, R = 100 mm, aperture 80 mm, through water 30 mm, fat 10 mm, muscle 10 mm into fibroid; the screen
// goes on the fat→muscle interface (layer 2), where the beam is ~40 mm wide: many correlation cells across it.
const transducer = { frequency: 1e6, radiusOfCurvature: 0.1, aperture: 0.08, surfaceVelocity: 0.05 };
const medium = {
  layers: [
    { tissue: 'water', thickness: 0.03 },
    { tissue: 'fat', thickness: 0.01 },
    { tissue: 'muscle', thickness: 0.01 },
    { tissue: 'fibroid' },
  ],
};
const sc = parseScenario({ transducer, medium });

function field(seed: number, fwhm: number) {
  const rng = seededRandom(seed);
  return randomPlaneField(fwhm, rng.normal, rng.next);
}

describe('random plane field (spectral method)', () => {
  it('has unit variance (±8 %) and autocorrelation ½ at half its FWHM (±0.08), zero mean, averaged over 4 seeds', () => {
    const fwhm = 3e-3;
    let v = 0;
    let m = 0;
    let c = 0;
    let count = 0;
    const lag = fwhm / 2;
    for (let seed = 1; seed <= 4; seed++) {
      const f = field(seed, fwhm);
      for (let i = 0; i < 60; i++)
        for (let j = 0; j < 60; j++) {
          const x = i * 2.1e-3;
          const y = j * 2.3e-3;
          const a = randomFieldAt(f, x, y);
          m += a;
          v += a * a;
          c += a * randomFieldAt(f, x + lag, y);
          count++;
        }
    }
    expect(Math.abs(m / count)).toBeLessThan(0.08);
    expect(Math.abs(v / count - 1)).toBeLessThan(0.08);
    expect(Math.abs(c / v - 0.5)).toBeLessThan(0.08);
  });
  it('is the same field for the same seed and another for another seed', () => {
    expect(randomFieldAt(field(7, 2e-3), 0.01, 0.02)).toBe(randomFieldAt(field(7, 2e-3), 0.01, 0.02));
    expect(randomFieldAt(field(7, 2e-3), 0.01, 0.02)).not.toBe(randomFieldAt(field(8, 2e-3), 0.01, 0.02));
  });
  it('on a lattice it is the same field as point by point (1e-12), masked points 0', () => {
    const f = field(5, 2.5e-3);
    const xs = Float64Array.from([0.001, -0.02, 0.0333]);
    const ys = Float64Array.from([0.004, 0.05]);
    const lat = randomFieldOnLattice(f, xs, ys, (i) => i !== 4);
    for (let j = 0; j < 2; j++)
      for (let i = 0; i < 3; i++) {
        const want = i + 3 * j === 4 ? 0 : randomFieldAt(f, xs[i], ys[j]);
        expect(Math.abs(lat[i + 3 * j] - want)).toBeLessThan(1e-12);
      }
  });
  it('Gaussian length of a FWHM: exp(−(FWHM/2)²/ℓ²) = ½', () => {
    const l = gaussianLengthOfFwhm(2e-3);
    expect(Math.exp(-((1e-3 / l) ** 2))).toBeCloseTo(0.5, 12);
  });
  it('refuses bad statistics with a typed error naming the field', () => {
    expect(() => validateWallStatistics({ ...MEASURED_WALL_STATISTICS, delayRms: -1 })).toThrow(/statistics\.delayRms/);
    expect(() => validateWallStatistics({ ...MEASURED_WALL_STATISTICS, delayCorrelationLength: 0 })).toThrow(InputError);
    expect(() => randomPlaneField(Number.NaN, Math.random, Math.random)).toThrow(InputError);
  });
});

describe('applyScreen on an angular spectrum through layers', () => {
  it('a pure phase screen conserves the power through its plane within 0.5 % (the band keeps > 99.5 % of it)', async () => {
    const asm = await buildAngularSpectrum(sc, { zMin: 0.03, zMax: 0.12 });
    const n = asm.nx * asm.ny;
    const f = field(3, 3e-3);
    const delay = new Float64Array(n);
    const sigma = 0.5 / asm.omega; // 0.5 rad rms
    for (let iy = 0; iy < asm.ny; iy++)
      for (let ix = 0; ix < asm.nx; ix++)
        delay[ix + asm.nx * iy] = sigma * randomFieldAt(f, gridCoordinate(ix, asm.nx, asm.dx), gridCoordinate(iy, asm.ny, asm.dy));
    const s = applyScreen(asm, 2, { delay, amplitude: null });
    expect(s.lostFraction).toBeLessThan(0.005);
    const zScreen = asm.layers[2].zRef;
    // at the screen (downstream, the scattered, more oblique waves are absorbed over longer paths: physics, not a leak)
    expect(Math.abs(asmPower(s.asm, zScreen) / asmPower(asm, zScreen) - 1)).toBeLessThan(0.005);
    expect(asmPower(s.asm, 0.09)).toBeLessThan(asmPower(asm, 0.09));
    // in front of the screen nothing changes
    expect(asmPower(s.asm, 0.035)).toBe(asmPower(asm, 0.035));
  });
  it('focal peak intensity through a Gaussian phase screen of σ = 0.5 rad: exp(−σ²) = 0.78 (Maréchal), ±0.05 over 4 seeds', async () => {
    const asm = await buildAngularSpectrum(sc, { zMin: 0.03, zMax: 0.12 });
    const z = Array.from({ length: 61 }, (_, i) => 0.085 + (0.025 * i) / 60);
    const amp = (a: typeof asm) => {
      const p = asmAxial(a, z);
      let m = 0;
      for (let i = 0; i < z.length; i++) m = Math.max(m, p.re[i] ** 2 + p.im[i] ** 2);
      return m;
    };
    const flat = amp(asm);
    const sigma = 0.5;
    let ratio = 0;
    for (let seed = 1; seed <= 4; seed++) {
      const f = field(seed, 3e-3);
      const delay = new Float64Array(asm.nx * asm.ny);
      for (let iy = 0; iy < asm.ny; iy++)
        for (let ix = 0; ix < asm.nx; ix++)
          delay[ix + asm.nx * iy] =
            (sigma / asm.omega) * randomFieldAt(f, gridCoordinate(ix, asm.nx, asm.dx), gridCoordinate(iy, asm.ny, asm.dy));
      ratio += amp(applyScreen(asm, 2, { delay, amplitude: null }).asm) / flat / 4;
    }
    expect(Math.abs(ratio - Math.exp(-sigma * sigma))).toBeLessThan(0.05);
  });
  it('refuses a screen on layer 0 or of the wrong size', async () => {
    const asm = await buildAngularSpectrum(sc, { zMin: 0.03, zMax: 0.06 });
    const d = new Float64Array(asm.nx * asm.ny);
    expect(() => applyScreen(asm, 0, { delay: d, amplitude: null })).toThrow(InputError);
    expect(() => applyScreen(asm, 1, { delay: new Float64Array(3), amplitude: null })).toThrow(/screen/);
  });
});
