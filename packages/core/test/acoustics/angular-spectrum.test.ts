import { describe, expect, it } from 'vitest';
import { asmAxial, asmLateral, asmPower, buildAngularSpectrum } from '../../src/acoustics/angular-spectrum.js';
import { computeAxialPressure, computeLateralPressure } from '../../src/acoustics/field-solver.js';
import { layerAcoustics } from '../../src/acoustics/medium.js';
import { parseScenario } from '../../src/acoustics/scenario.js';
import { radiatedPower } from '../../src/transducer/bowl.js';

// A 1 MHz bowl, R = 100 mm, aperture 60 mm, in water of ρ = 1000, c = 1500 (λ = 1.5 mm).
const transducer = { frequency: 1e6, radiusOfCurvature: 0.1, aperture: 0.06, surfaceVelocity: 0.05 };
const water = { density: 1000, soundSpeed: 1500, attenuation: 0, powerLawExponent: 2 };
const R = 0.1;

describe('angular spectrum in one homogeneous medium', () => {
  const sc = parseScenario({ transducer, medium: water });
  it('matches the Rayleigh integral: focal peak within 1 %, L2 over the focal region within 2 %', async () => {
    const z = Array.from({ length: 81 }, (_, i) => 0.08 + (0.04 * i) / 80);
    const asm = await computeAxialPressure(sc, 'asm', z);
    const ray = await computeAxialPressure(sc, 'rayleigh', z);
    const peakA = Math.max(...asm.amplitude);
    const peakR = Math.max(...ray.amplitude);
    expect(Math.abs(peakA / peakR - 1)).toBeLessThan(0.01);
    const x = Array.from({ length: 41 }, (_, i) => i * 1e-4);
    const la = await computeLateralPressure(sc, 'asm', R, x);
    const lr = await computeLateralPressure(sc, 'rayleigh', R, x);
    let e2 = 0;
    let n2 = 0;
    for (let i = 0; i < z.length; i++) {
      e2 += (asm.re[i] - ray.re[i]) ** 2 + (asm.im[i] - ray.im[i]) ** 2;
      n2 += ray.re[i] ** 2 + ray.im[i] ** 2;
    }
    for (let i = 0; i < x.length; i++) {
      e2 += (la.re[i] - lr.re[i]) ** 2 + (la.im[i] - lr.im[i]) ** 2;
      n2 += lr.re[i] ** 2 + lr.im[i] ** 2;
    }
    expect(Math.sqrt(e2 / n2)).toBeLessThan(0.02);
  });
  it('conserves power through planes within 0.5 % in lossless water, close to ½ρcu0²S', async () => {
    const asm = await buildAngularSpectrum(sc, { zMin: 0.05, zMax: 0.15 });
    const p0 = asmPower(asm, asm.zSource);
    for (const z of [0.07, 0.1, 0.13, 0.15]) expect(Math.abs(asmPower(asm, z) / p0 - 1)).toBeLessThan(0.005);
    // the bowl's radiated power (plane-wave radiation resistance) within 3 % (edge waves, taper)
    expect(Math.abs(p0 / radiatedPower(sc.transducer, 1000, 1500) - 1)).toBeLessThan(0.03);
  });
  it('with attenuation α, power through planes decays between e^{−2αΔz} and e^{−2αΔz/cos θmax}', async () => {
    const lossy = parseScenario({ transducer, medium: { ...water, attenuation: 0.5, powerLawExponent: 1 } });
    const asm = await buildAngularSpectrum(lossy, { zMin: 0.05, zMax: 0.15 });
    const alpha = layerAcoustics(lossy.medium.layers[0].tissue, 1e6).attenuationNpPerM; // 5.756 Np/m
    const dz = 0.15 - asm.zSource;
    const ratio = asmPower(asm, 0.15) / asmPower(asm, asm.zSource);
    const cosMax = Math.sqrt(1 - 0.3 ** 2);
    expect(ratio).toBeLessThan(Math.exp(-2 * alpha * dz));
    expect(ratio).toBeGreaterThan(Math.exp((-2 * alpha * dz) / cosMax));
  });
});

describe('angular spectrum through layers', () => {
  it('a density-only interface scales the whole field by 2 Z2/(Z1 + Z2) (exact: no refraction, T independent of angle)', async () => {
    const sc = parseScenario({ transducer, medium: water });
    const layered = parseScenario({
      transducer,
      medium: { layers: [{ tissue: water, thickness: 0.06 }, { tissue: { ...water, density: 1600 } }] },
    });
    const z = [0.07, 0.09, 0.1, 0.11];
    const a = await computeAxialPressure(sc, 'rayleigh', z);
    const b = await computeAxialPressure(layered, 'asm', z);
    const t = (2 * 1600) / (1600 + 1000);
    for (let i = 0; i < z.length; i++) expect(Math.abs(b.amplitude[i] / (t * a.amplitude[i]) - 1)).toBeLessThan(0.01);
  });
  it('a faster layer before the focus pulls the focus towards the transducer by about (R − z_i)(1 − c1/c2)', async () => {
    const c2 = 1600;
    const zi = 0.06;
    const base = parseScenario({ transducer, medium: water });
    const fast = parseScenario({
      transducer,
      medium: { layers: [{ tissue: water, thickness: zi }, { tissue: { ...water, soundSpeed: c2 } }] },
    });
    const z = Array.from({ length: 401 }, (_, i) => 0.08 + (0.03 * i) / 400);
    const peakZ = (p: { amplitude: Float64Array }) => z[p.amplitude.indexOf(Math.max(...p.amplitude))];
    const shift = peakZ(await computeAxialPressure(fast, 'asm', z)) - peakZ(await computeAxialPressure(base, 'asm', z));
    const paraxial = -(R - zi) * (1 - 1500 / c2); // −2.5 mm
    expect(Math.abs(shift - paraxial)).toBeLessThan(0.25 * Math.abs(paraxial));
  });
  it('an absorbing layer lowers the focal peak by between e^{−αd} and e^{−αd/cos θmax} (same ρ and c)', async () => {
    const d = 0.02;
    const base = parseScenario({ transducer, medium: water });
    const lossy = parseScenario({
      transducer,
      medium: {
        layers: [
          { tissue: water, thickness: 0.06 },
          { tissue: { ...water, attenuation: 1, powerLawExponent: 1 }, thickness: d },
          { tissue: water },
        ],
      },
    });
    const alpha = (1 * 100) / 8.686;
    const a = await computeAxialPressure(base, 'asm', [R]);
    const b = await computeAxialPressure(lossy, 'asm', [R]);
    const ratio = b.amplitude[0] / a.amplitude[0];
    expect(ratio).toBeLessThan(Math.exp(-alpha * d) * 1.002);
    expect(ratio).toBeGreaterThan(Math.exp((-alpha * d) / Math.sqrt(1 - 0.3 ** 2)));
  });
  it('axis and lateral evaluations agree at the axis point', async () => {
    const sc = parseScenario({ transducer, medium: water });
    const asm = await buildAngularSpectrum(sc, { zMin: 0.06, zMax: 0.12 });
    const a = asmAxial(asm, [0.1]);
    const l = asmLateral(asm, 0.1, [0]);
    expect(l.re[0]).toBeCloseTo(a.re[0], 6);
    expect(l.im[0]).toBeCloseTo(a.im[0], 6);
  });
});
