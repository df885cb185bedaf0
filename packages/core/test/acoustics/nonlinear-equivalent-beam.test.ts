import { describe, expect, it } from 'vitest';
import { buildAngularSpectrum } from '../../src/acoustics/angular-spectrum.js';
import { equivalentNonlinearBeam, focalRadius6dB } from '../../src/acoustics/nonlinear-equivalent-beam.js';
import { parseScenario } from '../../src/acoustics/scenario.js';
import { intensityOnGrid } from '../../src/acoustics/wall-aberration.js';
import { InputError } from '../../src/errors.js';
import { aberratedMarchCheck, randomWallScreen } from './aberrated-march-check.js';

// The small F-number 1.25 bowl of the 3D march's tests (1 MHz, R = 50 mm, aperture 40 mm) through water and liver;
// the screen acts where the liver starts, 15 mm before the focus.
const bowl = (power: number) =>
  parseScenario({
    transducer: { frequency: 1e6, radiusOfCurvature: 0.05, aperture: 0.04, power },
    medium: { layers: [{ tissue: 'water', thickness: 0.035 }, { tissue: 'liver' }] },
  });
const beamOptions = { harmonics: 32, zMax: 0.06, tableRadius: 5e-3 };

describe('equivalent axisymmetric beam of an aberrated focus', () => {
  it('is the bowl itself for an unspread focus, and a smaller bowl of twice the focal width for 4× the area', async () => {
    const sc = bowl(1);
    const same = await equivalentNonlinearBeam(sc, { peakPressure: 1e5, areaRatio: 1 }, { ...beamOptions, harmonics: 4 });
    expect(same.apertureScale).toBe(1);
    expect(same.linearPeak).toBeCloseTo(1e5, -1);
    // at 0.1 MPa the beam is linear: heating ratio 1 within 0.5 %
    expect(Math.abs(same.heatingRatio - 1)).toBeLessThan(0.005);
    const wide = await equivalentNonlinearBeam(sc, { peakPressure: 1e5, areaRatio: 4 }, { ...beamOptions, harmonics: 4 });
    // paraxially s = 1/2; this weakly focusing half bowl (ka²/2R ≈ 4) has its peak 7 mm nearer, where the beam is
    // narrower, so s is corrected below 1/2 on the measured widths
    expect(wide.apertureScale).toBeLessThan(0.5);
    expect(wide.apertureScale).toBeGreaterThan(0.3);
    expect(wide.transducer.aperture).toBeCloseTo(0.04 * wide.apertureScale, 12);
    expect(wide.transducer.holeDiameter).toBe(0);
    expect(wide.linearPeak).toBeCloseTo(1e5, -1);
    // the −6 dB radius doubles within 2.5 % (area 4× within 5 %)
    const ratio = focalRadius6dB(wide.linear, wide.zFocus) / focalRadius6dB(same.linear, same.zFocus);
    expect(Math.abs(ratio / 2 - 1)).toBeLessThan(0.025);
    // a smaller bowl needs more power for the same focal pressure
    expect(wide.power / same.power).toBeGreaterThan(2);
    await expect(equivalentNonlinearBeam(sc, { peakPressure: -1, areaRatio: 1 })).rejects.toThrow(InputError);
    await expect(equivalentNonlinearBeam(sc, { peakPressure: 1e5, areaRatio: Number.NaN })).rejects.toThrow(InputError);
  }, 60_000);

  it('matches the 3D nonlinear march through a random wall screen at 100 W (peak heat 4 %, heating ratio 0.02, p+ 4 %, p− 2 %)', async () => {
    const sc = bowl(100);
    const asm = await buildAngularSpectrum(sc, { zMin: 0.02, zMax: 0.065 });
    // 100 ns rms delay (0.63 rad at 1 MHz, correlation 2.5 mm FWHM) and 0.18 rms ln-amplitude (2 mm): the wall
    // model's statistics with a stronger delay, so that the focus loses a quarter of its intensity
    const screen = randomWallScreen(asm, intensityOnGrid(asm, 0.035), {
      delayRms: 100e-9,
      delayLength: 2.5e-3,
      lnAmplitudeRms: 0.18,
      energyLength: 2e-3,
      seed: 1,
    });
    const c = await aberratedMarchCheck(sc, asm, 1, screen, {
      halfWidth: 3e-3,
      latticeDivisions: 1024,
      zFrom: 0.04,
      zEnd: 0.06,
      dz: 0.5e-3,
      harmonics: 8,
      stepFraction: 0.2,
      marginWavelengths: 8,
      beam: beamOptions,
    });
    // the screen matters (gain 0.74) and so does nonlinearity (the march heats 13 % above the linear source)
    expect(c.gainRatio).toBeLessThan(0.8);
    expect(c.march.heatingRatio).toBeGreaterThan(1.1);
    // measured: heat +1.6 %, heating ratio 1.133 against 1.128, p+ +2.4 %, p− 0.03 %
    expect(Math.abs(c.surrogateHeat / c.march.heat - 1)).toBeLessThan(0.04);
    expect(Math.abs(c.eq.heatingRatio - c.march.heatingRatio)).toBeLessThan(0.02);
    expect(Math.abs(c.eq.peakPositivePressure / c.march.peakPositive - 1)).toBeLessThan(0.04);
    expect(Math.abs(c.eq.peakNegativePressure / c.march.peakNegative - 1)).toBeLessThan(0.02);
  }, 120_000);
});
