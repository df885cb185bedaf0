import { describe, expect, it } from 'vitest';
import {
  BOILING_TEMPERATURE,
  GREYSCALE_FADE_TIME,
  ThermalSimulation,
  VAPOUR_REFLECTION,
  WATER_LATENT_HEAT,
  createGrid,
  fieldSource,
  gaussianPatch,
  getTissue,
  homogeneousThermalMedium,
  lesionCentroid,
  placePatch,
  shieldingAbsorption,
  waterContentOf,
} from '../../src/index.js';

const muscle = getTissue('muscle');
const still = { ...muscle, perfusion: 0 };
const rhoC = muscle.density * muscle.specificHeat;
const latent = muscle.density * waterContentOf('muscle') * WATER_LATENT_HEAT;

/** A uniformly heated, insulated, unperfused block: every voxel follows the 0-D enthalpy balance H(t) = Q·t. */
function uniformBlock(q: number, durations: number[], options = {}) {
  const grid = createGrid([4, 4, 4], [1e-3, 1e-3, 1e-3]);
  const medium = homogeneousThermalMedium(grid, still);
  const source = fieldSource(grid, new Float32Array(64).fill(q));
  const segments = durations.map((d, k) => ({ duration: d, source: k === 0 ? source : null }));
  return new ThermalSimulation(medium, segments, { boundary: 'adiabatic', dt: 0.005, trackEnergy: true, ...options });
}

describe('boiling: enthalpy of tissue water (latent heat, thermal/boiling.ts)', () => {
  const q = 2e9; // W/m³
  const tBoil = (rhoC * (BOILING_TEMPERATURE - 37)) / q; // 0.118 s
  const plateau = latent / q; // 0.97 s for muscle (79 % water)

  it('reaches 100 °C when the heating-rate estimate ρC·ΔT/Q says, within one step', async () => {
    const sim = uniformBlock(q, [0.5]);
    await sim.advance();
    const onset = sim.boiling?.boilingOnset ?? Number.NaN;
    expect(onset).toBeGreaterThanOrEqual(tBoil - 1e-9);
    expect(onset).toBeLessThanOrEqual(tBoil + 0.005 + 1e-9);
  });

  it('holds the tissue at 100 °C while its water vaporises (ρ·w·L/Q), then heats again', async () => {
    const sim = uniformBlock(q, [tBoil + 0.8 * plateau]);
    await sim.advance();
    expect(sim.peakTemperature).toBeCloseTo(BOILING_TEMPERATURE, 9);
    expect(sim.boiling?.vapour[0]).toBeCloseTo(0.8, 3);
    const dry = uniformBlock(q, [tBoil + plateau + 0.05]);
    await dry.advance();
    // 0.05 s past the plateau: T = 100 + Q·0.05/ρC
    expect(dry.temperature[0]).toBeCloseTo(BOILING_TEMPERATURE + (q * 0.05) / rhoC, 6);
    expect(dry.boiling?.vapour[0]).toBe(1);
  });

  it('closes the energy budget with the latent heat (≤ 0.5 %; measured to round-off)', async () => {
    const sim = uniformBlock(q, [tBoil + 0.5 * plateau, 0.2]);
    await sim.advance();
    const e = sim.energy;
    if (!e) throw new Error('no energy budget');
    expect(e.latent).toBeGreaterThan(0.4 * e.deposited);
    expect(Math.abs(e.deposited - e.perfusionLoss - e.boundaryLoss - e.stored)).toBeLessThan(1e-9 * e.deposited);

    // perfused, heterogeneous boundary: a focused patch on a body-boundary grid
    const grid = createGrid([20, 20, 28], [0.5e-3, 0.5e-3, 0.5e-3]);
    const medium = homogeneousThermalMedium(grid, muscle);
    const patch = placePatch(gaussianPatch([0.5e-3, 0.5e-3, 0.5e-3], [0.6e-3, 0.6e-3, 2e-3], 1, 3, 1), grid, [5e-3, 5e-3, 7e-3]);
    const focused = new ThermalSimulation(
      medium,
      [
        { duration: 1.5, source: patch, power: 4e10 },
        { duration: 2, source: null },
      ],
      { trackEnergy: true },
    );
    await focused.advance();
    const f = focused.energy;
    if (!f) throw new Error('no energy budget');
    expect(focused.boiling?.boilingOnset).not.toBeNull();
    expect(Math.abs(f.deposited - f.perfusionLoss - f.boundaryLoss - f.stored)).toBeLessThan(0.005 * f.deposited);
  });

  it('condenses when the source stops (vapour gives its heat back) and the greyscale fades with its time constant', async () => {
    const grid = createGrid([16, 16, 16], [0.5e-3, 0.5e-3, 0.5e-3]);
    const medium = homogeneousThermalMedium(grid, muscle);
    const patch = placePatch(gaussianPatch([0.5e-3, 0.5e-3, 0.5e-3], [0.6e-3, 0.6e-3, 0.6e-3], 1, 3, 1), grid, [4e-3, 4e-3, 4e-3]);
    const sim = new ThermalSimulation(medium, [
      { duration: 0.6, source: patch, power: 3e9 },
      { duration: 40, source: null },
    ]);
    await sim.advance(0.6);
    const b = sim.boiling;
    if (!b) throw new Error('boiling off');
    const bubbles = b.greyscaleVoxels();
    expect(bubbles.length).toBeGreaterThan(0);
    await sim.advance(20);
    const vapourAt = () => bubbles.reduce((s, i) => s + b.vapour[i], 0);
    expect(vapourAt()).toBe(0);
    expect(sim.peakTemperature).toBeCloseTo(BOILING_TEMPERATURE, 9);
    const g20 = bubbles.map((i) => b.greyscale[i]);
    const t20 = sim.time;
    await sim.advance();
    // with the vapour gone, each former bubble voxel fades as exp(−Δt/τ) over the last ~20 s
    const fade = Math.exp(-(sim.time - t20) / GREYSCALE_FADE_TIME);
    bubbles.forEach((i, k) => {
      expect(b.greyscale[i] / g20[k]).toBeCloseTo(fade, 6);
    });
    expect(sim.time).toBeCloseTo(40.6, 9);
  });

  it('is off on request: plain Pennes passes 100 °C', async () => {
    const sim = uniformBlock(q, [tBoil + 0.2], { boiling: false });
    await sim.advance();
    expect(sim.peakTemperature).toBeGreaterThan(BOILING_TEMPERATURE + 10);
    expect(sim.boiling).toBeNull();
  });
});

