import { describe, expect, it } from 'vitest';
import { defaultAbdominalLayers } from '../../src/acoustics/abdominal-layers.js';
import { parseScenario } from '../../src/acoustics/scenario.js';

const custom = { frequency: 1e6, radiusOfCurvature: 0.1, aperture: 0.06, holeDiameter: 0, power: 10 };

describe('parseScenario', () => {
  it('parses a preset in water and ignores unknown top-level keys (sonication)', () => {
    const s = parseScenario({ transducer: { preset: 'clinical-0.8mhz' }, medium: 'water', sonication: { duration: 3, cooling: 6 } });
    expect(s.transducer.radiusOfCurvature).toBe(0.15);
    expect(s.medium.layers).toHaveLength(1);
    expect(s.medium.layers[0].tissue.name).toBe('water');
  });
  it('parses custom media and the default abdominal layers (88 mm water, focus ~35 mm into the fibroid)', () => {
    const s = parseScenario({ transducer: custom, medium: { density: 1000, soundSpeed: 1500, attenuation: 0, powerLawExponent: 2 } });
    expect(s.medium.layers[0].tissue.soundSpeed).toBe(1500);
    const l = parseScenario({ transducer: { preset: 'clinical-0.8mhz', power: 100 }, medium: defaultAbdominalLayers() });
    expect(l.transducer.drive).toEqual({ power: 100 });
    expect(l.medium.layers.map((x) => x.tissue.name)).toEqual(['water', 'skin', 'fat', 'muscle', 'fibroid']);
    expect(l.medium.layers[4].zStart).toBeCloseTo(0.1151, 10);
    expect(0.15 - l.medium.layers[4].zStart).toBeCloseTo(0.0349, 10);
  });
  it.each([
    [{ transducer: { ...custom, aperture: 0.3 } }, /transducer\.aperture: must be <= 2 × radiusOfCurvature/],
    [{ transducer: { ...custom, radiusOfCurvature: -0.1 } }, /transducer\.radiusOfCurvature/],
    [{ transducer: { ...custom, frequency: 50e3 } }, /transducer\.frequency: must be within 0\.1–10 MHz/],
    [{ transducer: { ...custom, power: undefined } }, /transducer: one of power/],
    [{ transducer: { ...custom, surfaceVelocity: 1 } }, /transducer: give only one/],
    [{ transducer: { preset: 'foo' } }, /transducer\.preset: unknown preset/],
    [{ transducer: custom, medium: 'unobtainium' }, /medium: unknown tissue/],
    [
      { transducer: custom, medium: { layers: [{ tissue: 'water', thickness: 0.05 }, { tissue: 'brain' }] } },
      /medium\.layers\[1\]\.tissue: unknown tissue/,
    ],
    [{ transducer: custom, medium: { layers: [{ tissue: 'water', thickness: -1 }, { tissue: 'fat' }] } }, /medium\.layers\[0\]\.thickness/],
    [
      { transducer: custom, medium: { layers: [{ tissue: 'water', thickness: 0.001 }, { tissue: 'fat' }] } },
      /medium\.layers\[0\]\.thickness: must exceed the bowl's rim height/,
    ],
    [{ transducer: custom, medium: { density: -1, soundSpeed: 1500 } }, /medium\.density/],
    [{ medium: 'water' }, /transducer: is required/],
    [[1, 2], /scenario: must be a JSON object/],
  ])('rejects %j naming the field', (json, message) => {
    expect(() => parseScenario(json)).toThrow(message);
  });
});
