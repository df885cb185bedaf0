import { describe, expect, it } from 'vitest';
import { bowlArea, capHeight, rimHeight, surfaceVelocity, validateBowl } from '../../src/transducer/bowl.js';
import { getTransducerPreset, transducerPresetNames } from '../../src/transducer/presets.js';
import { bowlPointCount, sampleBowl } from '../../src/transducer/surface-sampling.js';

const bowl = { name: 'custom', frequency: 1e6, radiusOfCurvature: 0.1, aperture: 0.06, holeDiameter: 0.02, drive: { power: 10 } };

describe('bowl geometry', () => {
  it('rim height and area of a cap with a hole (hand-computed)', () => {
    // h = 0.1 − sqrt(0.01 − 0.0009) = 0.004606; hole: 0.1 − sqrt(0.01 − 0.0001) = 0.000501
    expect(capHeight(0.1, 0.03)).toBeCloseTo(0.1 - Math.sqrt(0.0091), 12);
    expect(rimHeight(bowl)).toBeCloseTo(0.0046061, 6);
    expect(bowlArea(bowl)).toBeCloseTo(2 * Math.PI * 0.1 * (0.0046061 - 0.00050125), 7);
  });
  it('power → velocity: P = ½ ρ c u0² S; pressure → velocity: u0 = p0/(ρ c)', () => {
    const u0 = surfaceVelocity(bowl, 1000, 1500);
    expect(0.5 * 1000 * 1500 * u0 * u0 * bowlArea(bowl)).toBeCloseTo(10, 10);
    expect(surfaceVelocity({ ...bowl, drive: { surfacePressure: 6e4 } }, 1000, 1500)).toBeCloseTo(0.04, 12);
  });
  it('rejects bad geometry naming the field', () => {
    expect(() => validateBowl({ ...bowl, aperture: 0.25 })).toThrow(/transducer\.aperture: must be <= 2 × radiusOfCurvature/);
    expect(() => validateBowl({ ...bowl, frequency: 20e6 })).toThrow(/transducer\.frequency/);
    expect(() => validateBowl({ ...bowl, holeDiameter: 0.07 })).toThrow(/transducer\.holeDiameter/);
    expect(() => validateBowl({ ...bowl, radiusOfCurvature: -1 })).toThrow(/transducer\.radiusOfCurvature/);
  });
  it('has the two presets of the issue', () => {
    expect(transducerPresetNames()).toEqual(['clinical-0.8mhz', 'benchmark-500khz']);
    const c = getTransducerPreset('clinical-0.8mhz');
    expect([c.frequency, c.radiusOfCurvature, c.aperture, c.holeDiameter]).toEqual([0.8e6, 0.15, 0.2, 0.06]);
    const b = getTransducerPreset('benchmark-500khz');
    expect([b.frequency, b.radiusOfCurvature, b.aperture, b.holeDiameter]).toEqual([0.5e6, 0.064, 0.064, 0]);
    expect(() => getTransducerPreset('nope')).toThrow(/unknown preset/);
  });
});

describe('sampleBowl', () => {
  it('puts equal-area points on the sphere, between the hole and the rim', () => {
    const p = sampleBowl(bowl, 5000);
    const holeZ = capHeight(0.1, 0.01);
    for (let i = 0; i < p.count; i++) {
      expect(Math.hypot(p.x[i], p.y[i], p.z[i] - 0.1)).toBeCloseTo(0.1, 12);
      expect(p.z[i]).toBeGreaterThanOrEqual(holeZ - 1e-12);
      expect(p.z[i]).toBeLessThanOrEqual(rimHeight(bowl) + 1e-12);
    }
    expect(p.areaPerPoint * p.count).toBeCloseTo(bowlArea(bowl), 12);
    // equal area: the fraction of points below a height equals the area fraction (uniform in z on a sphere)
    const zMid = (holeZ + rimHeight(bowl)) / 2;
    const below = Array.from(p.z).filter((z) => z < zMid).length / p.count;
    expect(Math.abs(below - 0.5)).toBeLessThan(1e-3);
    // centroid on the axis (golden-angle spiral is balanced)
    const mx = p.x.reduce((s, v) => s + v, 0) / p.count;
    expect(Math.abs(mx)).toBeLessThan(1e-4 * 0.03);
  });
  it('chooses more points for nearer field points and never fewer than λ/2 spacing needs', () => {
    const lambda = 1.5e-3;
    const far = bowlPointCount(bowl, lambda, 0.1);
    const near = bowlPointCount(bowl, lambda, 0.005);
    expect(far).toBe(Math.ceil(bowlArea(bowl) / (lambda / 2) ** 2));
    expect(near).toBeGreaterThan(far);
  });
});
