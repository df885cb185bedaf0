import { describe, expect, it } from 'vitest';
import {
  BOILING_TEMPERATURE,
  ThermalSimulation,
  TreatmentSimulation,
  createGrid,
  gaussianPatch,
  getTissue,
  homogeneousThermalMedium,
  lesionVolume,
  placePatch,
} from '../../src/index.js';

describe('TreatmentSimulation with boiling (latent heat in the fine window) against the brute-force fine solution', () => {
  it('holds 100 °C, boils when the brute force does and matches its lesion within 5 %', async () => {
    const h = 0.5e-3;
    const grid = createGrid([40, 40, 48], [h, h, h]);
    const medium = homogeneousThermalMedium(grid, getTissue('fibroid'));
    const beam = gaussianPatch([h, h, h], [0.6e-3, 0.6e-3, 2.5e-3], 1, 3, 1);
    const sonications = [];
    for (const z of [9e-3, 13e-3])
      for (const x of [8.5e-3, 11.5e-3]) sonications.push({ position: [x, 10e-3, z] as const, power: 3.5e8, duration: 2, cooling: 4 });
    const timeline = sonications.flatMap((s) => [
      { duration: s.duration, source: placePatch(beam, grid, s.position), power: s.power },
      { duration: s.cooling },
    ]);
    const brute = new ThermalSimulation(medium, timeline, { scheme: 'explicit4' });
    await brute.advance();
    const fast = new TreatmentSimulation(medium, beam, sonications, { coarseFactor: 3, margin: 2e-3 });
    await fast.advance();
    const plain = new TreatmentSimulation(medium, beam, sonications, { coarseFactor: 3, margin: 2e-3, boiling: false });
    await plain.advance();
    // without boiling the same treatment passes 100 °C: the test exercises the latent heat
    expect(plain.peakTemperature).toBeGreaterThan(BOILING_TEMPERATURE + 20);
    expect(brute.peakTemperature).toBeLessThanOrEqual(BOILING_TEMPERATURE + 1e-9);
    expect(fast.peakTemperature).toBeLessThanOrEqual(BOILING_TEMPERATURE + 1e-6);
    const b = fast.boiling;
    if (!b || !brute.boiling) throw new Error('boiling off');
    expect(b.boilingOnset).not.toBeNull();
    // the first boiling in both, within one fine step of each other
    expect(Math.abs((b.boilingOnset as number) - (brute.boiling.boilingOnset as number))).toBeLessThan(2 * fast.fineDt);
    // every point showed its greyscale change, the brute force's bubbles are where the treatment's are
    expect(b.sonicationGreyscale.filter((t) => t !== null).length).toBe(4);
    const grey = b.greyscale(fast.time);
    const bruteBubbles = brute.boiling.greyscaleVoxels(1e-6);
    let shared = 0;
    for (const i of bruteBubbles) if (grey[i] > 0) shared++;
    expect(shared / bruteBubbles.length).toBeGreaterThan(0.8);
    expect(Math.abs(lesionVolume(fast.dose(), grid) / brute.lesionVolume() - 1)).toBeLessThan(0.05);
    expect(lesionVolume(plain.dose(), grid)).toBeGreaterThan(lesionVolume(fast.dose(), grid));
  });
});
