import { describe, expect, it } from 'vitest';
import { computeAxialPressure, computeFieldVolume, focalMetrics, focusFromAxis } from '../../src/acoustics/field-solver.js';
import { layerAcoustics } from '../../src/acoustics/medium.js';
import { parseScenario } from '../../src/acoustics/scenario.js';
import { createGrid } from '../../src/grid/grid3d.js';

const transducer = { frequency: 1e6, radiusOfCurvature: 0.1, aperture: 0.06, surfaceVelocity: 0.05 };

describe('field façade', () => {
  it('asm volume agrees with the Rayleigh volume and carries Q = α_abs |p|²/(ρc) per layer', async () => {
    const sc = parseScenario({
      transducer,
      medium: {
        layers: [
          { tissue: { density: 1000, soundSpeed: 1500, attenuation: 0.0022, powerLawExponent: 2 }, thickness: 0.095 },
          { tissue: { density: 1000, soundSpeed: 1500, attenuation: 0.5, powerLawExponent: 1, absorption: 0.4 } },
        ],
      },
    });
    const s = 0.25e-3;
    const grid = createGrid([17, 15, 21], [s, s, s], [-8 * s, -7 * s, 0.1 - 10 * s]);
    const v = await computeFieldVolume(sc, 'asm', grid);
    const tissue = sc.medium.layers[1].tissue;
    const ac = layerAcoustics(tissue, 1e6);
    const i = 8 + 17 * (7 + 15 * 15); // a voxel in the second layer, on the axis
    expect(v.heatSource[i]).toBeCloseTo((ac.absorptionNpPerM * v.pressure[i] ** 2) / (1000 * 1500), -1);
    expect(ac.absorptionNpPerM).toBeCloseTo(0.4 * 100 * (Math.LN10 / 20), 10);
    expect(v.intensity[i]).toBeCloseTo(v.pressure[i] ** 2 / (2 * 1000 * 1500), -1);
    // the axis of the volume equals the axial solution
    const axis = await computeAxialPressure(sc, 'asm', [grid.origin[2] + 15 * s]);
    expect(Math.abs(v.pressure[i] / axis.amplitude[0] - 1)).toBeLessThan(1e-4);
    const m = focalMetrics(sc, v);
    expect(Math.abs(m.position[0])).toBeLessThan(1e-5);
    expect(m.pressure).toBeGreaterThan(v.pressure[i]);
  });
  it('focus metrics of the homogeneous bowl: width near 2·2.2152 R/(ka), negative focal shift', async () => {
    const sc = parseScenario({ transducer, medium: { density: 1000, soundSpeed: 1500, attenuation: 0, powerLawExponent: 2 } });
    const z = Array.from({ length: 401 }, (_, i) => 0.06 + (0.08 * i) / 400);
    const axis = await computeAxialPressure(sc, 'rayleigh', z);
    const f = await focusFromAxis(sc, 'rayleigh', axis);
    const k = (2 * Math.PI * 1e6) / 1500;
    // measured at the axial peak (≈ 3 mm before R), where the spot is ~3 % wider than in the plane z = R
    expect(Math.abs(f.width6dB / ((2 * 2.2152 * 0.1) / (k * 0.03)) - 1)).toBeLessThan(0.05);
    expect(f.focalShift).toBeLessThan(0);
    expect(f.length6dB).toBeGreaterThan(5 * f.width6dB);
    expect(f.intensity).toBeCloseTo(f.pressure ** 2 / (2 * 1000 * 1500), 0);
  });
  it('refuses volumes by O’Neil and Rayleigh in layers, naming the method', async () => {
    const layered = parseScenario({ transducer, medium: { layers: [{ tissue: 'water', thickness: 0.05 }, { tissue: 'fat' }] } });
    const grid = createGrid([3, 3, 3], [1e-3, 1e-3, 1e-3], [0, 0, 0.1]);
    await expect(computeFieldVolume(layered, 'oneil', grid)).rejects.toThrow(/method/);
    await expect(computeFieldVolume(layered, 'rayleigh', grid)).rejects.toThrow(/method: rayleigh needs a homogeneous medium/);
  });
});
