import { describe, expect, it } from 'vitest';
import { asmAxial, asmLateral, asmPower, buildAngularSpectrum } from '../../src/acoustics/angular-spectrum.js';
import { radialFieldTable, relayerSpectrum } from '../../src/acoustics/axisymmetric-field.js';
import { homogeneousMedium, layeredMedium } from '../../src/acoustics/medium.js';
import { parseTransducer } from '../../src/acoustics/scenario.js';
import { InputError } from '../../src/errors.js';
import { getTissue } from '../../src/tissue/tissue-table.js';

describe('relayerSpectrum + radialFieldTable', () => {
  const transducer = parseTransducer({ preset: 'benchmark-500khz', power: 1 });
  const medium = layeredMedium([
    { tissue: getTissue('water'), thickness: 0.04 },
    { tissue: getTissue('fat'), thickness: 0.01 },
    { tissue: getTissue('muscle'), thickness: 0.005 },
    { tissue: getTissue('fibroid') },
  ]);

  it('reproduces the angular spectrum built for the layers directly: |p|² on the axis and on radial lines within 1e-6 of the peak', async () => {
    const direct = await buildAngularSpectrum({ transducer, medium }, { zMin: 0.02, zMax: 0.08 });
    const zs = direct.zSource;
    // The source plane alone: water, then the slowest tissue (fat) just past it so that the band is the same.
    const probe = layeredMedium([{ tissue: getTissue('water'), thickness: zs }, { tissue: getTissue('fat') }]);
    const base = await buildAngularSpectrum({ transducer, medium: probe }, { zMin: zs, zMax: zs + 1e-3 });
    expect(base.nBand).toBe(direct.nBand);
    expect(direct.zSource).toBeCloseTo(base.zSource, 12);
    const asm = relayerSpectrum(base, medium, transducer.frequency);
    const table = await radialFieldTable(asm, medium, { zMin: 0.03, zMax: 0.08, rMax: 0.01, dzMax: 1e-3, drMax: 2e-4 });
    // planes lie on layer ends too (both sides of each interface)
    for (const zi of [0.04, 0.05, 0.055]) expect(Array.from(table.z).filter((z) => Math.abs(z - zi) < 1e-12).length).toBe(2);
    const r = Array.from({ length: 40 }, (_, m) => m * table.dr);
    expect(table.planeLayer[0]).toBe(0);
    let peak = 0;
    let worst = 0;
    for (let p = 0; p < table.z.length; p += 3) {
      // the last plane of a layer holds the field before the interface (asmLateral gives the one after it)
      const last = p + 1 < table.z.length && table.planeLayer[p + 1] !== table.planeLayer[p];
      const z = last ? table.z[p] - 1e-12 : table.z[p];
      const ax = asmAxial(direct, [z]);
      const lat = asmLateral(direct, z, r);
      peak = Math.max(peak, ax.re[0] ** 2 + ax.im[0] ** 2);
      for (let m = 0; m < r.length; m++) worst = Math.max(worst, Math.abs(table.p2[p * table.nr + m] - (lat.re[m] ** 2 + lat.im[m] ** 2)));
    }
    expect(worst / peak).toBeLessThan(1e-6);
    // plane powers: asmPower's Parseval sums (the layer's own field at its end plane)
    for (let p = 0; p < table.z.length; p += 5) {
      const last = p + 1 < table.z.length && table.planeLayer[p + 1] !== table.planeLayer[p];
      const ref = asmPower(asm, last ? table.z[p] - 1e-12 : table.z[p]);
      expect(Math.abs(table.power[p] / ref - 1)).toBeLessThan(1e-9);
    }
  }, 30_000);

  it('refuses a medium whose first layer is not the source plane’s, or that ends before it', async () => {
    const base = await buildAngularSpectrum({ transducer, medium: homogeneousMedium(getTissue('water')) }, { zMin: 0.02, zMax: 0.02 });
    const other = layeredMedium([{ tissue: getTissue('fat'), thickness: 0.04 }, { tissue: getTissue('muscle') }]);
    expect(() => relayerSpectrum(base, other, transducer.frequency)).toThrow(InputError);
    const short = layeredMedium([{ tissue: getTissue('water'), thickness: 0.01 }, { tissue: getTissue('muscle') }]);
    expect(() => relayerSpectrum(base, short, transducer.frequency)).toThrow(InputError);
  });
});