describe('bubble shielding: the lesion grows towards the transducer once boiling starts (tadpole)', () => {
  /** A cigar heat source symmetric about z = 8 mm (beam along +z), muscle, 2 s at a power that boils at ~0.4 s. */
  async function run(options: object) {
    const h = 0.25e-3;
    const grid = createGrid([25, 25, 81], [h, h, h]);
    const medium = homogeneousThermalMedium(grid, muscle);
    const q = new Float32Array(25 * 25 * 81);
    for (let k = 0; k < 81; k++)
      for (let j = 0; j < 25; j++)
        for (let i = 0; i < 25; i++) {
          const r2 = ((i - 12) * h) ** 2 + ((j - 12) * h) ** 2;
          const dz = (k - 40) * h;
          q[i + 25 * (j + 25 * k)] = 4e9 * Math.exp(-r2 / (2 * 0.5e-3 ** 2) - (dz * dz) / (2 * 2.5e-3 ** 2));
        }
    const sim = new ThermalSimulation(medium, [{ duration: 1.5, source: fieldSource(grid, q) }], options);
    await sim.advance();
    return { sim, centroid: lesionCentroid(sim.dose, grid, 240, 2) ?? Number.NaN, focus: 40 * h };
  }

  it('moves the 240 CEM43 centroid towards the source (−z) by more than a voxel; without boiling it stays on the focus', async () => {
    const plain = await run({ boiling: false });
    expect(Math.abs(plain.centroid - plain.focus)).toBeLessThan(0.25e-3);
    const boiled = await run({ bubbleShielding: { beam: [0, 0, 1], absorption: shieldingAbsorption([muscle], 1e6) } });
    expect(boiled.sim.boiling?.onset).not.toBeNull();
    expect(boiled.centroid - boiled.focus).toBeLessThan(-0.5e-3);
    // nothing behind the bubbles is heated past boiling, and the peak stays at 100 °C while water remains
    expect(boiled.sim.peakTemperature).toBeLessThanOrEqual(BOILING_TEMPERATURE + 1e-9);
  });

  it('reflects essentially all the intensity at a tissue–vapour interface', () => {
    expect(VAPOUR_REFLECTION).toBeGreaterThan(0.999);
    expect(VAPOUR_REFLECTION).toBeLessThan(1);
  });
});
